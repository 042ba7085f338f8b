/* The process-wide fd registry: at most one owner per fd across every loop
 * and every thread, so that two handlers can never compete for one fd.
 *
 * An entry is (owner loop, seq). seq > 0 is a user registration and is the
 * value the loop puts in its ring entries; seq 0 marks one of the loop's own
 * fds (epoll set, timerfd, wake eventfd), which users can neither add nor
 * modify nor delete. */
#ifndef EVW_REGISTRY_H
#define EVW_REGISTRY_H

#include <stdint.h>

#include "evwheel.h"

#define REGISTRY_INTERNAL_SEQ 0u

/* A fresh registration sequence, in [1, 2^31). */
uint32_t registry_next_seq(void);

/* Claims fd for a user registration: -EEXIST if any loop owns it. */
int registry_claim(int fd, evw_loop *owner, uint32_t seq);

/* Claims one of the loop's own freshly created fds. The kernel just handed
 * out that number, so any entry left for it belongs to an fd that was closed
 * without being deleted: it is dead and is overwritten. */
int registry_claim_internal(int fd, evw_loop *owner);

/* 1 if owner holds fd as a user registration with this seq. */
int registry_owns(int fd, const evw_loop *owner, uint32_t seq);

/* Releases a user registration of owner: -ENOENT if it holds none. */
int registry_release(int fd, const evw_loop *owner);

/* Releases only if the entry is still exactly (owner, seq): the rollback of a
 * failed registration. */
void registry_release_exact(int fd, const evw_loop *owner, uint32_t seq);

/* Releases every entry of owner, user and internal. */
void registry_release_all(const evw_loop *owner);

/* The owner tid of the loop holding fd (user or internal entry), 0 if none. */
int registry_owner_tid(int fd);

#endif
