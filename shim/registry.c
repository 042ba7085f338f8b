#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "registry.h"

struct registry_entry {
  evw_loop *owner; /* NULL: free */
  uint32_t seq;
};

/* An array indexed by fd: fds are small dense integers, so this is both the
 * simplest and the fastest map. It only grows; its size is bounded by the
 * highest fd ever registered. */
static struct registry_entry *entries;
static size_t entry_count;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t seq_counter;

uint32_t registry_next_seq(void) {
  /* 31 bits: evw_fd_add returns the seq as a positive int, negative values
   * being errors. 0 is reserved for internal fds, so it is skipped when the
   * counter wraps. */
  uint32_t seq;
  do {
    seq = __atomic_add_fetch(&seq_counter, 1, __ATOMIC_RELAXED) & 0x7fffffffu;
  } while (seq == REGISTRY_INTERNAL_SEQ);
  return seq;
}

/* Called with the lock held. */
static int registry_reserve(int fd) {
  size_t needed = (size_t)fd + 1;
  if (needed <= entry_count)
    return 0;
  size_t count = entry_count ? entry_count : 64;
  while (count < needed)
    count *= 2;
  struct registry_entry *grown = realloc(entries, count * sizeof *grown);
  if (grown == NULL)
    return -ENOMEM;
  memset(grown + entry_count, 0, (count - entry_count) * sizeof *grown);
  entries = grown;
  entry_count = count;
  return 0;
}

/* Called with the lock held; NULL when fd was never registered. */
static struct registry_entry *registry_find(int fd) {
  if (fd < 0 || (size_t)fd >= entry_count)
    return NULL;
  return &entries[fd];
}

int registry_claim(int fd, evw_loop *owner, uint32_t seq) {
  pthread_mutex_lock(&registry_lock);
  int rc = registry_reserve(fd);
  if (rc == 0) {
    if (entries[fd].owner != NULL) {
      rc = -EEXIST;
    } else {
      entries[fd].owner = owner;
      entries[fd].seq = seq;
    }
  }
  pthread_mutex_unlock(&registry_lock);
  return rc;
}

int registry_claim_internal(int fd, evw_loop *owner) {
  pthread_mutex_lock(&registry_lock);
  int rc = registry_reserve(fd);
  if (rc == 0) {
    entries[fd].owner = owner;
    entries[fd].seq = REGISTRY_INTERNAL_SEQ;
  }
  pthread_mutex_unlock(&registry_lock);
  return rc;
}

static int entry_is_user_of(const struct registry_entry *e, const evw_loop *owner) {
  return e != NULL && e->owner == owner && e->seq != REGISTRY_INTERNAL_SEQ;
}

int registry_owns(int fd, const evw_loop *owner, uint32_t seq) {
  pthread_mutex_lock(&registry_lock);
  struct registry_entry *e = registry_find(fd);
  int owned = entry_is_user_of(e, owner) && e->seq == seq;
  pthread_mutex_unlock(&registry_lock);
  return owned;
}

int registry_release(int fd, const evw_loop *owner) {
  pthread_mutex_lock(&registry_lock);
  struct registry_entry *e = registry_find(fd);
  int rc = -ENOENT;
  if (entry_is_user_of(e, owner)) {
    e->owner = NULL;
    e->seq = 0;
    rc = 0;
  }
  pthread_mutex_unlock(&registry_lock);
  return rc;
}

void registry_release_exact(int fd, const evw_loop *owner, uint32_t seq) {
  pthread_mutex_lock(&registry_lock);
  struct registry_entry *e = registry_find(fd);
  if (e != NULL && e->owner == owner && e->seq == seq) {
    e->owner = NULL;
    e->seq = 0;
  }
  pthread_mutex_unlock(&registry_lock);
}

int registry_owner_tid(int fd) {
  pthread_mutex_lock(&registry_lock);
  struct registry_entry *e = registry_find(fd);
  /* A loop releases its entries before it is freed: the owner is alive. */
  int tid = e != NULL && e->owner != NULL ? (int)e->owner->owner_tid : 0;
  pthread_mutex_unlock(&registry_lock);
  return tid;
}

EVW_EXPORT int evw_fd_owner_tid(int fd) { return registry_owner_tid(fd); }

void registry_release_all(const evw_loop *owner) {
  pthread_mutex_lock(&registry_lock);
  for (size_t fd = 0; fd < entry_count; fd++) {
    if (entries[fd].owner == owner) {
      entries[fd].owner = NULL;
      entries[fd].seq = 0;
    }
  }
  pthread_mutex_unlock(&registry_lock);
}
