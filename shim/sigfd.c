#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rearm.h"
#include "registry.h"
#include "sigarm.h"
#include "sigdefer.h"
#include "sigfd.h"
#include "sigmask.h"
#include "sigpoll.h"

/* flags: the fd's F_GETFL as it is now. */
static int fd_set_async_from(int fd, int flags, int on) {
  int wanted = on ? flags | SYS_O_ASYNC : flags & ~SYS_O_ASYNC;
  if (wanted == flags)
    return 0;
  return sys_fcntl_setfl(fd, wanted);
}

static int fd_set_async(int fd, int on) {
  int flags = sys_fcntl_getfl(fd);
  return flags < 0 ? flags : fd_set_async_from(fd, flags, on);
}

static int fd_set_owner(int fd, int type, pid_t pid) {
  return sys_fcntl_setown_ex(fd, type, pid);
}

/* EPERM, as epoll_ctl's, for a file that cannot be polled (always "ready":
 * it would be reported without end). */
static int fd_check_pollable(int fd) {
  int pollable = sys_fd_pollable(fd);
  return pollable < 0 ? pollable : pollable ? 0 : -EPERM;
}

static int fd_save(struct sig_fd *entry) {
  entry->saved_flags = sys_fcntl_getfl(entry->fd);
  if (entry->saved_flags < 0)
    return entry->saved_flags;
  entry->saved_sig = sys_fcntl_getsig(entry->fd);
  if (entry->saved_sig < 0)
    return entry->saved_sig;
  return sys_fcntl_getown_ex(entry->fd, &entry->saved_owner_type, &entry->saved_owner_pid);
}

/* Errors are ignored: the fd may have been closed (or its number reused)
 * by the user without removing it first. */
static void fd_restore(const struct sig_fd *entry) {
  fd_set_async(entry->fd, 0); /* first: no signal while owner and signal change */
  fd_set_owner(entry->fd, entry->saved_owner_type, entry->saved_owner_pid);
  sys_fcntl_setsig(entry->fd, entry->saved_sig);
  if (entry->saved_flags & SYS_O_ASYNC)
    fd_set_async(entry->fd, 1);
}

static int loop_delivers(const evw_loop *loop, uint32_t events) {
  return loop->sig.started && sigpoll_wanted(events);
}

static void mark_armed(struct sig_fd *entry, int on) {
  entry->armed = on;
  entry->reported = 0;
}

/* Linux keeps O_ASYNC only on a file with a fasync operation (fcntl leaves
 * the bit to it) and ignores it silently on any other: eventfd, timerfd,
 * epoll, pidfd, /dev/kmsg, pollable procfs and sysfs files. There only the
 * poll checks would ever see the fd ready: EOPNOTSUPP. Reading the bit back
 * asks the kernel itself, for any kind of file, with or without /proc.
 * Returns the flags read back, O_ASYNC on. */
static int fd_async_sticks(int fd, int flags) {
  int rc = fd_set_async_from(fd, flags, 1);
  if (rc == 0)
    rc = sys_fcntl_getfl(fd);
  return rc < 0 ? rc : (rc & SYS_O_ASYNC) ? rc : -EOPNOTSUPP;
}

/* No owner while O_ASYNC is tried, so that nothing is signalled; then the
 * signal, and the owner last: the first signal goes to the right thread
 * with the right number, and only while the loop delivers (its handler is
 * installed). */
static int fd_take(const evw_loop *loop, struct sig_fd *entry) {
  int on = loop_delivers(loop, entry->events);
  int rc = fd_set_owner(entry->fd, SYS_F_OWNER_TID, 0);
  int flags = rc < 0 ? rc : fd_async_sticks(entry->fd, entry->saved_flags);
  rc = flags < 0 ? flags : fd_set_async_from(entry->fd, flags, on);
  if (rc == 0)
    rc = sys_fcntl_setsig(entry->fd, loop->sig.signo);
  if (rc == 0)
    rc = fd_set_owner(entry->fd, SYS_F_OWNER_TID, loop->owner_tid);
  if (rc == 0)
    mark_armed(entry, on);
  return rc;
}

int sigfd_set_armed(struct sig_fd *entry, int on) {
  int rc = fd_set_async(entry->fd, on);
  if (rc == 0)
    mark_armed(entry, on);
  return rc;
}

