/* The simulated kernel (docs/INTERNALS.md, "The simulation"): virtual fds,
 * epoll, timerfd, eventfd, signalfd, one thread (tid 1) with signals and
 * POSIX timers, a virtual CLOCK_MONOTONIC, and seeded faults. Everything
 * is deterministic: no host time, no addresses, no hash order. */
#ifndef EVW_SIM_KERNEL_H
#define EVW_SIM_KERNEL_H

#include <stdint.h>

#include "../shim/sys.h"

#define SIM_TID 1
/* A pipe holds 16 buffers of a page each, as Linux's default pipe does. */
#define SIM_PIPE_PAGE 4096u
#define SIM_PIPE_SLOTS 16u
#define SIM_MAX_FDS 4096
#define SIM_FIRST_FD 3 /* 0..2: the process's stdio, not simulated */
#define SIM_SIGRTMIN 34
#define SIM_SIGRTMAX 64
#define SIM_DEFAULT_SIGNAL_QUEUE 64

/* si_code values (Linux) */
#define SIM_POLL_IN 1
#define SIM_POLL_OUT 2
#define SIM_POLL_HUP 6
#define SIM_SI_KERNEL 0x80

enum sim_kind { SIM_FREE = 0, SIM_PIPE_R, SIM_PIPE_W, SIM_EVENTFD, SIM_TIMERFD, SIM_EPOLL, SIM_SIGNALFD };

/* One buffer of a pipe: its bytes are [off, off + len) of its page. */
struct sim_pipe_buf {
  uint32_t off, len;
};

/* As Linux's pipe_inode_info: buffers head - tail of SIM_PIPE_SLOTS are in
 * use, each over one page; so how much a pipe holds depends on how it was
 * written (a write's first len % page bytes join the last page only when
 * they fit there whole). */
struct sim_pipe {
  uint8_t *pages; /* SIM_PIPE_SLOTS pages, slot i % SIM_PIPE_SLOTS */
  struct sim_pipe_buf bufs[SIM_PIPE_SLOTS];
  uint32_t head, tail;
  uint32_t len; /* bytes held, over all buffers */
  int reader_open, writer_open;
  int reader_fd, writer_fd;
};

struct sim_epoll_reg {
  int fd;
  uint32_t events;
  uint64_t data;
  int disabled;      /* one-shot, reported: until the next MOD */
  uint32_t seen_gen; /* edge-triggered: the file generation last reported */
};

struct sim_epoll {
  struct sim_epoll_reg *regs;
  int count, capacity;
  int cursor; /* round robin start, so a short max_events is fair */
};

struct sim_file {
  enum sim_kind kind;
  uint32_t gen; /* bumped on every wake-up (edge-triggered epoll) */
  int fl;       /* F_GETFL: O_NONBLOCK | access mode | O_ASYNC */
  int sig;      /* F_SETSIG (0: SIGIO) */
  int own_type, own_pid;
  struct sim_pipe *pipe;
  uint64_t counter;   /* eventfd counter, timerfd expirations */
  int64_t expiry_ns;  /* timerfd: absolute, 0 disarmed */
  sys_sigset_t sigmask; /* signalfd */
  struct sim_epoll *ep;
};

/* kernel.c */
void sim_kernel_reset(uint64_t seed, double eintr, double enomem, double spurious, int queue);
struct sim_file *sim_file(int fd); /* NULL if not open */
int sim_fd_alloc(enum sim_kind kind);
int sim_file_readiness(int fd); /* poll bits now */
int sim_fault(double p);        /* 1 with probability p (seeded PRNG) */
extern double sim_p_eintr, sim_p_enomem, sim_p_spurious;
extern uint32_t sim_faults_injected;
int64_t sim_now_ns(void);
void sim_advance(int64_t ns);
int64_t sim_next_expiry(void); /* absolute ns of the earliest timer, -1 if none */
long sim_kread(int fd, void *buf, uint32_t n);
long sim_kwrite(int fd, const void *buf, uint32_t n);
int sim_kclose(int fd);
int sim_kpipe(int fds[2]);

/* epoll (epoll.c) */
int sim_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
/* `blocking`: the caller would sleep (timeout != 0). Only such a wait can be
 * interrupted (EINTR) or end early with nothing (a spurious wake-up); a
 * non-blocking one reports exactly what is ready, as on Linux. */
int sim_epoll_wait(int epfd, struct sys_epoll_event *out, int max, int blocking);
int sim_epoll_readable(int epfd); /* a registration would report now */
void sim_epoll_forget_fd(int fd); /* fd closed: out of every set */

/* signals (signals.c) */
void sim_signals_reset(int queue);
void sim_send_fd_signal(int fd, int code); /* O_ASYNC notification */
int sim_signal_pending_in(sys_sigset_t set);
int sim_signalfd_take(sys_sigset_t set, struct sys_siginfo *info);
int sim_deliver_signals(void); /* → signals delivered to handlers */
sys_sigset_t sim_sigcontext_block(void *context, sys_sigset_t set);
sys_sigset_t sim_thread_mask(void);
void sim_set_thread_mask(sys_sigset_t mask);
int sim_sig_disposition(int signo);
int sim_sigaction(int signo, sys_sighandler_fn fn, int mask_signo, struct sys_sigsaved *saved);
int sim_sigrestore(int signo, const struct sys_sigsaved *saved);
int sim_ktimer_create(int signo, int tid, int value, sys_timer_t *timer);
int sim_ktimer_set(sys_timer_t timer, int64_t abs_ns);
int sim_ktimer_delete(sys_timer_t timer);
void sim_timers_expire(int64_t now);
int64_t sim_timers_next(void); /* earliest armed POSIX timer, 0 if none */

/* injected writes (inject.c) */
void sim_inject_reset(void);
int sim_inject_add(int fd, int after); /* 0, -EINVAL, -EAGAIN (table full) */
int sim_inject_count(void); /* injected writes not made yet */
/* Every system call of sys_sim.c returns its result through this. */
long sim_syscall_return(long rc);

#endif
