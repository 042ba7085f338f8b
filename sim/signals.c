/* Simulated signals of the one simulated thread (tid 1): dispositions,
 * its mask, a pending list with a finite realtime queue (overflow falls
 * back to SIGIO, as Linux's send_sigio does), O_ASYNC notifications and
 * POSIX timers (SIGEV_THREAD_ID, SI_TIMER; a timer's signal is
 * preallocated, as in Linux: it never overflows, a second expiry while it
 * is pending is an overrun). Delivery happens only in sim_run. */
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

#define SIM_MAX_TIMERS 1024

struct pending {
  struct sys_siginfo info;
  int timer; /* 1 + the timer's index, 0 for a queued signal */
};

struct disposition {
  sys_sighandler_fn fn; /* NULL: SIG_DFL */
  int mask_signo;
};

struct sim_timer {
  int used, signo, tid, value;
  int64_t expiry_ns; /* 0: disarmed */
  int queued;        /* its signal is pending */
};

static struct disposition dispositions[SYS_NSIG];
static sys_sigset_t thread_mask;
static struct pending *pending;
static int pending_count, pending_capacity, queued_count, queue_limit;
static struct sim_timer timers[SIM_MAX_TIMERS];

void sim_signals_reset(int queue) {
  memset(dispositions, 0, sizeof dispositions);
  memset(timers, 0, sizeof timers);
  thread_mask = 0;
  free(pending);
  pending = NULL;
  pending_count = pending_capacity = queued_count = 0;
  queue_limit = queue > 0 ? queue : SIM_DEFAULT_SIGNAL_QUEUE;
}

static int is_standard(int signo) { return signo < 32; }

static int append(const struct sys_siginfo *info, int timer) {
  if (pending_count == pending_capacity) {
    int capacity = pending_capacity ? pending_capacity * 2 : 64;
    struct pending *grown = realloc(pending, (size_t)capacity * sizeof *grown);
    if (grown == NULL)
      return -ENOMEM;
    pending = grown;
    pending_capacity = capacity;
  }
  pending[pending_count++] = (struct pending){.info = *info, .timer = timer};
  return 0;
}

static int is_pending(int signo) {
  for (int i = 0; i < pending_count; i++)
    if (pending[i].info.signo == signo)
      return 1;
  return 0;
}

/* Queues a signal for the thread: a standard signal at most once; a
 * realtime one while the queue has room, else 0 (the caller falls back). */
static int queue_signal(const struct sys_siginfo *info) {
  if (is_standard(info->signo)) {
    if (!is_pending(info->signo))
      append(info, 0);
    return 1;
  }
  if (queued_count >= queue_limit || append(info, 0) < 0)
    return 0;
  queued_count++;
  return 1;
}

void sim_send_fd_signal(int fd, int code) {
  struct sim_file *f = sim_file(fd);
  if (f == NULL || !(f->fl & SYS_O_ASYNC))
    return;
  if (f->own_pid != SIM_TID) /* no owner, or a thread that is not simulated */
    return;
  int bits = sim_file_readiness(fd) & 0x1f;
  if (f->sig != 0) {
    struct sys_siginfo info = {.signo = f->sig, .code = code, .fd = fd, .band = bits};
    if (queue_signal(&info))
      return;
  }
  /* F_SETSIG 0, or the realtime queue is full: plain SIGIO. */
  struct sys_siginfo io = {.signo = SYS_SIGIO, .code = SIM_SI_KERNEL, .fd = fd, .band = bits};
  queue_signal(&io);
}

int sim_signal_pending_in(sys_sigset_t set) {
  for (int i = 0; i < pending_count; i++)
    if (set & sys_sigbit(pending[i].info.signo))
      return 1;
  return 0;
}

/* The entry to take among the signals in set: the lowest number, then
 * FIFO (as Linux's dequeue). -1 if none. */
static int pick(sys_sigset_t set) {
  int best = -1;
  for (int i = 0; i < pending_count; i++)
    if ((set & sys_sigbit(pending[i].info.signo)) &&
        (best < 0 || pending[i].info.signo < pending[best].info.signo))
      best = i;
  return best;
}

static struct pending take(int i) {
  struct pending p = pending[i];
  memmove(&pending[i], &pending[i + 1], (size_t)(pending_count - i - 1) * sizeof *pending);
  pending_count--;
  if (p.timer > 0)
    timers[p.timer - 1].queued = 0;
  else if (!is_standard(p.info.signo))
    queued_count--;
  return p;
}

int sim_signalfd_take(sys_sigset_t set, struct sys_siginfo *info) {
  int i = pick(set);
  if (i < 0)
    return 0;
  *info = take(i).info;
  return 1;
}

