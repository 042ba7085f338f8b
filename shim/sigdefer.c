#include "sigdefer.h"
#include "sighandler.h"
#include "sigmask.h"

/* The handler interrupts the holder between two instructions and returns
 * before the holder goes on: the compiler must neither cache these words
 * across a point where a handler may run nor move the stores that publish
 * a record, which is what relaxed atomics and signal fences say. No CPU
 * fence is needed: one thread. */
static int load(const int *word) { return __atomic_load_n(word, __ATOMIC_RELAXED); }
static void store(int *word, int value) {
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
  __atomic_store_n(word, value, __ATOMIC_RELAXED);
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
}

int sigdefer_enter(evw_loop *loop) {
  struct sig_deferred *d = &loop->sig.deferred;
  /* Test, then set: a handler between the two ran to completion and left
   * the section free again. */
  if (load(&d->busy))
    return 0;
  store(&d->busy, 1);
  return 1;
}

/* Only handlers of the loop's own signal and SIGIO come here: each runs
 * with both blocked, so none interrupts another, and masked needs no more
 * care than a plain word. */
static void sigdefer_block(evw_loop *loop, void *context) {
  if (context == NULL)
    return;
  struct sig_deferred *d = &loop->sig.deferred;
  d->masked |= sys_sigcontext_block(context, sigmask_set_of(loop->sig.signo));
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
}

void sigdefer_fd(evw_loop *loop, int fd, long band, void *context) {
  struct sig_deferred *d = &loop->sig.deferred;
  if (load(&d->fd_waiting)) {
    store(&d->rescan, 1); /* never: the first one blocked the others */
  } else {
    d->fd = fd;
    d->band = band;
    store(&d->fd_waiting, 1); /* after fd and band: the holder reads them from now on */
  }
  sigdefer_block(loop, context);
}

void sigdefer_timer(evw_loop *loop, void *context) {
  store(&loop->sig.deferred.timer, 1);
  sigdefer_block(loop, context);
}

void sigdefer_rescan(evw_loop *loop, void *context) {
  store(&loop->sig.deferred.rescan, 1);
  sigdefer_block(loop, context);
}

/* A flag is cleared before its replay: a handler that sets it again after
 * the clear is replayed on the next round, one before it is covered by
 * this replay (a timer entry, a rescan, stand for any number of them). */
static int take_flag(int *flag) {
  if (!load(flag))
    return 0;
  store(flag, 0);
  return 1;
}

/* Replays what is deferred now, in the handler's own code. Returns whether
 * there was anything. */
static int sigdefer_replay(evw_loop *loop) {
  struct sig_deferred *d = &loop->sig.deferred;
  int any = 0;
  if (load(&d->fd_waiting)) {
    int fd = d->fd;
    long band = d->band;
    store(&d->fd_waiting, 0); /* after the copy */
    sighandler_fd(loop, fd, band);
    any = 1;
  }
  if (take_flag(&d->timer)) {
    sighandler_timer(loop);
    any = 1;
  }
  if (take_flag(&d->rescan)) {
    sighandler_rescan(loop);
    any = 1;
  }
  return any;
}

/* Blocked by handlers of the loop's own signals, which cannot come while
 * they are blocked: no handler changes masked between the load and the
 * store. The queued signals are handled on the way out of this call. */
static void sigdefer_unblock(evw_loop *loop) {
  struct sig_deferred *d = &loop->sig.deferred;
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
  sys_sigset_t masked = d->masked;
  if (masked == 0)
    return;
  d->masked = 0;
  sys_sigmask(SYS_SIG_UNBLOCK, &masked, NULL);
}

static int sigdefer_pending(struct sig_deferred *d) {
  return load(&d->fd_waiting) || load(&d->timer) || load(&d->rescan);
}

void sigdefer_leave(evw_loop *loop) {
  struct sig_deferred *d = &loop->sig.deferred;
  for (;;) {
    while (sigdefer_replay(loop)) {
    }
    store(&d->busy, 0);
    /* With the section free, so that the queued signals are handled by
     * their handlers, not deferred one by one. */
    sigdefer_unblock(loop);
    /* A handler that deferred between the last replay and the clear left
     * its signal here: take the section back for it. One that came after
     * the clear handled its own signal, and this check then sees nothing. */
    if (!sigdefer_pending(d))
      return;
    store(&d->busy, 1);
  }
}