struct sig_fd *sigfd_lookup(evw_loop *loop, int fd) {
  const struct sig_state *sig = &loop->sig;
  if (fd < 0 || (size_t)fd >= sig->slot_of_fd_len || sig->slot_of_fd[fd] == 0)
    return NULL;
  return &sig->fds[sig->slot_of_fd[fd] - 1];
}

static int grow(void **array, size_t count, size_t size) {
  void *grown = realloc(*array, count * size);
  if (grown == NULL)
    return -ENOMEM;
  *array = grown;
  return 0;
}

/* Room for one more fd: the table, both watch lists (a re-arm pass never
 * allocates), and the index up to fd. Old contents are kept. */
static int sigfd_reserve(evw_loop *loop, int fd) {
  struct sig_state *sig = &loop->sig;
  if ((size_t)fd >= sig->slot_of_fd_len) {
    size_t len = sig->slot_of_fd_len ? sig->slot_of_fd_len : 64;
    while (len <= (size_t)fd)
      len *= 2;
    if (grow((void **)&sig->slot_of_fd, len, sizeof *sig->slot_of_fd) < 0)
      return -ENOMEM;
    memset(sig->slot_of_fd + sig->slot_of_fd_len, 0, (len - sig->slot_of_fd_len) * sizeof *sig->slot_of_fd);
    sig->slot_of_fd_len = len;
  }
  if (sig->fd_count < sig->fd_capacity)
    return 0;
  size_t capacity = sig->fd_capacity ? sig->fd_capacity * 2 : 16;
  if (grow((void **)&sig->fds, capacity, sizeof *sig->fds) < 0 ||
      grow((void **)&sig->watch, capacity, sizeof *sig->watch) < 0 ||
      grow((void **)&sig->watch_spare, capacity, sizeof *sig->watch_spare) < 0)
    return -ENOMEM; /* what grew stays, only fd_capacity tells the usable size */
  sig->fd_capacity = capacity;
  return 0;
}

/* Takes entry i out of the table (the last one moves into its place). */
static void sigfd_forget(struct sig_state *sig, size_t i) {
  size_t last = --sig->fd_count;
  if (sig->slot_of_fd[sig->fds[i].fd] == i + 1)
    sig->slot_of_fd[sig->fds[i].fd] = 0;
  if (i != last) {
    sig->fds[i] = sig->fds[last];
    if (sig->slot_of_fd[sig->fds[i].fd] == last + 1)
      sig->slot_of_fd[sig->fds[i].fd] = i + 1;
  }
}

/* O_ASYNC only signals changes: what is ready already is reported now. */
static void sigfd_check_ready(evw_loop *loop, const struct sig_fd *entry) {
  if (!loop_delivers(loop, entry->events))
    return;
  struct sigpoll_item item = {.fd = entry->fd, .events = entry->events, .seq = entry->seq};
  int unreported;
  /* The callers block the loop's signals (they change the fd table); the
   * section keeps out a handler run for any other signal. */
  if (!sigdefer_enter(loop))
    return; /* never: only the handler takes it, and returns first */
  sigpoll_report(loop, &item, 1, &unreported);
  sigdefer_leave(loop);
}

/* The signal handler reads the fd table (sigfd_lookup): the owning
 * thread changes it, and an fd's O_ASYNC, only with the signal blocked. */
static int sigfd_add_blocked(evw_loop *loop, int fd, uint32_t events, uint32_t seq) {
  int rc = fd_check_pollable(fd);
  if (rc == 0)
    rc = sigfd_reserve(loop, fd);
  if (rc < 0)
    return rc;
  /* An entry left for this number: the user closed the fd without removing
   * it and the registry has let the number go since. It is dead. */
  struct sig_fd *dead = sigfd_lookup(loop, fd);
  if (dead != NULL)
    sigfd_forget(&loop->sig, (size_t)(dead - loop->sig.fds));
  struct sig_fd entry = {.fd = fd, .events = events, .seq = seq};
  rc = fd_save(&entry);
  if (rc < 0)
    return rc;
  rc = fd_take(loop, &entry);
  if (rc < 0) {
    fd_restore(&entry);
    return rc;
  }
  loop->sig.fds[loop->sig.fd_count++] = entry;
  loop->sig.slot_of_fd[fd] = loop->sig.fd_count;
  sigfd_check_ready(loop, &entry);
  return 0;
}

