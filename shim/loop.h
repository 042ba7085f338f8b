/* The evw_loop object: one epoll set, its ring, and for threaded loops a
 * timerfd, a wake eventfd and the progress thread. Shared by the files that
 * implement its exports. */
#ifndef EVW_LOOP_H
#define EVW_LOOP_H

#include <pthread.h>
#include <stdint.h>

#include "evwheel.h"
#include "ring.h"

struct evw_loop {
  uint8_t *mem;    /* base of the core's shared memory (rearm lists are offsets in it) */
  struct ring ring;
  int threaded;
  int epoll_fd;
  int timer_fd;    /* -1 for poll loops */
  int wake_fd;     /* -1 for poll loops */

  /* Progress thread state (thread.c). thread_running is written under the
   * started-loops lock and read atomically elsewhere; stop_requested is
   * read by the thread. */
  pthread_t thread;
  int thread_running;
  int stop_requested;
  struct evw_loop *started_prev, *started_next;
};

/* epoll data of a user fd: the ring entry's fd and seq in one word. User
 * seqs are never 0, so values with a zero high half are free for the
 * loop's own fds. */
static inline uint64_t loop_epoll_data(int fd, uint32_t seq) {
  return (uint32_t)fd | (uint64_t)seq << 32;
}
#define LOOP_DATA_TIMER ((uint64_t)0xffffffffu)
#define LOOP_DATA_WAKE ((uint64_t)0xfffffffeu)

#endif
