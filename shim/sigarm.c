/* Re-arming a signal loop's one-shot fds after a batch, with as few signals
 * as the load allows.
 *
 * A signal is dear for both sides: the writer's kernel queues it and
 * interrupts this thread, which runs the handler (poll, fcntl) and returns.
 * Arming every fd after its dispatch, as epoll's one-shot does, collapsed a
 * flood of 1,000 pipes: fds drained a moment before were armed, the next
 * write to each raised a signal, writes that raced the handler's disarm
 * raised more (2.3 signals per callback), and the JS thread spent its time
 * in signal delivery until the realtime queue overflowed (23k callbacks/s,
 * a twentieth of libuv). So a re-arm pass
 * - polls first: an fd ready again is reported and stays disarmed (its
 *   dispatch brings it back here);
 * - keeps an idle fd disarmed while another batch is on its way (the ring
 *   holds unconsumed entries): it is watched, polled again after that batch,
 *   SIGARM_IDLE_POLLS times at most, then armed. Under load it is mostly
 *   ready by then, and no signal is raised at all;
 * - polls an fd once more after arming it (a change in between signals
 *   nothing);
 * - only polls an fd the handler reported with O_ASYNC left on (into an
 *   empty ring: a quiet loop, a round trip): idle, it is armed already,
 *   and a change since the poll has signalled, so it needs no fcntl and no
 *   second poll.
 * Nothing is lost: after a pass every fd of the pass is reported, armed, or
 * watched with a batch to come that polls it (TS calls evw_loop_rearm after
 * every batch while this returns 1); a ready fd the full ring cannot take
 * is watched as well. */
#include <errno.h>

#include "rearm.h"
#include "registry.h"
#include "sigarm.h"
#include "sigdefer.h"
#include "sigfd.h"
#include "sigpoll.h"

/* Fds taken by a pass, polled SIGPOLL_CHUNK at a time. */
struct sigarm_chunk {
  struct sig_fd *entries[SIGPOLL_CHUNK];
  int n;
  int first_error;
};

void sigarm_forget_watch(evw_loop *loop) {
  struct sig_state *sig = &loop->sig;
  for (size_t i = 0; i < sig->fd_count; i++) {
    sig->fds[i].watched = 0;
    sig->fds[i].idle_polls = 0;
  }
  sig->watch_count = 0;
}

/* Leaving O_ASYNC on saves the two fcntl calls that turn it off now and
 * the two that turn it on again at the pass, when nothing changes before
 * the pass (a round trip). A change meanwhile costs a signal, which turns
 * it off then (sigarm_stale_signal). Under load a signal costs more than
 * the calls. */
void sigarm_reported(struct sig_fd *entry, int busy) {
  if (!(entry->events & SYS_EPOLLONESHOT) || !entry->armed)
    return;
  if (!(busy || entry->bursty) || sigfd_set_armed(entry, 0) < 0)
    entry->reported = 1; /* a failed disarm is tried again by the next signal */
}

/* It changed twice before one pass: it may well do so again (a reply in
 * several writes), and a signal costs more than the fcntl calls it saves,
 * so it is disarmed at once from now on, until passes have found it idle
 * SIGARM_QUIET_PASSES times. */
void sigarm_stale_signal(struct sig_fd *entry) {
  if (entry->reported && sigfd_set_armed(entry, 0) == 0)
    entry->bursty = SIGARM_QUIET_PASSES;
}

static void sigarm_note_error(struct sigarm_chunk *chunk, int rc) {
  if (rc < 0 && chunk->first_error == 0)
    chunk->first_error = rc;
}

/* Arms the idle fds that are not watched, then polls them once more. A fd
 * that cannot be armed (ENOMEM) asks for a rescan, which arms every fd. */
static void sigarm_arm(evw_loop *loop, struct sig_fd **idle, int n, struct sigarm_chunk *chunk) {
  struct sigpoll_item items[SIGPOLL_CHUNK];
  int count = 0, unreported;
  for (int i = 0; i < n; i++) {
    idle[i]->idle_polls = 0;
    int rc = idle[i]->armed ? 0 : sigfd_set_armed(idle[i], 1);
    if (rc == -EBADF)
      continue; /* closed by the user: nothing to wait for */
    if (rc < 0) {
      sigarm_note_error(chunk, rc);
      ring_request_rescan(&loop->ring);
      continue;
    }
    items[count++] = (struct sigpoll_item){.fd = idle[i]->fd, .events = idle[i]->events,
                                           .seq = idle[i]->seq};
  }
  /* One that is ready now stays armed: a signal raised meanwhile only adds
   * a report that the core merges with this one. */
  sigarm_note_error(chunk, sigpoll_report(loop, items, count, &unreported));
}

static void sigarm_watch(struct sig_state *sig, struct sig_fd *entry) {
  entry->watched = 1;
  sig->watch[sig->watch_count++] = (struct sig_watch){.fd = entry->fd, .seq = entry->seq};
}

/* An idle fd that was reported with O_ASYNC left on, and so was armed all
 * along: whatever changed since the poll has signalled, and the handler,
 * which this pass holds off (sigdefer.h), reports it once the pass is over.
 * So it needs no fcntl and no second poll. Under load it is watched
 * instead, as an idle fd found disarmed would be. */