int sim_deliver_signals(void) {
  int delivered = 0;
  for (;;) {
    int i = pick(~thread_mask);
    if (i < 0)
      return delivered;
    struct pending p = take(i);
    struct disposition *d = &dispositions[p.info.signo];
    delivered++;
    if (d->fn == NULL)
      continue; /* SIG_DFL would terminate the process: the sim drops it */
    sys_sigset_t saved = thread_mask; /* the context: what sys_sigcontext_block changes */
    thread_mask |= sys_sigbit(p.info.signo) | sys_sigbit(d->mask_signo) | sys_sigbit(SYS_SIGIO);
    p.info.context = &saved;
    d->fn(&p.info);
    thread_mask = saved;
  }
}

sys_sigset_t sim_sigcontext_block(void *context, sys_sigset_t set) {
  sys_sigset_t *saved = context;
  sys_sigset_t added = set & ~*saved;
  *saved |= set;
  return added;
}

sys_sigset_t sim_thread_mask(void) { return thread_mask; }
void sim_set_thread_mask(sys_sigset_t mask) { thread_mask = mask; }

int sim_sig_disposition(int signo) {
  if (signo <= 0 || signo >= SYS_NSIG)
    return -EINVAL;
  return dispositions[signo].fn != NULL ? SYS_SIG_OURS : SYS_SIG_DEFAULT;
}

int sim_sigaction(int signo, sys_sighandler_fn fn, int mask_signo, struct sys_sigsaved *saved) {
  if (signo <= 0 || signo >= SYS_NSIG)
    return -EINVAL;
  _Static_assert(sizeof(struct disposition) <= sizeof saved->bytes, "saved disposition");
  memcpy(saved->bytes, &dispositions[signo], sizeof(struct disposition));
  dispositions[signo] = (struct disposition){.fn = fn, .mask_signo = mask_signo};
  return 0;
}

int sim_sigrestore(int signo, const struct sys_sigsaved *saved) {
  if (signo <= 0 || signo >= SYS_NSIG)
    return -EINVAL;
  memcpy(&dispositions[signo], saved->bytes, sizeof(struct disposition));
  return 0;
}

int sim_ktimer_create(int signo, int tid, int value, sys_timer_t *timer) {
  if (signo <= 0 || signo >= SYS_NSIG)
    return -EINVAL;
  if (tid != SIM_TID)
    return -EINVAL;
  for (int i = 0; i < SIM_MAX_TIMERS; i++) {
    if (!timers[i].used) {
      timers[i] = (struct sim_timer){.used = 1, .signo = signo, .tid = tid, .value = value};
      *timer = i + 1;
      return 0;
    }
  }
  return -EAGAIN;
}

static struct sim_timer *timer_of(sys_timer_t timer) {
  if (timer < 1 || timer > SIM_MAX_TIMERS || !timers[timer - 1].used)
    return NULL;
  return &timers[timer - 1];
}

static void timer_fire(int index) {
  struct sim_timer *t = &timers[index];
  t->expiry_ns = 0; /* one-shot */
  if (t->queued)
    return; /* an overrun */
  struct sys_siginfo info = {.signo = t->signo, .code = SYS_SI_TIMER, .value_int = t->value};
  if (append(&info, index + 1) == 0)
    t->queued = 1;
}

int sim_ktimer_set(sys_timer_t timer, int64_t abs_ns) {
  struct sim_timer *t = timer_of(timer);
  if (t == NULL)
    return -EINVAL;
  t->expiry_ns = abs_ns;
  if (abs_ns != 0 && abs_ns <= sim_now_ns())
    timer_fire((int)(timer - 1));
  return 0;
}

int sim_ktimer_delete(sys_timer_t timer) {
  struct sim_timer *t = timer_of(timer);
  if (t == NULL)
    return -EINVAL;
  int index = (int)(timer - 1);
  for (int i = 0; i < pending_count; i++) {
    if (pending[i].timer == index + 1) {
      take(i); /* Linux drops the pending signal of a deleted timer */
      break;
    }
  }
  memset(t, 0, sizeof *t);
  return 0;
}

void sim_timers_expire(int64_t now) {
  /* In deadline order, ties by creation index: deterministic. */
  for (;;) {
    int best = -1;
    for (int i = 0; i < SIM_MAX_TIMERS; i++)
      if (timers[i].used && timers[i].expiry_ns != 0 && timers[i].expiry_ns <= now &&
          (best < 0 || timers[i].expiry_ns < timers[best].expiry_ns))
        best = i;
    if (best < 0)
      return;
    timer_fire(best);
  }
}

int64_t sim_timers_next(void) {
  int64_t best = 0;
  for (int i = 0; i < SIM_MAX_TIMERS; i++)
    if (timers[i].used && timers[i].expiry_ns != 0 && (best == 0 || timers[i].expiry_ns < best))
      best = timers[i].expiry_ns;
  return best;
}
