/* evwheel shim: the exported C API (see docs/INTERNALS.md, "Shim exports").
 *
 * Every function returns >= 0 on success or -errno. None of them calls into
 * JS, and the progress thread never does either: it only writes the ring and
 * the doorbell. */
#ifndef EVWHEEL_H
#define EVWHEEL_H

#include <stdint.h>

/* The build compiles with -fvisibility=hidden: only what is marked here is
 * visible to koffi; every internal helper stays private to the .so. */
#define EVW_EXPORT __attribute__((visibility("default")))

typedef struct evw_loop evw_loop;

EVW_EXPORT double evw_clock_ns(void);
EVW_EXPORT int evw_doorbell_new(int fds[2]);
EVW_EXPORT int evw_doorbell_close(int write_fd);
EVW_EXPORT int evw_close(int fd);

EVW_EXPORT evw_loop *evw_loop_new(uint8_t *mem, uint32_t ring_off, int bell_fd,
                                  int threaded, int *err);
EVW_EXPORT int evw_loop_free(evw_loop *loop);

EVW_EXPORT int evw_fd_add(evw_loop *loop, int fd, uint32_t events);
EVW_EXPORT int evw_fd_mod(evw_loop *loop, int fd, uint32_t events, uint32_t seq);
EVW_EXPORT int evw_fd_del(evw_loop *loop, int fd);
EVW_EXPORT int evw_loop_rearm(evw_loop *loop, uint32_t list_off, int count);

EVW_EXPORT int evw_loop_arm_timer(evw_loop *loop, double deadline_ns);
EVW_EXPORT int evw_loop_start(evw_loop *loop);
EVW_EXPORT int evw_loop_stop(evw_loop *loop);
EVW_EXPORT int evw_loop_wake(evw_loop *loop);
EVW_EXPORT int evw_loop_poll(evw_loop *loop);

/* Signal loops (issue 3). */
EVW_EXPORT int evw_signal_choose(int requested);
EVW_EXPORT evw_loop *evw_loop_new_signal(uint8_t *mem, uint32_t ring_off, int bell_fd, int signo,
                                         int *err);
EVW_EXPORT int evw_loop_rescan(evw_loop *loop);
EVW_EXPORT int evw_fd_owner_tid(int fd);

#endif
