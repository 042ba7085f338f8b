/* The evw_loop object: one epoll set, its ring, and for threaded loops a
 * timerfd, a wake eventfd and the progress thread; for signal loops (no
 * epoll set) the registered fds with what to restore, a POSIX timer and a
 * signalfd to flush queued signals. Shared by the files that implement its
 * exports. */
#ifndef EVW_LOOP_H
#define EVW_LOOP_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "evwheel.h"
#include "ring.h"
#include "sys.h"

/* One user fd of a signal loop, and its fcntl state as found at evw_fd_add
 * (restored at evw_fd_del, evw_loop_stop and evw_loop_free). */
struct sig_fd {
  int fd;
  uint32_t events; /* epoll events as registered (EPOLLET/ONESHOT ignored) */
  uint32_t seq;
  int saved_flags; /* F_GETFL: only its O_ASYNC bit is restored */
  int saved_sig;   /* F_GETSIG */
  int saved_owner_type, saved_owner_pid; /* F_GETOWN_EX */
  /* Arming (sigarm.c): changed by the owning thread with the signals
   * blocked or inside the producer section (sigdefer.h), and by the
   * handler. */
  int armed;           /* O_ASYNC is on: the next change of the fd signals */
  int reported;        /* armed, yet reported since its last pass: a signal is stale, and
                          turns O_ASYNC off (sigarm.c) */
  uint32_t bursty;     /* left armed so, it changed again before its pass: idle passes to wait
                          before it is left armed again (sigarm.c) */
  int watched;         /* in the watch list: polled after the next batch, not armed */
  uint32_t idle_polls; /* polls in a row that found it idle while watched */
  uint32_t mark;       /* the re-arm pass that last took it (one poll per pass) */
};

/* A fd kept disarmed and polled after each batch (sigarm.c). */
struct sig_watch {
  int fd;
  uint32_t seq;
};

/* What came while the producer section was taken (sigdefer.c), replayed
 * when it is left. Only the owning thread touches it, its signal handler
 * included. */
struct sig_deferred {
  int busy;            /* the section is taken */
  int fd_waiting;      /* an fd signal came: fd, band */
  int fd;
  long band;
  int timer;           /* a timer signal came */
  int rescan;          /* a signal that asks for a rescan came */
  sys_sigset_t masked; /* left blocked by the handler that deferred: unblocked on leaving */
};

/* The signal-mode part of a loop (signal_loop.c, sigfd.c, sigarm.c,
 * rescan.c, sigdefer.c). Only the owning thread changes it: the fd table
 * and its index, which the handler reads, with the signals blocked; the
 * arming state with them blocked or inside the producer section
 * (sigdefer.h), where the ring is written. */
struct sig_state {
  int signo;
  int started;         /* handler installed (refcounted), timer created */
  int signal_fd;       /* signalfd for signo + SIGIO: flushing, -1 if none */
  int owner_listed;    /* entered in the owner table */
  int timer_created;
  sys_timer_t timer;
  double deadline_ns;  /* last evw_loop_arm_timer value, < 0: none */
  struct sig_fd *fds;
  size_t fd_count, fd_capacity;
  size_t *slot_of_fd;   /* fd -> index in fds + 1, 0 if not ours: the handler's lookup */
  size_t slot_of_fd_len;
  /* The watch list and its spare (a re-arm pass reads one, writes the
   * other); both hold fd_capacity entries, so a pass never allocates. */
  struct sig_watch *watch, *watch_spare;
  size_t watch_count;
  uint32_t pass;        /* re-arm passes so far (sig_fd.mark) */
  size_t rescan_cursor; /* where the next rescan starts (the ring may fill) */
  struct sig_deferred deferred;
  /* Node's loop watches the signalfd (direct.h): signo and SIGIO stay
   * blocked on the owning thread, which takes them out of the signalfd
   * itself; while it records them, entries are published without a
   * doorbell byte (JS is called right after). watching is changed with the
   * loops list locked (loops.h), where another loop reads it; stop_asked
   * is set there by that other loop. held_blocked: the signals are blocked
   * for the watch, or left so after it, until the handler is installed. */
  int watching;
  int stop_asked;
  int held_blocked;
  int quiet_bell;
};

/* A rearm list entry, as the core writes it (12 bytes, little endian). */
struct rearm_entry {
  int32_t fd;
  uint32_t events;
  uint32_t seq;
};
_Static_assert(sizeof(struct rearm_entry) == 12, "rearm entries are 12 bytes");

struct evw_loop {
  uint8_t *mem;    /* base of the core's shared memory (rearm lists are offsets in it) */
  struct ring ring;
  int threaded;
  int epoll_fd;
  int timer_fd;    /* -1 for poll loops */
  int wake_fd;     /* -1 for poll loops */
  int signal_mode; /* signal loop: epoll_fd, timer_fd and wake_fd are -1 */
  pid_t owner_tid; /* the thread that created it (freed by its cleanup hook) */
  struct evw_loop *all_prev, *all_next; /* loops.c: every live loop */
  struct sig_state sig;

  /* Progress thread state (thread.c). thread_running is written under
   * thread.c's lock and read atomically elsewhere; stop_requested is read by
   * the thread. */
  pthread_t thread;
  int thread_running;
  int stop_requested;

  /* Re-arms waiting to be applied (rearm.c): those that failed with a
   * transient error (ENOMEM), retried on the next progress step, rearm or
   * poll call, so that no readiness is lost; and a large batch the JS
   * thread handed to the running progress thread, so that the JS thread
   * makes one call instead of one epoll_ctl per fd. retry_count is also
   * read atomically without the lock. */
  pthread_mutex_t retry_lock;
  struct rearm_entry *retry;
  int retry_count, retry_capacity;
  /* Deferred batches handed over so far, and whether the progress thread
   * is (about to be) asleep: with both, a handover and the thread's
   * decision to sleep cannot miss each other (progress.c, rearm.c). */
  unsigned handovers;
  int thread_sleeping;
  /* The last harvest published fd events: level-triggered fds are armed so
   * (the core's rearm.ts), so nothing is fetched again until JS is done with
   * that batch (ring_all_finished), or undrained fds would be reported over
   * and over. Only the producer touches it. */
  int awaiting_finish;
  /* Node's own loop watching the epoll set (direct.h): its libuv poll
   * handle, NULL if it does not. Set by evw_loop_watch before the thread
   * starts, cleared when the loop is released after it stopped. While set,
   * the JS thread is the ring's producer and the thread fetches nothing
   * (progress.c). */
  struct uv_poll_s *direct;
};


/* epoll data of a user fd: the ring entry's fd and seq in one word. User
 * seqs are never 0, so values with a zero high half are free for the
 * loop's own fds. */
static inline uint64_t loop_epoll_data(int fd, uint32_t seq) {
  return (uint32_t)fd | (uint64_t)seq << 32;
}
#define LOOP_DATA_TIMER ((uint64_t)0xffffffffu)

/* What every kind of loop starts with (loop.c): mem and bell_fd checked,
 * the fds marked absent, the owner tid, the retry lock, the ring attached.
 * NULL with *rc set (and nothing left behind) on failure. */
evw_loop *loop_alloc(uint8_t *mem, uint32_t ring_off, int bell_fd, int *rc);

/* A creation that succeeded: listed for the thread's cleanup hook, *err 0. */
evw_loop *loop_publish(evw_loop *loop, int *err);

/* A creation that failed: whatever the loop holds released, *err = rc. */
evw_loop *loop_fail(evw_loop *loop, int rc, int *err);

#endif
