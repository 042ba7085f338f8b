/* Bench-only (not part of the package): native peers for the benchmarks. A native
 * thread writes one byte into `out`, waits for the echo on `in`, and records each round trip
 * in nanoseconds; an optional native echo thread gives the floor (no JS at all), a native
 * signal echo the floor of a loop woken by signals, and a native
 * relay (an epoll thread ringing a doorbell for an echo thread) the floor of any design that
 * hands events from one thread to another, sleeping or busy-polling; a sprayer thread writes
 * bytes round-robin into many pipes for the throughput benchmark; and the fd limit is raised
 * here for the scale benchmark. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int wait_readable(int fd, int timeout_ms) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  return poll(&p, 1, timeout_ms);
}

struct ping_run {
  int out_fd, in_fd, count, gap_us;
  double *samples;
  atomic_int done;
  pthread_t thread;
};

static void *ping_main(void *arg) {
  struct ping_run *r = arg;
  char byte = 'p';
  for (int i = 0; i < r->count; i++) {
    double t0 = now_ns();
    if (write(r->out_fd, &byte, 1) != 1) break;
    if (wait_readable(r->in_fd, 5000) <= 0) break; /* a contender that never answers */
    char got;
    while (read(r->in_fd, &got, 1) != 1) wait_readable(r->in_fd, 5000);
    r->samples[i] = now_ns() - t0;
    if (r->gap_us > 0) usleep((useconds_t)r->gap_us);
  }
  atomic_store(&r->done, 1);
  return NULL;
}

/* Starts `count` round trips; the samples land in `samples` (count doubles, 0 = no answer). */
EXPORT void *ping_start(int out_fd, int in_fd, int count, int gap_us, double *samples) {
  struct ping_run *r = calloc(1, sizeof *r);
  *r = (struct ping_run){.out_fd = out_fd, .in_fd = in_fd, .count = count, .gap_us = gap_us, .samples = samples};
  pthread_create(&r->thread, NULL, ping_main, r);
  return r;
}

EXPORT int ping_done(void *run) { return atomic_load(&((struct ping_run *)run)->done); }

EXPORT void ping_join(void *run) {
  struct ping_run *r = run;
  pthread_join(r->thread, NULL);
  free(r);
}

struct echo_run {
  int in_fd, out_fd;
  atomic_int stop;
  pthread_t thread;
};

static void *echo_main(void *arg) {
  struct echo_run *e = arg;
  char buf[64];
  while (!atomic_load(&e->stop)) {
    if (wait_readable(e->in_fd, 50) <= 0) continue;
    ssize_t n = read(e->in_fd, buf, sizeof buf);
    if (n > 0 && write(e->out_fd, buf, (size_t)n) < 0) break;
  }
  return NULL;
}

/* The floor: a native thread that echoes `in` to `out`, no JS involved. */
EXPORT void *echo_start(int in_fd, int out_fd) {
  struct echo_run *e = calloc(1, sizeof *e);
  e->in_fd = in_fd;
  e->out_fd = out_fd;
  pthread_create(&e->thread, NULL, echo_main, e);
  return e;
}

EXPORT void echo_stop(void *echo) {
  struct echo_run *e = echo;
  atomic_store(&e->stop, 1);
  pthread_join(e->thread, NULL);
  free(e);
}

/* What the relay and the signal echo share: a doorbell pipe (non-blocking), and an epoll set that
 * watches a stop pipe and one fd (the doorbell's read end when fd < 0). */
struct wake_set {
  int epoll_fd, bell[2], stop_fd[2];
};

static void wake_set_open(struct wake_set *w, int fd, uint32_t events) {
  w->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (w->epoll_fd < 0 || pipe2(w->bell, O_NONBLOCK | O_CLOEXEC) < 0 || pipe2(w->stop_fd, O_CLOEXEC) < 0)
    abort();
  if (fd < 0)
    fd = w->bell[0];
  struct epoll_event watched = {.events = events, .data.fd = fd};
  struct epoll_event stop = {.events = EPOLLIN, .data.fd = w->stop_fd[0]};
  epoll_ctl(w->epoll_fd, EPOLL_CTL_ADD, fd, &watched);
  epoll_ctl(w->epoll_fd, EPOLL_CTL_ADD, w->stop_fd[0], &stop);
}

/* Wakes whoever waits on the set, for good. */
static void wake_set_stop(struct wake_set *w) {
  char byte = 0;
  if (write(w->stop_fd[1], &byte, 1) < 0)
    abort();
}

