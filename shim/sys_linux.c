/* sys.h over libc: the only file of the shim that reads errno. */
#define _GNU_SOURCE /* pipe2, F_SETSIG, F_SETOWN_EX */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "sys.h"

_Static_assert(sizeof(struct sys_pollfd) == sizeof(struct pollfd), "pollfd layout");
_Static_assert(SYS_POLLNVAL == POLLNVAL && SYS_POLLIN == POLLIN && SYS_POLLOUT == POLLOUT,
               "poll bits");
_Static_assert(SYS_EPOLLET == EPOLLET && SYS_EPOLLONESHOT == EPOLLONESHOT, "epoll bits");
_Static_assert(SYS_EPOLL_CTL_ADD == EPOLL_CTL_ADD && SYS_EPOLL_CTL_MOD == EPOLL_CTL_MOD &&
                   SYS_EPOLL_CTL_DEL == EPOLL_CTL_DEL,
               "epoll ops");
_Static_assert(SYS_O_ASYNC == O_ASYNC && SYS_F_OWNER_TID == F_OWNER_TID, "fcntl values");
_Static_assert(SYS_SIGIO == SIGIO && SYS_NSIG == _NSIG && SYS_SI_TIMER == SI_TIMER, "signals");
_Static_assert(sizeof(struct sys_sigsaved) >= sizeof(struct sigaction), "saved disposition");
_Static_assert(SYS_SIGNALFD_INFO_BYTES == sizeof(struct signalfd_siginfo), "signalfd info");

static int rc_of(int rc) { return rc < 0 ? -errno : rc; }

int sys_epoll_create(void) { return rc_of(epoll_create1(EPOLL_CLOEXEC)); }

int sys_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
  struct epoll_event ev = {.events = events, .data.u64 = data};
  return rc_of(epoll_ctl(epfd, op, fd, &ev));
}

int sys_epoll_wait(int epfd, struct sys_epoll_event *out, int max, int timeout_ms) {
  struct epoll_event events[256];
  if (max > 256)
    max = 256;
  int n = epoll_wait(epfd, events, max, timeout_ms);
  if (n < 0)
    return -errno;
  for (int i = 0; i < n; i++) {
    out[i].events = events[i].events;
    out[i].data = events[i].data.u64;
  }
  return n;
}

int sys_poll(struct sys_pollfd *fds, int n, int timeout_ms) {
  return rc_of(poll((struct pollfd *)fds, (nfds_t)n, timeout_ms));
}

int sys_timerfd_create(void) {
  return rc_of(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
}

static struct timespec timespec_from_ns(int64_t ns) {
  struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
  return ts;
}

int sys_timerfd_set_abs(int fd, int64_t abs_ns) {
  struct itimerspec spec = {0};
  spec.it_value = timespec_from_ns(abs_ns);
  return rc_of(timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, NULL));
}

int sys_eventfd(void) { return rc_of(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)); }

int sys_pipe(int fds[2]) { return rc_of(pipe2(fds, O_CLOEXEC | O_NONBLOCK)); }

long sys_read(int fd, void *buf, size_t n) {
  ssize_t r = read(fd, buf, n);
  return r < 0 ? -errno : (long)r;
}

long sys_write(int fd, const void *buf, size_t n) {
  ssize_t r = write(fd, buf, n);
  return r < 0 ? -errno : (long)r;
}

int sys_close(int fd) {
  /* On Linux the fd is released even when close reports EINTR: retrying
   * could close an fd another thread just opened. */
  if (close(fd) == 0 || errno == EINTR)
    return 0;
  return -errno;
}

int sys_fcntl_getfd(int fd) { return rc_of(fcntl(fd, F_GETFD)); }
int sys_fcntl_getfl(int fd) { return rc_of(fcntl(fd, F_GETFL)); }
int sys_fcntl_setfl(int fd, int flags) { return rc_of(fcntl(fd, F_SETFL, flags)); }
int sys_fcntl_getsig(int fd) { return rc_of(fcntl(fd, F_GETSIG)); }
int sys_fcntl_setsig(int fd, int signo) { return rc_of(fcntl(fd, F_SETSIG, signo)); }

int sys_fcntl_getown_ex(int fd, int *type, int *pid) {
  struct f_owner_ex owner;
  if (fcntl(fd, F_GETOWN_EX, &owner) != 0)
    return errno == EINVAL ? -ENOTSUP : -errno;
  *type = owner.type;
  *pid = owner.pid;
  return 0;
}

int sys_fcntl_setown_ex(int fd, int type, int pid) {
  struct f_owner_ex owner = {.type = type, .pid = pid};
  return rc_of(fcntl(fd, F_SETOWN_EX, &owner));
}

/* 1 if the file has a poll operation, asked of epoll itself, which refuses
 * (EPERM) exactly the files without one. */
static int file_is_pollable(int fd) {
  int epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0)
    return -errno;
  struct epoll_event ev = {.events = 0};
  int rc = epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0 ? 1 : -errno;
  close(epfd); /* takes the probe's entry with it */
  return rc == -EPERM ? 0 : rc;
}

/* FIFOs and sockets always poll; other files (devices, disk files,
 * directories, anonymous inodes) are asked of epoll. */
int sys_fd_pollable(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0)
    return -errno;
  if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
    return 1;
  return file_is_pollable(fd);
}

int64_t sys_clock_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail for this clock id */
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int sys_gettid(void) { return (int)syscall(SYS_gettid); }

uintptr_t sys_thread_self(void) { return (uintptr_t)pthread_self(); }

