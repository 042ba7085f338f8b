/* The simulated kernel's fd table, files, clock and fault PRNG. */
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

#define O_NONBLOCK_LINUX 04000
#define O_WRONLY_LINUX 01

static struct sim_file files[SIM_MAX_FDS];
static int64_t now_ns;
static uint64_t prng_state;
double sim_p_eintr, sim_p_enomem, sim_p_spurious;
uint32_t sim_faults_injected;

/* splitmix64: the whole sequence follows from the seed. */
static uint64_t prng_next(void) {
  uint64_t z = (prng_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

int sim_fault(double p) {
  if (!(p > 0))
    return 0; /* no draw: a run without faults keeps the sequence of one with */
  double u = (double)(prng_next() >> 11) * (1.0 / 9007199254740992.0);
  if (u < p) {
    sim_faults_injected++;
    return 1;
  }
  return 0;
}

static void file_free(struct sim_file *f) {
  if (f->ep != NULL) {
    free(f->ep->regs);
    free(f->ep);
  }
  memset(f, 0, sizeof *f);
}

void sim_kernel_reset(uint64_t seed, double eintr, double enomem, double spurious, int queue) {
  for (int fd = 0; fd < SIM_MAX_FDS; fd++) {
    struct sim_file *f = &files[fd];
    if (f->kind == SIM_PIPE_R || f->kind == SIM_PIPE_W) {
      struct sim_pipe *p = f->pipe;
      if (f->kind == SIM_PIPE_R)
        p->reader_open = 0;
      else
        p->writer_open = 0;
      if (!p->reader_open && !p->writer_open) {
        free(p->pages);
        free(p);
      }
    }
    file_free(f);
  }
  now_ns = 0;
  prng_state = seed;
  sim_p_eintr = eintr;
  sim_p_enomem = enomem;
  sim_p_spurious = spurious;
  sim_faults_injected = 0;
  sim_signals_reset(queue);
  sim_inject_reset();
}

struct sim_file *sim_file(int fd) {
  if (fd < 0 || fd >= SIM_MAX_FDS || files[fd].kind == SIM_FREE)
    return NULL;
  return &files[fd];
}

/* The lowest free number, as Linux. */
int sim_fd_alloc(enum sim_kind kind) {
  for (int fd = SIM_FIRST_FD; fd < SIM_MAX_FDS; fd++) {
    if (files[fd].kind == SIM_FREE) {
      memset(&files[fd], 0, sizeof files[fd]);
      files[fd].kind = kind;
      files[fd].fl = O_NONBLOCK_LINUX;
      return fd;
    }
  }
  return -EMFILE;
}

int64_t sim_now_ns(void) { return now_ns; }

static void timerfds_expire(void) {
  for (int fd = 0; fd < SIM_MAX_FDS; fd++) {
    struct sim_file *f = &files[fd];
    if (f->kind == SIM_TIMERFD && f->expiry_ns != 0 && f->expiry_ns <= now_ns) {
      f->expiry_ns = 0; /* one-shot: the shim never sets an interval */
      f->counter++;
      f->gen++;
    }
  }
}

void sim_advance(int64_t ns) {
  if (ns > now_ns)
    now_ns = ns;
  timerfds_expire();
  sim_timers_expire(now_ns);
}

int64_t sim_next_expiry(void) {
  int64_t best = sim_timers_next();
  for (int fd = 0; fd < SIM_MAX_FDS; fd++)
    if (files[fd].kind == SIM_TIMERFD && files[fd].expiry_ns != 0 &&
        (best == 0 || files[fd].expiry_ns < best))
      best = files[fd].expiry_ns;
  return best == 0 ? -1 : best;
}

int sim_file_readiness(int fd) {
  struct sim_file *f = sim_file(fd);
  if (f == NULL)
    return SYS_POLLNVAL;
  int bits = 0;
  switch (f->kind) {
  case SIM_PIPE_R:
    if (f->pipe->len > 0)
      bits |= SYS_POLLIN;
    if (!f->pipe->writer_open)
      bits |= SYS_POLLHUP;
    break;
  case SIM_PIPE_W: /* Linux's pipe_poll: OUT while a buffer is free, ERR on top without readers */
    if (f->pipe->head - f->pipe->tail < SIM_PIPE_SLOTS)
      bits |= SYS_POLLOUT;
    if (!f->pipe->reader_open)
      bits |= SYS_POLLERR;
    break;
  case SIM_EVENTFD:
    if (f->counter > 0)
      bits |= SYS_POLLIN;
    if (f->counter < UINT64_MAX - 1)
      bits |= SYS_POLLOUT;
    break;
  case SIM_TIMERFD:
    if (f->counter > 0)
      bits |= SYS_POLLIN;
    break;
  case SIM_SIGNALFD:
    if (sim_signal_pending_in(f->sigmask))
      bits |= SYS_POLLIN;
    break;
  case SIM_EPOLL: /* readable while a registration would report (nested epoll, poll) */
    if (sim_epoll_readable(fd))
      bits |= SYS_POLLIN;
    break;
  case SIM_FREE:
    break;
  }
  return bits;
}

int sim_kpipe(int fds[2]) {
  struct sim_pipe *p = calloc(1, sizeof *p);
  uint8_t *buf = malloc(SIM_PIPE_SLOTS * SIM_PIPE_PAGE);
  if (p == NULL || buf == NULL) {
    free(p);
    free(buf);
    return -ENOMEM;
  }
  int r = sim_fd_alloc(SIM_PIPE_R);
  if (r < 0) {
    free(p);
    free(buf);
    return r;
  }
  int w = sim_fd_alloc(SIM_PIPE_W);
  if (w < 0) {
    files[r].kind = SIM_FREE;
    free(p);
    free(buf);
    return w;
  }
  p->pages = buf;
  p->reader_open = p->writer_open = 1;
  p->reader_fd = r;
  p->writer_fd = w;
  files[r].pipe = files[w].pipe = p;
  files[w].fl |= O_WRONLY_LINUX;
  fds[0] = r;
  fds[1] = w;
  return 0;
}

static uint8_t *pipe_page(struct sim_pipe *p, uint32_t slot) {
  return p->pages + (slot % SIM_PIPE_SLOTS) * SIM_PIPE_PAGE;
}

/* Linux's pipe_read: buffers are emptied in order and freed when empty.
 * Writers are woken for epoll only if every buffer was in use, but get
 * SIGIO (POLL_OUT) on every read. */
static long pipe_read(struct sim_file *f, uint8_t *out, uint32_t n) {
  struct sim_pipe *p = f->pipe;
  if (p->len == 0)
    return p->writer_open ? -EAGAIN : 0;
  int was_full = p->head - p->tail == SIM_PIPE_SLOTS;
  uint32_t took = 0;
  while (took < n && p->head != p->tail) {
    struct sim_pipe_buf *b = &p->bufs[p->tail % SIM_PIPE_SLOTS];
    uint32_t chunk = n - took < b->len ? n - took : b->len;
    memcpy(out + took, pipe_page(p, p->tail) + b->off, chunk);
    b->off += chunk;
    b->len -= chunk;
    took += chunk;
    if (b->len == 0)
      p->tail++;
  }
  p->len -= took;
  if (took > 0 && p->writer_open) {
    if (was_full)
      files[p->writer_fd].gen++;
    sim_send_fd_signal(p->writer_fd, SIM_POLL_OUT);
  }
  return (long)took;
}

/* Linux's pipe_write, non-blocking: the first n % page bytes join the last
 * buffer if they fit there whole, the rest fills new buffers a page at a
 * time while one is free. So a write of up to a page (PIPE_BUF) is never
 * split, and a full pipe says EAGAIN. */
static long pipe_write(struct sim_file *f, const uint8_t *in, uint32_t n) {
  struct sim_pipe *p = f->pipe;
  if (!p->reader_open)
    return -EPIPE; /* SIGPIPE is not simulated (Node ignores it) */
  if (n == 0)
    return 0;
  uint32_t put = 0;
  uint32_t chars = n % SIM_PIPE_PAGE;
  if (chars != 0 && p->head != p->tail) {
    struct sim_pipe_buf *last = &p->bufs[(p->head - 1) % SIM_PIPE_SLOTS];
    if (last->off + last->len + chars <= SIM_PIPE_PAGE) {
      memcpy(pipe_page(p, p->head - 1) + last->off + last->len, in, chars);
      last->len += chars;
      put = chars;
    }
  }
  while (put < n && p->head - p->tail < SIM_PIPE_SLOTS) {
    uint32_t chunk = n - put < SIM_PIPE_PAGE ? n - put : SIM_PIPE_PAGE;
    p->bufs[p->head % SIM_PIPE_SLOTS] = (struct sim_pipe_buf){.off = 0, .len = chunk};
    memcpy(pipe_page(p, p->head), in + put, chunk);
    p->head++;
    put += chunk;
  }
  if (put == 0)
    return -EAGAIN;
  p->len += put;
  files[p->reader_fd].gen++;
  sim_send_fd_signal(p->reader_fd, SIM_POLL_IN);
  return (long)put;
}

long sim_kread(int fd, void *buf, uint32_t n) {
  struct sim_file *f = sim_file(fd);
  if (f == NULL)
    return -EBADF;
  switch (f->kind) {
  case SIM_PIPE_R:
    return pipe_read(f, buf, n);
  case SIM_EVENTFD:
  case SIM_TIMERFD: {
    if (n < 8)
      return -EINVAL;
    if (f->counter == 0)
      return -EAGAIN;
    uint64_t value = f->counter;
    memcpy(buf, &value, 8);
    f->counter = 0;
    f->gen++;
    return 8;
  }
  case SIM_SIGNALFD: {
    uint32_t got = 0;
    struct sys_siginfo info;
    while (got + SYS_SIGNALFD_INFO_BYTES <= n && sim_signalfd_take(f->sigmask, &info)) {
      uint8_t *slot = (uint8_t *)buf + got;
      memset(slot, 0, SYS_SIGNALFD_INFO_BYTES);
      /* struct signalfd_siginfo: ssi_signo, ssi_errno, ssi_code, ..., ssi_fd at 20, ssi_band at 24 */
      uint32_t words[7] = {(uint32_t)info.signo, 0, (uint32_t)info.code, 0, 0, (uint32_t)info.fd,
                           (uint32_t)info.band};
      memcpy(slot, words, sizeof words);
      got += SYS_SIGNALFD_INFO_BYTES;
    }
    if (n < SYS_SIGNALFD_INFO_BYTES)
      return -EINVAL;
    return got > 0 ? (long)got : -EAGAIN;
  }
  default:
    return -EBADF;
  }
}

long sim_kwrite(int fd, const void *buf, uint32_t n) {
  struct sim_file *f = sim_file(fd);
  if (f == NULL)
    return -EBADF;
  switch (f->kind) {
  case SIM_PIPE_W:
    return pipe_write(f, buf, n);
  case SIM_EVENTFD: {
    if (n < 8)
      return -EINVAL;
    uint64_t value;
    memcpy(&value, buf, 8);
    if (value == UINT64_MAX)
      return -EINVAL;
    if (UINT64_MAX - 1 - f->counter < value)
      return -EAGAIN;
    f->counter += value;
    f->gen++;
    return 8;
  }
  default:
    return -EBADF;
  }
}

int sim_kclose(int fd) {
  struct sim_file *f = sim_file(fd);
  if (f == NULL)
    return -EBADF;
  sim_epoll_forget_fd(fd);
  if (f->kind == SIM_PIPE_R || f->kind == SIM_PIPE_W) {
    struct sim_pipe *p = f->pipe;
    if (f->kind == SIM_PIPE_R) {
      p->reader_open = 0;
      if (p->writer_open) {
        files[p->writer_fd].gen++;
        sim_send_fd_signal(p->writer_fd, SIM_POLL_HUP);
      }
    } else {
      p->writer_open = 0;
      if (p->reader_open) {
        files[p->reader_fd].gen++;
        sim_send_fd_signal(p->reader_fd, SIM_POLL_HUP);
      }
    }
    if (!p->reader_open && !p->writer_open) {
      free(p->pages);
      free(p);
    }
  }
  file_free(f);
  return 0;
}