static void wake_set_close(struct wake_set *w) {
  close(w->epoll_fd);
  close(w->bell[0]);
  close(w->bell[1]);
  close(w->stop_fd[0]);
  close(w->stop_fd[1]);
}

/* The relay: what a progress thread does (one-shot epoll on `in`, a doorbell byte, re-armed
 * after the echo), with an echo thread waiting on the doorbell instead of JS. With spin_us > 0
 * the epoll thread does not sleep for spin_us after an event but polls (timeout 0): what
 * busy-polling would gain by sparing the hand-off one wake-up. */
struct relay_run {
  int in_fd, out_fd, spin_us;
  struct wake_set w;
  pthread_t waiter, echoer;
};

static void *relay_wait_main(void *arg) {
  struct relay_run *r = arg;
  double last_event = 0;
  for (;;) {
    struct epoll_event ev;
    int spinning = now_ns() - last_event < (double)r->spin_us * 1e3;
    int n = epoll_wait(r->w.epoll_fd, &ev, 1, spinning ? 0 : -1);
    if (n == 1)
      last_event = now_ns();
    if (n == 1 && ev.data.fd == r->w.stop_fd[0])
      break;
    char byte = 1;
    if (n == 1 && write(r->w.bell[1], &byte, 1) < 0)
      break;
  }
  return NULL;
}

static void *relay_echo_main(void *arg) {
  struct relay_run *r = arg;
  struct pollfd p[2] = {{.fd = r->w.bell[0], .events = POLLIN}, {.fd = r->w.stop_fd[0], .events = POLLIN}};
  char buf[64];
  while (poll(p, 2, -1) > 0 && !(p[1].revents & POLLIN)) {
    while (read(r->w.bell[0], buf, sizeof buf) > 0) {}
    ssize_t n = read(r->in_fd, buf, sizeof buf);
    if (n > 0 && write(r->out_fd, buf, (size_t)n) < 0)
      break;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.fd = r->in_fd};
    epoll_ctl(r->w.epoll_fd, EPOLL_CTL_MOD, r->in_fd, &ev);
  }
  return NULL;
}

EXPORT void *relay_start(int in_fd, int out_fd, int spin_us) {
  struct relay_run *r = calloc(1, sizeof *r);
  r->in_fd = in_fd;
  r->out_fd = out_fd;
  r->spin_us = spin_us;
  wake_set_open(&r->w, in_fd, EPOLLIN | EPOLLONESHOT);
  pthread_create(&r->waiter, NULL, relay_wait_main, r);
  pthread_create(&r->echoer, NULL, relay_echo_main, r);
  return r;
}

EXPORT void relay_stop(void *relay) {
  struct relay_run *r = relay;
  wake_set_stop(&r->w);
  pthread_join(r->waiter, NULL);
  pthread_join(r->echoer, NULL);
  wake_set_close(&r->w);
  free(r);
}

/* The floor of signal delivery: the kernel signals an echo thread (O_ASYNC, F_SETSIG, and
 * F_SETOWN_EX to that thread) that sleeps in epoll_wait on a doorbell, as an event loop does. The
 * handler rings the doorbell, since a loop wakes for a ready fd only (epoll_wait returns EINTR and
 * is called again); the thread reads the doorbell, then `in`, and echoes. The native echo thread
 * less this is what signals cost any loop, before evwheel's own work. One at a time (the handler
 * finds the doorbell in a static). */
struct sigecho_run {
  int in_fd, out_fd, signo, flags;
  struct wake_set w;
  struct sigaction saved;
  atomic_int ready;
  pthread_t thread;
};

static int sigecho_bell = -1;

static void sigecho_handler(int signo, siginfo_t *info, void *context) {
  (void)signo, (void)info, (void)context;
  int saved = errno;
  char byte = 1;
  if (write(sigecho_bell, &byte, 1) < 0) {} /* full: it is ringing already */
  errno = saved;
}

static void *sigecho_main(void *arg) {
  struct sigecho_run *r = arg;
  sigset_t own;
  sigemptyset(&own);
  sigaddset(&own, r->signo);
  pthread_sigmask(SIG_UNBLOCK, &own, NULL);
  struct f_owner_ex owner = {.type = F_OWNER_TID, .pid = gettid()};
  fcntl(r->in_fd, F_SETSIG, r->signo);
  fcntl(r->in_fd, F_SETOWN_EX, &owner);
  fcntl(r->in_fd, F_SETFL, r->flags | O_ASYNC);
  atomic_store(&r->ready, 1);
  char buf[64];
  for (;;) {
    struct epoll_event ev;
    if (epoll_wait(r->w.epoll_fd, &ev, 1, -1) != 1)
      continue; /* EINTR: the handler ran, and rang */
    if (ev.data.fd == r->w.stop_fd[0])
      break;
    while (read(r->w.bell[0], buf, sizeof buf) > 0) {}
    ssize_t n = read(r->in_fd, buf, sizeof buf);
    if (n > 0 && write(r->out_fd, buf, (size_t)n) < 0)
      break;
  }
  fcntl(r->in_fd, F_SETFL, r->flags);
  return NULL;
}

