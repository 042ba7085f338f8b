/* sys.h over the simulated kernel. The only blocking calls (epoll_wait,
 * poll) never block here: the scheduler calls the progress step with
 * timeout 0, and a producer that would sleep on a full ring just returns.
 * Each call returns through sim_syscall_return, where injected writes
 * happen (inject.c); sys_clock_ns (the vDSO on Linux) and the realtime
 * range (libc constants) are no system calls. */
#include <stdlib.h>

#include "kernel.h"

#define SIM_O_CHANGEABLE (SYS_O_ASYNC | 04000 /* O_NONBLOCK */)

int sys_epoll_create(void) {
  struct sim_epoll *ep = calloc(1, sizeof *ep);
  if (ep == NULL)
    return sim_syscall_return(-ENOMEM);
  int fd = sim_fd_alloc(SIM_EPOLL);
  if (fd < 0) {
    free(ep);
    return sim_syscall_return(fd);
  }
  sim_file(fd)->ep = ep;
  return sim_syscall_return(fd);
}

int sys_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
  return sim_syscall_return(sim_epoll_ctl(epfd, op, fd, events, data));
}

/* The simulation never sleeps: a wait with a timeout returns at once with
 * what is ready, but keeps what only a sleeping call can suffer (faults). */
int sys_epoll_wait(int epfd, struct sys_epoll_event *events, int max, int timeout_ms) {
  return sim_syscall_return(sim_epoll_wait(epfd, events, max, timeout_ms != 0));
}

int sys_poll(struct sys_pollfd *fds, int n, int timeout_ms) {
  if (n < 0)
    return sim_syscall_return(-EINVAL);
  if (timeout_ms != 0 && sim_fault(sim_p_eintr))
    return sim_syscall_return(-EINTR);
  /* Woke up with nothing: what a progress thread sees when another waiter
   * fetched from the epoll set it polls first. */
  if (timeout_ms != 0 && sim_fault(sim_p_spurious)) {
    for (int i = 0; i < n; i++)
      fds[i].revents = 0;
    return sim_syscall_return(0);
  }
  int ready = 0;
  for (int i = 0; i < n; i++) {
    int bits = sim_file_readiness(fds[i].fd);
    if (fds[i].fd < 0)
      bits = 0; /* ignored, as poll(2) does */
    else if (!(bits & SYS_POLLNVAL))
      bits &= fds[i].events | SYS_POLLERR | SYS_POLLHUP;
    fds[i].revents = (short)bits;
    if (bits != 0)
      ready++;
  }
  return sim_syscall_return(ready);
}

int sys_timerfd_create(void) { return sim_syscall_return(sim_fd_alloc(SIM_TIMERFD)); }

int sys_timerfd_set_abs(int fd, int64_t abs_ns) {
  struct sim_file *f = sim_file(fd);
  if (f == NULL)
    return sim_syscall_return(-EBADF);
  if (f->kind != SIM_TIMERFD)
    return sim_syscall_return(-EINVAL);
  f->counter = 0; /* as timerfd_settime: pending expirations are dropped */
  f->expiry_ns = abs_ns;
  if (abs_ns != 0 && abs_ns <= sim_now_ns()) {
    f->expiry_ns = 0;
    f->counter = 1;
    f->gen++;
  }
  return sim_syscall_return(0);
}

int sys_eventfd(void) { return sim_syscall_return(sim_fd_alloc(SIM_EVENTFD)); }

int sys_pipe(int fds[2]) { return sim_syscall_return(sim_kpipe(fds)); }

long sys_read(int fd, void *buf, size_t n) {
  return sim_syscall_return(sim_kread(fd, buf, n > 0x7fffffffu ? 0x7fffffffu : (uint32_t)n));
}

long sys_write(int fd, const void *buf, size_t n) {
  return sim_syscall_return(sim_kwrite(fd, buf, n > 0x7fffffffu ? 0x7fffffffu : (uint32_t)n));
}

int sys_close(int fd) { return sim_syscall_return(sim_kclose(fd)); }

int sys_fcntl_getfd(int fd) {
  return sim_syscall_return(sim_file(fd) ? 1 /* FD_CLOEXEC */ : -EBADF);
}

int sys_fcntl_getfl(int fd) {
  struct sim_file *f = sim_file(fd);
  return sim_syscall_return(f ? f->fl : -EBADF);
}

static int sim_file_has_fasync(const struct sim_file *f) {
  return f->kind == SIM_PIPE_R || f->kind == SIM_PIPE_W;
}

