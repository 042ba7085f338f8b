/* Simulated epoll: level-triggered, edge-triggered (file generations),
 * one-shot, ERR/HUP always reported, data per registration. It never
 * blocks: with nothing ready, epoll_wait returns 0 (the simulated thread
 * would sleep; the scheduler moves on). */
#include <stdlib.h>

#include "kernel.h"

#define ALWAYS (SYS_EPOLLERR | SYS_EPOLLHUP)
#define FLAGS (SYS_EPOLLET | SYS_EPOLLONESHOT)

static struct sim_epoll *epoll_of(int epfd, int *rc) {
  struct sim_file *f = sim_file(epfd);
  if (f == NULL) {
    *rc = -EBADF;
    return NULL;
  }
  if (f->kind != SIM_EPOLL) {
    *rc = -EINVAL;
    return NULL;
  }
  return f->ep;
}

static struct sim_epoll_reg *reg_find(struct sim_epoll *ep, int fd) {
  for (int i = 0; i < ep->count; i++)
    if (ep->regs[i].fd == fd)
      return &ep->regs[i];
  return NULL;
}

static void reg_remove(struct sim_epoll *ep, struct sim_epoll_reg *reg) {
  int i = (int)(reg - ep->regs);
  for (; i + 1 < ep->count; i++) /* keeps insertion order: deterministic */
    ep->regs[i] = ep->regs[i + 1];
  ep->count--;
  if (ep->cursor > ep->count)
    ep->cursor = 0;
}

static void reg_arm(struct sim_epoll_reg *reg, uint32_t events, uint64_t data, int fd) {
  reg->events = events;
  reg->data = data;
  reg->disabled = 0;
  /* Edge-triggered: what is ready now is reported once. */
  reg->seen_gen = sim_file(fd)->gen - 1;
}

int sim_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
  int rc = 0;
  struct sim_epoll *ep = epoll_of(epfd, &rc);
  if (ep == NULL)
    return rc;
  struct sim_file *target = sim_file(fd);
  if (target == NULL)
    return -EBADF;
  if (fd == epfd)
    return -EINVAL;
  struct sim_epoll_reg *reg = reg_find(ep, fd);
  switch (op) {
  case SYS_EPOLL_CTL_ADD:
    if (reg != NULL)
      return -EEXIST;
    if (sim_fault(sim_p_enomem))
      return -ENOMEM;
    if (ep->count == ep->capacity) {
      int capacity = ep->capacity ? ep->capacity * 2 : 16;
      struct sim_epoll_reg *grown = realloc(ep->regs, (size_t)capacity * sizeof *grown);
      if (grown == NULL)
        return -ENOMEM;
      ep->regs = grown;
      ep->capacity = capacity;
    }
    reg = &ep->regs[ep->count++];
    reg->fd = fd;
    reg_arm(reg, events, data, fd);
    return 0;
  case SYS_EPOLL_CTL_MOD:
    if (reg == NULL)
      return -ENOENT;
    if (sim_fault(sim_p_enomem))
      return -ENOMEM;
    reg_arm(reg, events, data, fd);
    return 0;
  case SYS_EPOLL_CTL_DEL:
    if (reg == NULL)
      return -ENOENT;
    reg_remove(ep, reg);
    return 0;
  default:
    return -EINVAL;
  }
}

void sim_epoll_forget_fd(int fd) {
  for (int epfd = 0; epfd < SIM_MAX_FDS; epfd++) {
    struct sim_file *f = sim_file(epfd);
    if (f == NULL || f->kind != SIM_EPOLL)
      continue;
    struct sim_epoll_reg *reg = reg_find(f->ep, fd);
    if (reg != NULL)
      reg_remove(f->ep, reg);
  }
}

/* What reg would report now (0: nothing). */
static uint32_t reg_ready(struct sim_epoll_reg *reg) {
  if (reg->disabled)
    return 0;
  struct sim_file *f = sim_file(reg->fd);
  uint32_t bits = (uint32_t)sim_file_readiness(reg->fd) & (reg->events | ALWAYS) & 0x1fu;
  /* A spurious readiness of an eventfd (the wake fd): a read finds 0. */
  if (bits == 0 && f->kind == SIM_EVENTFD && (reg->events & SYS_EPOLLIN) &&
      sim_fault(sim_p_spurious))
    bits = SYS_EPOLLIN;
  if (bits != 0 && (reg->events & SYS_EPOLLET) && reg->seen_gen == f->gen)
    return 0;
  return bits;
}

int sim_epoll_readable(int epfd) {
  int rc = 0;
  struct sim_epoll *ep = epoll_of(epfd, &rc);
  if (ep == NULL)
    return 0;
  for (int i = 0; i < ep->count; i++)
    if (reg_ready(&ep->regs[i]) != 0)
      return 1;
  return 0;
}

int sim_epoll_wait(int epfd, struct sys_epoll_event *out, int max, int blocking) {
  int rc = 0;
  struct sim_epoll *ep = epoll_of(epfd, &rc);
  if (ep == NULL)
    return rc;
  if (max <= 0)
    return -EINVAL;
  if (blocking && sim_fault(sim_p_eintr))
    return -EINTR;
  if (blocking && sim_fault(sim_p_spurious))
    return 0; /* woke up early with nothing */
  int n = 0, count = ep->count, start = count ? ep->cursor % count : 0, next = start;
  for (int k = 0; k < count && n < max; k++) {
    int i = (start + k) % count;
    struct sim_epoll_reg *reg = &ep->regs[i];
    uint32_t bits = reg_ready(reg);
    if (bits == 0)
      continue;
    out[n].events = bits;
    out[n].data = reg->data;
    n++;
    next = i + 1;
    reg->seen_gen = sim_file(reg->fd)->gen;
    if (reg->events & SYS_EPOLLONESHOT)
      reg->disabled = 1;
  }
  ep->cursor = count ? next % count : 0;
  return n;
}