int sys_sigrtmin(void) { return SIGRTMIN; }
int sys_sigrtmax(void) { return SIGRTMAX; }

/* Signals: one shared handler per process, reached through a trampoline
 * that turns siginfo_t into struct sys_siginfo. */
static sys_sighandler_fn installed_fn;

static void sys_trampoline(int signo, siginfo_t *info, void *context) {
  int saved_errno = errno; /* the handler's doorbell write may fail */
  sys_sighandler_fn fn = __atomic_load_n(&installed_fn, __ATOMIC_ACQUIRE);
  if (fn != NULL) {
    struct sys_siginfo si = {.signo = signo,
                             .code = info->si_code,
                             .fd = info->si_fd,
                             .band = info->si_band,
                             .value_int = info->si_value.sival_int,
                             .context = context};
    fn(&si);
  }
  errno = saved_errno;
}

/* rt_sigreturn restores uc_sigmask: what is added there stays blocked. */
sys_sigset_t sys_sigcontext_block(void *context, sys_sigset_t set) {
  sigset_t *mask = &((ucontext_t *)context)->uc_sigmask;
  sys_sigset_t added = 0;
  for (int signo = 1; signo < SYS_NSIG; signo++) {
    if ((set & sys_sigbit(signo)) && sigismember(mask, signo) == 0) {
      sigaddset(mask, signo);
      added |= sys_sigbit(signo);
    }
  }
  return added;
}

int sys_sig_disposition(int signo) {
  struct sigaction current;
  if (sigaction(signo, NULL, &current) != 0)
    return -errno;
  if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == sys_trampoline)
    return SYS_SIG_OURS;
  if (!(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_DFL)
    return SYS_SIG_DEFAULT;
  return SYS_SIG_FOREIGN;
}

int sys_sigaction(int signo, sys_sighandler_fn fn, int mask_signo, struct sys_sigsaved *saved) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = sys_trampoline;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaddset(&action.sa_mask, mask_signo);
  sigaddset(&action.sa_mask, SIGIO);
  __atomic_store_n(&installed_fn, fn, __ATOMIC_RELEASE);
  struct sigaction previous;
  if (sigaction(signo, &action, &previous) != 0)
    return -errno;
  memcpy(saved->bytes, &previous, sizeof previous);
  return 0;
}

int sys_sigrestore(int signo, const struct sys_sigsaved *saved) {
  struct sigaction previous;
  memcpy(&previous, saved->bytes, sizeof previous);
  return rc_of(sigaction(signo, &previous, NULL));
}

static void set_to_sigset(sys_sigset_t set, sigset_t *out) {
  sigemptyset(out);
  for (int signo = 1; signo < SYS_NSIG; signo++)
    if (set & sys_sigbit(signo))
      sigaddset(out, signo);
}

int sys_sigmask(int how, const sys_sigset_t *set, sys_sigset_t *old) {
  static const int hows[] = {SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK};
  sigset_t in, out;
  if (set != NULL)
    set_to_sigset(*set, &in);
  int rc = pthread_sigmask(hows[how], set != NULL ? &in : NULL, &out);
  if (rc != 0)
    return -rc;
  if (old != NULL) {
    *old = 0;
    for (int signo = 1; signo < SYS_NSIG; signo++)
      if (sigismember(&out, signo) == 1)
        *old |= sys_sigbit(signo);
  }
  return 0;
}

int sys_signalfd(sys_sigset_t set) {
  sigset_t mask;
  set_to_sigset(set, &mask);
  return rc_of(signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC));
}

int sys_tgkill(int tid, int signo) { return rc_of((int)syscall(SYS_tgkill, getpid(), tid, signo)); }

long sys_signalfd_take(int fd, struct sys_siginfo *out, size_t max) {
  struct signalfd_siginfo raw[SYS_SIGNALFD_TAKE_MAX];
  if (max > SYS_SIGNALFD_TAKE_MAX)
    max = SYS_SIGNALFD_TAKE_MAX;
  ssize_t n;
  do {
    n = read(fd, raw, max * sizeof raw[0]);
  } while (n < 0 && errno == EINTR);
  if (n < 0)
    return errno == EAGAIN ? 0 : -errno;
  size_t count = (size_t)n / sizeof raw[0];
  for (size_t i = 0; i < count; i++)
    out[i] = (struct sys_siginfo){.signo = (int)raw[i].ssi_signo,
                                  .code = raw[i].ssi_code,
                                  .fd = raw[i].ssi_fd,
                                  .band = (long)raw[i].ssi_band,
                                  .value_int = raw[i].ssi_int,
                                  .context = NULL};
  return (long)count;
}

int sys_timer_create(int signo, int tid, int value, sys_timer_t *timer) {
  struct sigevent event;
  memset(&event, 0, sizeof event);
  event.sigev_notify = SIGEV_THREAD_ID;
  event.sigev_signo = signo;
  event.sigev_value.sival_int = value;
  event._sigev_un._tid = tid; /* sigev_notify_thread_id */
  timer_t t;
  if (timer_create(CLOCK_MONOTONIC, &event, &t) != 0)
    return -errno;
  *timer = (sys_timer_t)t;
  return 0;
}

int sys_timer_set_abs(sys_timer_t timer, int64_t abs_ns) {
  struct itimerspec spec = {0};
  spec.it_value = timespec_from_ns(abs_ns);
  return rc_of(timer_settime((timer_t)timer, TIMER_ABSTIME, &spec, NULL));
}

int sys_timer_delete(sys_timer_t timer) { return rc_of(timer_delete((timer_t)timer)); }