static void sigarm_keep_armed(struct sig_state *sig, struct sig_fd *entry, int batch_coming) {
  if (batch_coming && entry->idle_polls < SIGARM_IDLE_POLLS && sigfd_set_armed(entry, 0) == 0) {
    entry->idle_polls++;
    sigarm_watch(sig, entry);
    return;
  }
  entry->reported = 0;
  entry->idle_polls = 0;
}


/* Polls the chunk: entries for the ready fds; the idle ones watched while
 * the ring holds entries (a batch, and with it the next pass, will follow),
 * else armed. A ready fd the full ring has no room for is watched too: the
 * next pass reports it, where a rescan would arm and poll every fd. */
static void sigarm_flush(evw_loop *loop, struct sigarm_chunk *chunk) {
  struct sig_state *sig = &loop->sig;
  struct sys_pollfd fds[SIGPOLL_CHUNK];
  struct sig_fd *idle[SIGPOLL_CHUNK];
  int n = chunk->n, idle_count = 0;
  chunk->n = 0;
  if (n == 0)
    return;
  for (int i = 0; i < n; i++)
    fds[i] = (struct sys_pollfd){.fd = chunk->entries[i]->fd,
                                 .events = (short)(chunk->entries[i]->events & SIGPOLL_EVENTS)};
  int rc = sigpoll_now(fds, n);
  if (rc < 0) { /* nothing known: arm them all, as before this scheme */
    sigarm_note_error(chunk, rc);
    sigarm_arm(loop, chunk->entries, n, chunk);
    return;
  }
  uint32_t space = ring_free_space(&loop->ring), written = 0;
  for (int i = 0; i < n; i++) {
    struct sig_fd *entry = chunk->entries[i];
    uint32_t bits = (uint32_t)fds[i].revents & RING_EVENT_BITS;
    if (fds[i].revents & SYS_POLLNVAL)
      continue; /* closed by the user */
    if (bits == 0) {
      if (entry->bursty > 0)
        entry->bursty--;
      idle[idle_count++] = entry;
    } else if (written < space) {
      entry->idle_polls = 0;
      ring_put(&loop->ring, written++, entry->fd, entry->seq, bits, RING_KIND_FD);
      sigarm_reported(entry, 1); /* this entry is a batch to come */
    } else {
      entry->idle_polls = 0;
      sigarm_reported(entry, 1); /* the full ring is one */
      sigarm_watch(sig, entry);
    }
  }
  ring_publish(&loop->ring, written, 1);
  int batch_coming = ring_free_space(&loop->ring) < loop->ring.capacity;
  int arm_count = 0;
  for (int i = 0; i < idle_count; i++) {
    struct sig_fd *entry = idle[i];
    if (entry->reported) {
      sigarm_keep_armed(sig, entry, batch_coming);
    } else if (batch_coming && !entry->armed && entry->idle_polls < SIGARM_IDLE_POLLS) {
      entry->idle_polls++;
      sigarm_watch(sig, entry);
    } else {
      idle[arm_count++] = entry;
    }
  }
  sigarm_arm(loop, idle, arm_count, chunk);
}

/* Adds a current registration to the pass, once. */
static void sigarm_take(evw_loop *loop, struct sigarm_chunk *chunk, int fd, uint32_t seq) {
  struct sig_fd *entry = sigfd_lookup(loop, fd);
  if (entry == NULL || entry->seq != seq || entry->mark == loop->sig.pass ||
      !sigpoll_wanted(entry->events) || !registry_owns(fd, loop, seq))
    return;
  entry->mark = loop->sig.pass;
  chunk->entries[chunk->n++] = entry;
  if (chunk->n == SIGPOLL_CHUNK)
    sigarm_flush(loop, chunk);
}

int sigarm_rearm(evw_loop *loop, uint32_t list_off, int count) {
  struct sig_state *sig = &loop->sig;
  if (!sig->started)
    return 0; /* evw_loop_start polls every fd */
  /* The section, not the signal mask: a signal that comes during the pass
   * is replayed at its end, as the mask would have delivered it then, and
   * a pass per batch saves two rt_sigprocmask calls. */
  if (!sigdefer_enter(loop))
    return -EBUSY; /* never: only the handler takes it, and returns first */
  /* The pass reads last pass's watch list and writes the other one; each
   * fd is taken once, so the new list fits in fd_capacity. */
  struct sig_watch *watched = sig->watch;
  size_t watched_count = sig->watch_count;
  sig->watch = sig->watch_spare;
  sig->watch_spare = watched;
  sig->watch_count = 0;
  sig->pass++;
  struct sigarm_chunk chunk = {.n = 0, .first_error = 0};
  for (size_t i = 0; i < watched_count; i++) {
    struct sig_fd *entry = sigfd_lookup(loop, watched[i].fd);
    if (entry == NULL || entry->seq != watched[i].seq || !entry->watched)
      continue; /* removed, re-added, or armed meanwhile (modify, rescan) */
    entry->watched = 0;
    sigarm_take(loop, &chunk, watched[i].fd, watched[i].seq);
  }
  for (int i = 0; i < count; i++) {
    struct rearm_entry listed;
    rearm_read_entry(loop, list_off + (uint32_t)i * (uint32_t)sizeof listed, &listed);
    sigarm_take(loop, &chunk, listed.fd, listed.seq); /* stale entries are skipped */
  }
  sigarm_flush(loop, &chunk);
  sigdefer_leave(loop);
  return sig->watch_count > 0 ? 1 : chunk.first_error;
}
