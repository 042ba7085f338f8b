#include <pthread.h>
#include <stddef.h>

#include "loops.h"

/* The progress thread and the signal handler never take it. */
static pthread_mutex_t loops_lock = PTHREAD_MUTEX_INITIALIZER;
static evw_loop *loops_first;

/* Called with the lock held. */
static int loops_contains(const evw_loop *loop) {
  for (const evw_loop *l = loops_first; l != NULL; l = l->all_next)
    if (l == loop)
      return 1;
  return 0;
}

/* Called with the lock held, for a listed loop. */
static void loops_unlink(evw_loop *loop) {
  if (loop->all_prev != NULL)
    loop->all_prev->all_next = loop->all_next;
  else
    loops_first = loop->all_next;
  if (loop->all_next != NULL)
    loop->all_next->all_prev = loop->all_prev;
  loop->all_prev = loop->all_next = NULL;
}

void loops_add(evw_loop *loop) {
  pthread_mutex_lock(&loops_lock);
  loop->all_prev = NULL;
  loop->all_next = loops_first;
  if (loops_first != NULL)
    loops_first->all_prev = loop;
  loops_first = loop;
  pthread_mutex_unlock(&loops_lock);
}

int loops_remove(evw_loop *loop) {
  pthread_mutex_lock(&loops_lock);
  /* Searched rather than trusted: the pointer may be one the cleanup hook
   * already freed, so nothing is read through it before it is found. */
  int listed = loops_contains(loop);
  if (listed)
    loops_unlink(loop);
  pthread_mutex_unlock(&loops_lock);
  return listed;
}

evw_loop *loops_pop_owned(pid_t tid) {
  pthread_mutex_lock(&loops_lock);
  evw_loop *loop = loops_first;
  while (loop != NULL && loop->owner_tid != tid)
    loop = loop->all_next;
  if (loop != NULL)
    loops_unlink(loop);
  pthread_mutex_unlock(&loops_lock);
  return loop;
}

void loops_for_each(void (*fn)(evw_loop *loop)) {
  pthread_mutex_lock(&loops_lock);
  for (evw_loop *l = loops_first; l != NULL; l = l->all_next)
    fn(l);
  pthread_mutex_unlock(&loops_lock);
}

int loops_bell_in_use(int bell_fd) {
  if (bell_fd < 0)
    return 0;
  pthread_mutex_lock(&loops_lock);
  int used = 0;
  for (const evw_loop *l = loops_first; l != NULL && !used; l = l->all_next)
    used = l->ring.bell_fd == bell_fd;
  pthread_mutex_unlock(&loops_lock);
  return used;
}

int loops_signal_in_use(void) {
  pthread_mutex_lock(&loops_lock);
  int signo = 0;
  for (const evw_loop *l = loops_first; l != NULL && signo == 0; l = l->all_next)
    if (l->signal_mode)
      signo = l->sig.signo;
  pthread_mutex_unlock(&loops_lock);
  return signo;
}

int loops_begin_signal_watch(evw_loop *loop, void (*ask)(evw_loop *other)) {
  pthread_mutex_lock(&loops_lock);
  int alone = 1;
  for (evw_loop *l = loops_first; l != NULL; l = l->all_next) {
    if (l == loop || !l->signal_mode)
      continue;
    alone = 0;
    if (l->sig.watching)
      ask(l);
  }
  loop->sig.watching = alone;
  pthread_mutex_unlock(&loops_lock);
  return alone;
}

void loops_end_signal_watch(evw_loop *loop) {
  pthread_mutex_lock(&loops_lock);
  loop->sig.watching = 0;
  pthread_mutex_unlock(&loops_lock);
}