/* Starts the signal echo on the last realtime signal nobody handles; NULL if none is free. */
EXPORT void *sigecho_start(int in_fd, int out_fd) {
  struct sigecho_run *r = calloc(1, sizeof *r);
  r->in_fd = in_fd;
  r->out_fd = out_fd;
  r->flags = fcntl(in_fd, F_GETFL);
  for (r->signo = SIGRTMAX; r->signo >= SIGRTMIN; r->signo--) {
    struct sigaction now;
    if (sigaction(r->signo, NULL, &now) == 0 && now.sa_handler == SIG_DFL)
      break;
  }
  if (r->signo < SIGRTMIN) {
    free(r);
    return NULL;
  }
  wake_set_open(&r->w, -1, EPOLLIN);
  sigecho_bell = r->w.bell[1];
  struct sigaction handler = {.sa_sigaction = sigecho_handler, .sa_flags = SA_SIGINFO | SA_RESTART};
  sigemptyset(&handler.sa_mask);
  sigaction(r->signo, &handler, &r->saved);
  pthread_create(&r->thread, NULL, sigecho_main, r);
  while (!atomic_load(&r->ready))
    sched_yield(); /* armed before the first ping */
  return r;
}

/* O_ASYNC goes off again and the signal's disposition back; signals still queued die with the
 * thread. */
EXPORT void sigecho_stop(void *echo) {
  struct sigecho_run *r = echo;
  wake_set_stop(&r->w);
  pthread_join(r->thread, NULL);
  sigaction(r->signo, &r->saved, NULL);
  wake_set_close(&r->w);
  free(r);
}

struct spray_run {
  const int *fds;
  int count, duration_ms;
  atomic_int done;
  double written;
  pthread_t thread;
};

static void *spray_main(void *arg) {
  struct spray_run *s = arg;
  char byte = 's';
  double end = now_ns() + (double)s->duration_ms * 1e6;
  for (int i = 0; now_ns() < end; i = (i + 1) % s->count) {
    if (write(s->fds[i], &byte, 1) == 1)
      s->written += 1; /* a full pipe (EAGAIN) is skipped: the reader is behind */
  }
  atomic_store(&s->done, 1);
  return NULL;
}

/* Writes one byte at a time round-robin into `count` fds for `duration_ms`. */
EXPORT void *spray_start(const int *fds, int count, int duration_ms) {
  struct spray_run *s = calloc(1, sizeof *s);
  s->fds = fds;
  s->count = count;
  s->duration_ms = duration_ms;
  pthread_create(&s->thread, NULL, spray_main, s);
  return s;
}

EXPORT int spray_done(void *run) { return atomic_load(&((struct spray_run *)run)->done); }

/* Joins the sprayer; returns the bytes it wrote. */
EXPORT double spray_join(void *run) {
  struct spray_run *s = run;
  pthread_join(s->thread, NULL);
  double written = s->written;
  free(s);
  return written;
}

/* Raises RLIMIT_NOFILE to `want` open files: the hard limit too where the process may
 * (CAP_SYS_RESOURCE), else the soft limit as far as the hard one. Returns the soft limit now in
 * force. */
EXPORT long raise_open_files(long want) {
  struct rlimit lim;
  if (getrlimit(RLIMIT_NOFILE, &lim) < 0)
    return -1;
  if ((rlim_t)want > lim.rlim_cur) {
    struct rlimit raised = {.rlim_cur = (rlim_t)want, .rlim_max = (rlim_t)want > lim.rlim_max ? (rlim_t)want : lim.rlim_max};
    if (setrlimit(RLIMIT_NOFILE, &raised) < 0) {
      raised.rlim_cur = raised.rlim_max = lim.rlim_max;
      if (setrlimit(RLIMIT_NOFILE, &raised) < 0)
        return (long)lim.rlim_cur;
    }
  }
  return getrlimit(RLIMIT_NOFILE, &lim) < 0 ? -1 : (long)lim.rlim_cur;
}
