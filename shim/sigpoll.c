#include <errno.h>

#include "sigpoll.h"

int sigpoll_now(struct sys_pollfd *fds, int n) {
  int rc;
  do {
    rc = sys_poll(fds, n, 0);
  } while (rc == -EINTR);
  return rc;
}

int sigpoll_report(evw_loop *loop, const struct sigpoll_item *items, int n, int *unreported) {
  *unreported = -1;
  if (n <= 0)
    return 0;
  struct sys_pollfd fds[SIGPOLL_CHUNK];
  if (n > SIGPOLL_CHUNK)
    n = SIGPOLL_CHUNK;
  for (int i = 0; i < n; i++)
    fds[i] = (struct sys_pollfd){.fd = items[i].fd, .events = (short)(items[i].events & SIGPOLL_EVENTS)};
  int rc = sigpoll_now(fds, n);
  if (rc <= 0)
    return rc;

  uint32_t space = ring_free_space(&loop->ring), written = 0;
  for (int i = 0; i < n; i++) {
    uint32_t bits = (uint32_t)fds[i].revents & RING_EVENT_BITS; /* POLLNVAL: closed, skipped */
    if (bits == 0)
      continue;
    if (written == space) {
      *unreported = i;
      break;
    }
    ring_put(&loop->ring, written++, items[i].fd, items[i].seq, bits, RING_KIND_FD);
  }
  ring_publish(&loop->ring, written, 1);
  if (*unreported >= 0)
    ring_request_rescan(&loop->ring);
  return (int)written;
}

int sigpoll_report_timer(evw_loop *loop) {
  if (ring_free_space(&loop->ring) == 0) {
    ring_request_rescan(&loop->ring);
    return 0;
  }
  ring_put(&loop->ring, 0, 0, 0, 0, RING_KIND_TIMER);
  ring_publish(&loop->ring, 1, 1);
  return 1;
}
