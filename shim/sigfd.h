/* The user fds of a signal loop: O_ASYNC, F_SETSIG and F_SETOWN_EX
 * (F_OWNER_TID) set on registration and the fd's own values restored on
 * removal; the poll(2) checks that catch readiness O_ASYNC cannot signal.
 * All of it runs on the owning thread. */
#ifndef EVW_SIGFD_H
#define EVW_SIGFD_H

#include <stdint.h>

#include "loop.h"

/* After the registry claim: -EPERM for a regular file or directory. */
int sigfd_add(evw_loop *loop, int fd, uint32_t events, uint32_t seq);

/* After the registry check: new events, O_ASYNC with them, a poll check. */
int sigfd_mod(evw_loop *loop, int fd, uint32_t events);

/* After the registry release: the fd is left as found (if restore), and
 * forgotten. */
void sigfd_del(evw_loop *loop, int fd, int restore);

/* The table entry of fd, NULL if this loop has none. Async-signal-safe
 * (the table and its index change only with the signals blocked). */
struct sig_fd *sigfd_lookup(evw_loop *loop, int fd);

/* O_ASYNC on or off for one fd, and its armed flag with it, its reported
 * flag cleared (unchanged when fcntl fails). Async-signal-safe. */
int sigfd_set_armed(struct sig_fd *entry, int on);

/* O_ASYNC on (start, rescan) or off (stop) for every fd that wants events;
 * the watch list is emptied. */
void sigfd_set_async_all(evw_loop *loop, int on);

/* Polls every fd (from the rescan cursor); entries for the ready ones.
 * Call inside the producer section (sigdefer.h). Returns entries written
 * or -errno. */
int sigfd_report_all(evw_loop *loop);

/* Restores and forgets every fd (evw_loop_free). */
void sigfd_restore_all(evw_loop *loop);

#endif
