#include <errno.h>
#include <stdlib.h>

#include "loops.h"
#include "mem.h"
#include "rearm.h"
#include "registry.h"
#include "sigarm.h"
#include "wake.h"

int rearm_epoll_ctl(const evw_loop *loop, int op, int fd, uint32_t events, uint32_t seq) {
  int rc;
  do {
    rc = sys_epoll_ctl(loop->epoll_fd, op, fd, events, loop_epoll_data(fd, seq));
  } while (rc == -EINTR);
  return rc;
}

/* The fd vanished under us (the user closed it, or closed and reopened the
 * number): the kernel already dropped it from the epoll set. */
static int fd_was_closed(int rc) { return rc == -ENOENT || rc == -EBADF; }

/* Errors a later attempt may not meet. */
static int is_transient(int rc) { return rc == -ENOMEM || rc == -EAGAIN || rc == -ENOBUFS; }

/* Called with retry_lock held. */
static int retry_reserve(evw_loop *loop, int more) {
  if (loop->retry_count + more <= loop->retry_capacity)
    return 0;
  int capacity = loop->retry_capacity ? loop->retry_capacity : 16;
  while (capacity < loop->retry_count + more)
    capacity *= 2;
  struct rearm_entry *grown = realloc(loop->retry, (size_t)capacity * sizeof *grown);
  if (grown == NULL)
    return -ENOMEM;
  loop->retry = grown;
  loop->retry_capacity = capacity;
  return 0;
}

/* Called with retry_lock held. Replaces a kept entry of the same fd. */
static int retry_keep(evw_loop *loop, const struct rearm_entry *entry) {
  for (int i = 0; i < loop->retry_count; i++) {
    if (loop->retry[i].fd == entry->fd) {
      loop->retry[i] = *entry;
      return 0;
    }
  }
  int rc = retry_reserve(loop, 1);
  if (rc < 0)
    return rc;
  loop->retry[loop->retry_count] = *entry;
  __atomic_store_n(&loop->retry_count, loop->retry_count + 1, __ATOMIC_RELEASE);
  return 0;
}

/* Called with retry_lock held. 0 when armed, skipped (stale) or kept for a
 * retry; else the error. */
static int rearm_one(evw_loop *loop, const struct rearm_entry *entry) {
  /* A stale entry (fd deleted, or re-added with a new seq) must not
   * overwrite the current registration's epoll data. */
  if (!registry_owns(entry->fd, loop, entry->seq))
    return 0;
  int rc = rearm_epoll_ctl(loop, SYS_EPOLL_CTL_MOD, entry->fd, entry->events, entry->seq);
  if (rc == 0 || fd_was_closed(rc))
    return 0;
  if (is_transient(rc))
    return retry_keep(loop, entry);
  return rc;
}

int rearm_retry_pending(evw_loop *loop) {
  if (__atomic_load_n(&loop->retry_count, __ATOMIC_ACQUIRE) == 0)
    return 0;
  pthread_mutex_lock(&loop->retry_lock);
  int kept = 0;
  for (int i = 0; i < loop->retry_count; i++) {
    struct rearm_entry entry = loop->retry[i];
    if (!registry_owns(entry.fd, loop, entry.seq))
      continue;
    int rc = rearm_epoll_ctl(loop, SYS_EPOLL_CTL_MOD, entry.fd, entry.events, entry.seq);
    if (is_transient(rc))
      loop->retry[kept++] = entry; /* still failing: next time */
  }
  __atomic_store_n(&loop->retry_count, kept, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&loop->retry_lock);
  return kept;
}

/* Called with retry_lock held. Every entry of fd: a handed-over batch may
 * hold one besides a kept one. */
static void retry_remove(evw_loop *loop, int fd) {
  int kept = 0;
  for (int i = 0; i < loop->retry_count; i++) {
    if (loop->retry[i].fd != fd)
      loop->retry[kept++] = loop->retry[i];
  }
  __atomic_store_n(&loop->retry_count, kept, __ATOMIC_RELEASE);
}

