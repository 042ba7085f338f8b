#include <errno.h>
#include <pthread.h>

#include "owner_table.h"
#include "sys.h"

struct owner_slot {
  pid_t tid; /* 0: free; stored last (release) when an entry is made */
  uintptr_t self; /* sys_thread_self() of that thread */
  evw_loop *loop;
};

static struct owner_slot slots[OWNER_TABLE_SIZE];
static unsigned slots_used; /* high-water mark: lookups scan [0, slots_used) */
static pthread_mutex_t owner_lock = PTHREAD_MUTEX_INITIALIZER;

/* Called with the lock held. */
static struct owner_slot *owner_slot_of(pid_t tid) {
  for (unsigned i = 0; i < slots_used; i++)
    if (slots[i].tid == tid)
      return &slots[i];
  return NULL;
}

int owner_table_insert(pid_t tid, evw_loop *loop) {
  pthread_mutex_lock(&owner_lock);
  int rc = -EAGAIN;
  if (owner_slot_of(tid) != NULL) {
    rc = -EEXIST;
  } else {
    struct owner_slot *free_slot = owner_slot_of(0);
    if (free_slot == NULL && slots_used < OWNER_TABLE_SIZE)
      free_slot = &slots[slots_used];
    if (free_slot != NULL) {
      __atomic_store_n(&free_slot->loop, loop, __ATOMIC_RELAXED);
      __atomic_store_n(&free_slot->self, sys_thread_self(), __ATOMIC_RELAXED);
      __atomic_store_n(&free_slot->tid, tid, __ATOMIC_RELEASE);
      if (free_slot == &slots[slots_used])
        __atomic_store_n(&slots_used, slots_used + 1, __ATOMIC_RELEASE);
      rc = 0;
    }
  }
  pthread_mutex_unlock(&owner_lock);
  return rc;
}

void owner_table_remove(pid_t tid) {
  pthread_mutex_lock(&owner_lock);
  struct owner_slot *slot = owner_slot_of(tid);
  if (slot != NULL) {
    __atomic_store_n(&slot->tid, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&slot->loop, NULL, __ATOMIC_RELAXED);
  }
  pthread_mutex_unlock(&owner_lock);
}

evw_loop *owner_table_lookup_self(void) {
  uintptr_t self = sys_thread_self();
  unsigned used = __atomic_load_n(&slots_used, __ATOMIC_ACQUIRE);
  for (unsigned i = 0; i < used; i++)
    if (__atomic_load_n(&slots[i].tid, __ATOMIC_ACQUIRE) != 0 &&
        __atomic_load_n(&slots[i].self, __ATOMIC_RELAXED) == self)
      return __atomic_load_n(&slots[i].loop, __ATOMIC_RELAXED);
  return NULL;
}
