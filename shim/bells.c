#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "bells.h"

struct bell {
  pid_t tid;
  int fd;
};

static pthread_mutex_t bells_lock = PTHREAD_MUTEX_INITIALIZER;
static struct bell *bells;
static size_t bells_count, bells_capacity;

/* Called with the lock held: room for one more entry, 0 or -ENOMEM. */
static int bells_reserve(void) {
  if (bells_count < bells_capacity)
    return 0;
  size_t capacity = bells_capacity != 0 ? 2 * bells_capacity : 8;
  struct bell *grown = realloc(bells, capacity * sizeof *grown);
  if (grown == NULL)
    return -ENOMEM;
  bells = grown;
  bells_capacity = capacity;
  return 0;
}

/* Called with the lock held: removes entry i (order does not matter). */
static int bells_remove_at(size_t i) {
  int fd = bells[i].fd;
  bells[i] = bells[--bells_count];
  return fd;
}

int bells_add(pid_t tid, int fd) {
  pthread_mutex_lock(&bells_lock);
  int rc = bells_reserve();
  if (rc == 0)
    bells[bells_count++] = (struct bell){.tid = tid, .fd = fd};
  pthread_mutex_unlock(&bells_lock);
  return rc;
}

int bells_take(int fd) {
  pthread_mutex_lock(&bells_lock);
  int found = 0;
  for (size_t i = 0; i < bells_count && !found; i++)
    if (bells[i].fd == fd) {
      bells_remove_at(i);
      found = 1;
    }
  pthread_mutex_unlock(&bells_lock);
  return found;
}

int bells_take_owned(pid_t tid) {
  pthread_mutex_lock(&bells_lock);
  int fd = -1;
  for (size_t i = 0; i < bells_count && fd < 0; i++)
    if (bells[i].tid == tid)
      fd = bells_remove_at(i);
  pthread_mutex_unlock(&bells_lock);
  return fd;
}