/* A large batch for a running progress thread: one copy under the lock and
 * at most one wake-up here, the epoll_ctl calls on that thread (which
 * applies the list before it next waits). The fds stay disarmed meanwhile,
 * which is what one-shot fds are until re-armed anyway. -ENOMEM: apply it
 * here instead. */
static int rearm_hand_over(evw_loop *loop, uint32_t list_off, int count) {
  pthread_mutex_lock(&loop->retry_lock);
  int rc = retry_reserve(loop, count);
  if (rc == 0) {
    for (int i = 0; i < count; i++)
      rearm_read_entry(loop, list_off + (uint32_t)i * (uint32_t)sizeof(struct rearm_entry),
                       &loop->retry[loop->retry_count + i]);
    __atomic_store_n(&loop->retry_count, loop->retry_count + count, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&loop->handovers, 1, __ATOMIC_SEQ_CST);
  }
  pthread_mutex_unlock(&loop->retry_lock);
  /* Pairs with the thread's "sleeping = 1, then re-read handovers"
   * (progress.c): either it sees this batch, or this sees it sleeping. */
  if (rc == 0 && __atomic_load_n(&loop->thread_sleeping, __ATOMIC_SEQ_CST))
    wake_signal(loop->wake_fd);
  return rc;
}

void rearm_forget(evw_loop *loop, int fd) {
  if (__atomic_load_n(&loop->retry_count, __ATOMIC_ACQUIRE) == 0)
    return;
  pthread_mutex_lock(&loop->retry_lock);
  retry_remove(loop, fd);
  pthread_mutex_unlock(&loop->retry_lock);
}

int rearm_modify(evw_loop *loop, int fd, uint32_t events, uint32_t seq) {
  pthread_mutex_lock(&loop->retry_lock);
  int rc = rearm_epoll_ctl(loop, SYS_EPOLL_CTL_MOD, fd, events, seq);
  if (rc == 0)
    retry_remove(loop, fd);
  pthread_mutex_unlock(&loop->retry_lock);
  return rc;
}

void rearm_release(evw_loop *loop) {
  free(loop->retry);
  loop->retry = NULL;
  loop->retry_count = loop->retry_capacity = 0;
}

void rearm_read_entry(const evw_loop *loop, uint32_t off, struct rearm_entry *entry) {
  entry->fd = (int32_t)mem_load_u32(loop->mem, off);
  entry->events = mem_load_u32(loop->mem, off + 4);
  entry->seq = mem_load_u32(loop->mem, off + 8);
}

EVW_EXPORT int evw_loop_rearm(evw_loop *loop, uint32_t list_off, int count) {
  if (loop == NULL || count < 0)
    return -EINVAL;
  if (loop->signal_mode)
    return sigarm_rearm(loop, list_off, count);
  if (count > REARM_INLINE_MAX && __atomic_load_n(&loop->thread_running, __ATOMIC_ACQUIRE) &&
      rearm_hand_over(loop, list_off, count) == 0)
    return 0;
  rearm_retry_pending(loop);
  int first_error = 0;
  pthread_mutex_lock(&loop->retry_lock);
  int kept_before = loop->retry_count;
  for (int i = 0; i < count; i++) {
    struct rearm_entry entry;
    rearm_read_entry(loop, list_off + (uint32_t)i * (uint32_t)sizeof entry, &entry);
    int rc = rearm_one(loop, &entry);
    if (rc < 0 && first_error == 0)
      first_error = rc; /* reported, but the rest of the batch is still armed */
  }
  int kept_now = loop->retry_count;
  pthread_mutex_unlock(&loop->retry_lock);
  /* The progress thread may be asleep with nothing armed to wake it: wake
   * it so that it retries (and keeps retrying while some are kept). */
  if (kept_now > kept_before && loop->wake_fd >= 0)
    wake_signal(loop->wake_fd);
  return first_error;
}