int sys_fcntl_setfl(int fd, int flags) {
  struct sim_file *f = sim_file(fd);
  if (f == NULL)
    return sim_syscall_return(-EBADF);
  /* As Linux's setfl, which leaves O_ASYNC to the file's fasync operation:
   * of the simulated files only pipes have one; others ignore it silently. */
  int changeable = sim_file_has_fasync(f) ? SIM_O_CHANGEABLE : SIM_O_CHANGEABLE & ~SYS_O_ASYNC;
  f->fl = (f->fl & ~changeable) | (flags & changeable);
  return sim_syscall_return(0);
}

int sys_fcntl_getsig(int fd) {
  struct sim_file *f = sim_file(fd);
  return sim_syscall_return(f ? f->sig : -EBADF);
}

int sys_fcntl_setsig(int fd, int signo) {
  struct sim_file *f = sim_file(fd);
  if (f == NULL)
    return sim_syscall_return(-EBADF);
  if (signo < 0 || signo >= SYS_NSIG)
    return sim_syscall_return(-EINVAL);
  f->sig = signo;
  return sim_syscall_return(0);
}

int sys_fcntl_getown_ex(int fd, int *type, int *pid) {
  struct sim_file *f = sim_file(fd);
  if (f == NULL)
    return sim_syscall_return(-EBADF);
  *type = f->own_type;
  *pid = f->own_pid;
  return sim_syscall_return(0);
}

int sys_fcntl_setown_ex(int fd, int type, int pid) {
  struct sim_file *f = sim_file(fd);
  if (f == NULL)
    return sim_syscall_return(-EBADF);
  if (type < 0 || type > 2)
    return sim_syscall_return(-EINVAL);
  f->own_type = type;
  f->own_pid = pid;
  return sim_syscall_return(0);
}

/* Every simulated file has a poll operation. */
int sys_fd_pollable(int fd) {
  return sim_syscall_return(sim_file(fd) != NULL ? 1 : -EBADF);
}

int64_t sys_clock_ns(void) { return sim_now_ns(); }

int sys_gettid(void) { return sim_syscall_return(SIM_TID); }

/* Not a system call (pthread_self): the one simulated thread. */
uintptr_t sys_thread_self(void) { return SIM_TID; }

int sys_sigrtmin(void) { return SIM_SIGRTMIN; }
int sys_sigrtmax(void) { return SIM_SIGRTMAX; }

int sys_sig_disposition(int signo) { return sim_syscall_return(sim_sig_disposition(signo)); }

int sys_sigaction(int signo, sys_sighandler_fn fn, int mask_signo, struct sys_sigsaved *saved) {
  return sim_syscall_return(sim_sigaction(signo, fn, mask_signo, saved));
}

int sys_sigrestore(int signo, const struct sys_sigsaved *saved) {
  return sim_syscall_return(sim_sigrestore(signo, saved));
}

/* Not a system call: the handler's return does it. */
sys_sigset_t sys_sigcontext_block(void *context, sys_sigset_t set) {
  return sim_sigcontext_block(context, set);
}

int sys_sigmask(int how, const sys_sigset_t *set, sys_sigset_t *old) {
  sys_sigset_t mask = sim_thread_mask();
  if (old != NULL)
    *old = mask;
  if (set == NULL)
    return sim_syscall_return(0);
  switch (how) {
  case SYS_SIG_BLOCK:
    mask |= *set;
    break;
  case SYS_SIG_UNBLOCK:
    mask &= ~*set;
    break;
  case SYS_SIG_SETMASK:
    mask = *set;
    break;
  default:
    return sim_syscall_return(-EINVAL);
  }
  sim_set_thread_mask(mask);
  return sim_syscall_return(0);
}

int sys_signalfd(sys_sigset_t set) {
  int fd = sim_fd_alloc(SIM_SIGNALFD);
  if (fd >= 0)
    sim_file(fd)->sigmask = set;
  return sim_syscall_return(fd);
}

int sys_timer_create(int signo, int tid, int value, sys_timer_t *timer) {
  return sim_syscall_return(sim_ktimer_create(signo, tid, value, timer));
}

int sys_timer_set_abs(sys_timer_t timer, int64_t abs_ns) {
  return sim_syscall_return(sim_ktimer_set(timer, abs_ns));
}

int sys_timer_delete(sys_timer_t timer) { return sim_syscall_return(sim_ktimer_delete(timer)); }
