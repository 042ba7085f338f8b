/* The owning thread as a signal loop's producer: poll(2) checks turned into
 * ring entries. O_ASYNC only signals changes, so these catch what is ready
 * already: at registration, after a dispatch (level-triggered re-arm) and
 * in a rescan. Call inside the producer section (sigdefer.h). */
#ifndef EVW_SIGPOLL_H
#define EVW_SIGPOLL_H

#include <stdint.h>

#include "loop.h"

/* Items per poll(2) call (a stack array). */
#define SIGPOLL_CHUNK 256

/* What poll(2) is asked for; ERR and HUP it reports anyway (same values as epoll's). */
#define SIGPOLL_EVENTS (SYS_POLLIN | SYS_POLLPRI | SYS_POLLOUT)

/* poll(2) without waiting, retried on EINTR: the count of ready fds or -errno. */
int sigpoll_now(struct sys_pollfd *fds, int n);

struct sigpoll_item {
  int fd;
  uint32_t events; /* epoll events: IN, PRI, OUT are polled, ERR/HUP always */
  uint32_t seq;
};

/* Polls n (<= SIGPOLL_CHUNK) items once, without waiting; an FD entry
 * {fd, seq, revents & 0x1f} for each ready one, published with the
 * doorbell. When the ring fills, sets rescanRequested and stores in
 * *unreported the index of the first ready item left out (else -1).
 * Returns the entries written or -errno. */
int sigpoll_report(evw_loop *loop, const struct sigpoll_item *items, int n, int *unreported);

/* One TIMER entry, or rescanRequested when the ring is full. */
int sigpoll_report_timer(evw_loop *loop);

/* 1 if events ask for anything (O_ASYNC on, worth polling). */
static inline int sigpoll_wanted(uint32_t events) { return (events & 0x1fu) != 0; }

#endif