int sigfd_add(evw_loop *loop, int fd, uint32_t events, uint32_t seq) {
  sys_sigset_t previous;
  sigmask_block(loop->sig.signo, &previous);
  int rc = sigfd_add_blocked(loop, fd, events, seq);
  sigmask_restore(&previous);
  return rc;
}

int sigfd_mod(evw_loop *loop, int fd, uint32_t events) {
  struct sig_fd *entry = sigfd_lookup(loop, fd);
  if (entry == NULL)
    return -ENOENT;
  sys_sigset_t previous;
  sigmask_block(loop->sig.signo, &previous);
  int rc = sigfd_set_armed(entry, loop_delivers(loop, events)); /* arms it again */
  if (rc == 0) {
    entry->events = events;
    entry->watched = 0; /* armed now: its watch list entry is skipped */
    entry->idle_polls = 0;
    sigfd_check_ready(loop, entry);
  }
  sigmask_restore(&previous);
  return rc;
}

void sigfd_del(evw_loop *loop, int fd, int restore) {
  struct sig_fd *entry = sigfd_lookup(loop, fd);
  if (entry == NULL)
    return;
  sys_sigset_t previous;
  sigmask_block(loop->sig.signo, &previous);
  if (restore)
    fd_restore(entry);
  sigfd_forget(&loop->sig, (size_t)(entry - loop->sig.fds));
  sigmask_restore(&previous);
}

/* 1 if the table entry is still this loop's registration. */
static int sigfd_current(evw_loop *loop, const struct sig_fd *entry) {
  return registry_owns(entry->fd, loop, entry->seq);
}

void sigfd_set_async_all(evw_loop *loop, int on) {
  sigarm_forget_watch(loop); /* every fd is armed (or all are off): none is watched */
  for (size_t i = 0; i < loop->sig.fd_count; i++) {
    if (!sigpoll_wanted(loop->sig.fds[i].events) || !sigfd_current(loop, &loop->sig.fds[i]))
      continue;
    int rc = sigfd_set_armed(&loop->sig.fds[i], on);
    /* Left unarmed (the kernel could not allocate its fasync entry), the
     * fd would stay silent: a rescan arms it again, as after a failed
     * re-arm (sigarm.c). EBADF: closed by the user, nothing to wait for. */
    if (on && rc < 0 && rc != -EBADF)
      ring_request_rescan(&loop->ring);
  }
}

int sigfd_report_all(evw_loop *loop) {
  struct sig_state *sig = &loop->sig;
  struct sigpoll_item items[SIGPOLL_CHUNK];
  size_t where[SIGPOLL_CHUNK];
  size_t count = sig->fd_count, start = count ? sig->rescan_cursor % count : 0;
  int written = 0, n = 0, unreported = -1;
  /* Round robin from the cursor: when the ring fills, the next rescan
   * starts at the first fd left out, so every fd is reported in time. */
  for (size_t k = 0; k < count && unreported < 0; k++) {
    size_t i = (start + k) % count;
    /* The registry check skips a number the user closed and a loop's
     * internal fd has taken over since (rescans are rare). */
    if (sigpoll_wanted(sig->fds[i].events) && sigfd_current(loop, &sig->fds[i])) {
      items[n] = (struct sigpoll_item){.fd = sig->fds[i].fd, .events = sig->fds[i].events,
                                       .seq = sig->fds[i].seq};
      where[n++] = i;
    }
    if (n == SIGPOLL_CHUNK || (k == count - 1 && n > 0)) {
      int rc = sigpoll_report(loop, items, n, &unreported);
      if (rc < 0)
        return rc;
      written += rc;
      if (unreported >= 0)
        sig->rescan_cursor = where[unreported];
      n = 0;
    }
  }
  return written;
}

void sigfd_restore_all(evw_loop *loop) {
  /* Called before the loop's registry entries are released. */
  for (size_t i = 0; i < loop->sig.fd_count; i++)
    if (sigfd_current(loop, &loop->sig.fds[i]))
      fd_restore(&loop->sig.fds[i]);
  struct sig_state *sig = &loop->sig;
  sig->fd_count = sig->fd_capacity = sig->slot_of_fd_len = sig->watch_count = 0;
  free(sig->fds);
  free(sig->slot_of_fd);
  free(sig->watch);
  free(sig->watch_spare);
  sig->fds = NULL;
  sig->slot_of_fd = NULL;
  sig->watch = sig->watch_spare = NULL;
}
