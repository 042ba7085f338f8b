/* The syscall interface (docs/INTERNALS.md, "The simulation"): every system
 * call the shim makes goes through these functions. Each returns >= 0 or
 * -errno; nothing above this interface reads errno. Two implementations:
 * sys_linux.c (libc) and sim/sys_sim.c (the simulated kernel, Emscripten).
 *
 * Constants are Linux's values in both builds (the sim build force-includes
 * sim/linux_abi.h so that <errno.h> names have Linux's numbers too). */
#ifndef EVW_SYS_H
#define EVW_SYS_H

#include <stddef.h>
#include <stdint.h>

/* epoll */
#define SYS_EPOLLIN 0x001u
#define SYS_EPOLLPRI 0x002u
#define SYS_EPOLLOUT 0x004u
#define SYS_EPOLLERR 0x008u
#define SYS_EPOLLHUP 0x010u
#define SYS_EPOLLONESHOT (1u << 30)
#define SYS_EPOLLET (1u << 31)
#define SYS_EPOLL_CTL_ADD 1
#define SYS_EPOLL_CTL_DEL 2
#define SYS_EPOLL_CTL_MOD 3

struct sys_epoll_event {
  uint32_t events;
  uint64_t data;
};

int sys_epoll_create(void); /* close-on-exec */
int sys_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
int sys_epoll_wait(int epfd, struct sys_epoll_event *events, int max, int timeout_ms);

/* poll(2): same layout and bits as struct pollfd. */
#define SYS_POLLIN 0x001
#define SYS_POLLPRI 0x002
#define SYS_POLLOUT 0x004
#define SYS_POLLERR 0x008
#define SYS_POLLHUP 0x010
#define SYS_POLLNVAL 0x020
struct sys_pollfd {
  int fd;
  short events;
  short revents;
};
int sys_poll(struct sys_pollfd *fds, int n, int timeout_ms);

/* fds */
int sys_timerfd_create(void);                       /* CLOCK_MONOTONIC, non-blocking, disarmed */
int sys_timerfd_set_abs(int fd, int64_t abs_ns);    /* absolute; 0 disarms */
int sys_eventfd(void);                              /* non-blocking, counter 0 */
int sys_pipe(int fds[2]);                           /* non-blocking, close-on-exec */
long sys_read(int fd, void *buf, size_t n);
long sys_write(int fd, const void *buf, size_t n);
int sys_close(int fd);                              /* EINTR counts as closed (Linux) */

/* fcntl */
#define SYS_O_ASYNC 020000
#define SYS_F_OWNER_TID 0
int sys_fcntl_getfd(int fd);
int sys_fcntl_getfl(int fd);
int sys_fcntl_setfl(int fd, int flags);
int sys_fcntl_getsig(int fd);
int sys_fcntl_setsig(int fd, int signo);
int sys_fcntl_getown_ex(int fd, int *type, int *pid); /* -ENOTSUP without F_GETOWN_EX */
int sys_fcntl_setown_ex(int fd, int type, int pid);

/* 1 if epoll accepts the file (it has a poll operation), 0 if it refuses
 * it (EPERM: a disk file, a directory, /dev/null), or -errno. */
int sys_fd_pollable(int fd);

/* time and threads */
int64_t sys_clock_ns(void); /* absolute CLOCK_MONOTONIC */
int sys_gettid(void);
/* The calling thread, unique among live threads, without a system call
 * (pthread_self, async-signal-safe). */
uintptr_t sys_thread_self(void);

/* Signals. A set is a bit mask: bit (signo - 1). */
#define SYS_SIGIO 29
#define SYS_NSIG 65
#define SYS_SI_TIMER (-2)
typedef uint64_t sys_sigset_t;
static inline sys_sigset_t sys_sigbit(int signo) { return (sys_sigset_t)1 << (signo - 1); }
int sys_sigrtmin(void);
int sys_sigrtmax(void);

/* What one signal tells the handler (from siginfo_t). */
struct sys_siginfo {
  int signo;
  int code;      /* si_code: POLL_IN.. (> 0), SI_TIMER, <= 0 for a process */
  int fd;        /* si_fd */
  long band;     /* si_band */
  int value_int; /* si_value.sival_int (timers) */
  void *context; /* the interrupted context, for sys_sigcontext_block */
};
typedef void (*sys_sighandler_fn)(const struct sys_siginfo *info);

/* From a handler: the signals of set stay blocked once it returns (they
 * are added to the mask the interrupted code gets back). Returns those
 * that were not blocked there before. Async-signal-safe. */
sys_sigset_t sys_sigcontext_block(void *context, sys_sigset_t set);

/* The disposition of signo: 0 SIG_DFL, 1 the shim's handler, 2 anything
 * else (SIG_IGN included), or -errno. */
#define SYS_SIG_DEFAULT 0
#define SYS_SIG_OURS 1
#define SYS_SIG_FOREIGN 2
int sys_sig_disposition(int signo);

/* A saved disposition (opaque). */
struct sys_sigsaved {
  _Alignas(16) unsigned char bytes[256];
};
/* Installs fn for signo (SA_SIGINFO | SA_RESTART, blocking mask_signo and
 * SIGIO while it runs); the previous disposition goes to *saved. One fn per
 * process. */
int sys_sigaction(int signo, sys_sighandler_fn fn, int mask_signo, struct sys_sigsaved *saved);
int sys_sigrestore(int signo, const struct sys_sigsaved *saved);

#define SYS_SIG_BLOCK 0
#define SYS_SIG_UNBLOCK 1
#define SYS_SIG_SETMASK 2
int sys_sigmask(int how, const sys_sigset_t *set, sys_sigset_t *old); /* this thread */
int sys_tgkill(int tid, int signo); /* to a thread of this process; Linux only (direct_linux.c) */
int sys_signalfd(sys_sigset_t set);                                    /* non-blocking */
#define SYS_SIGNALFD_INFO_BYTES 128
/* Takes up to max (at most SYS_SIGNALFD_TAKE_MAX) queued signals out of a
 * signalfd, as the handler would have got them (context NULL: nothing was
 * interrupted). How many, 0 when none is queued, or -errno. Linux only: for
 * the direct watch (direct_linux.c). */
#define SYS_SIGNALFD_TAKE_MAX 16
long sys_signalfd_take(int fd, struct sys_siginfo *out, size_t max);

/* POSIX timers: CLOCK_MONOTONIC, SIGEV_THREAD_ID to tid with signo and
 * sival_int value. */
typedef intptr_t sys_timer_t;
int sys_timer_create(int signo, int tid, int value, sys_timer_t *timer);
int sys_timer_set_abs(sys_timer_t timer, int64_t abs_ns); /* absolute; 0 disarms */
int sys_timer_delete(sys_timer_t timer);

#endif
