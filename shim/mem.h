/* Access to the core's memory by (base, offset): the ring and the rearm
 * lists. Linux: atomics on base + offset (the core's shared memory is
 * mapped in this process). Sim (Emscripten): the core's memory is another
 * WebAssembly.Memory, reached through host imports that the embedder
 * implements with Atomics; base is then an offset in that memory (0 is
 * valid). Every access is 32-bit and little endian except producerNow.
 * mem_load_u32 / mem_store_u32 / mem_xchg_u32 / mem_store_i64 are
 * sequentially consistent; the _relaxed ones carry no ordering (the sim
 * makes every access an Atomics one). */
#ifndef EVW_MEM_H
#define EVW_MEM_H

#include <stdint.h>

#ifdef __EMSCRIPTEN__

#define EVW_HOST_IMPORT(name) __attribute__((import_module("env"), import_name(#name)))
EVW_HOST_IMPORT(evw_host_load_u32) uint32_t evw_host_load_u32(uint32_t off);
EVW_HOST_IMPORT(evw_host_store_u32) void evw_host_store_u32(uint32_t off, uint32_t v);
EVW_HOST_IMPORT(evw_host_xchg_u32) uint32_t evw_host_xchg_u32(uint32_t off, uint32_t v);
/* The i64 in two halves: a double would round it past 2^53. */
EVW_HOST_IMPORT(evw_host_store_i64) void evw_host_store_i64(uint32_t off, uint32_t lo, uint32_t hi);

static inline uint32_t mem_addr(const uint8_t *base, uint32_t off) {
  return (uint32_t)(uintptr_t)base + off;
}
/* The base is an offset in the core's memory: any value is valid. */
static inline int mem_base_valid(const uint8_t *base) { (void)base; return 1; }
static inline uint32_t mem_load_u32(const uint8_t *base, uint32_t off) {
  return evw_host_load_u32(mem_addr(base, off));
}
static inline void mem_store_u32(uint8_t *base, uint32_t off, uint32_t v) {
  evw_host_store_u32(mem_addr(base, off), v);
}
static inline void mem_store_u32_relaxed(uint8_t *base, uint32_t off, uint32_t v) {
  evw_host_store_u32(mem_addr(base, off), v);
}
static inline uint32_t mem_load_u32_relaxed(const uint8_t *base, uint32_t off) {
  return evw_host_load_u32(mem_addr(base, off));
}
static inline uint32_t mem_xchg_u32(uint8_t *base, uint32_t off, uint32_t v) {
  return evw_host_xchg_u32(mem_addr(base, off), v);
}
static inline void mem_store_i64(uint8_t *base, uint32_t off, int64_t v) {
  evw_host_store_i64(mem_addr(base, off), (uint32_t)(uint64_t)v, (uint32_t)((uint64_t)v >> 32));
}

#else

static inline int mem_base_valid(const uint8_t *base) { return base != 0; }
static inline uint32_t mem_load_u32(const uint8_t *base, uint32_t off) {
  return __atomic_load_n((const uint32_t *)(base + off), __ATOMIC_SEQ_CST);
}
static inline void mem_store_u32(uint8_t *base, uint32_t off, uint32_t v) {
  __atomic_store_n((uint32_t *)(base + off), v, __ATOMIC_SEQ_CST);
}
/* Entry words (published later by the store of head) and the producer's
 * own head: no ordering needed of their own. */
static inline void mem_store_u32_relaxed(uint8_t *base, uint32_t off, uint32_t v) {
  __atomic_store_n((uint32_t *)(base + off), v, __ATOMIC_RELAXED);
}
static inline uint32_t mem_load_u32_relaxed(const uint8_t *base, uint32_t off) {
  return __atomic_load_n((const uint32_t *)(base + off), __ATOMIC_RELAXED);
}
static inline uint32_t mem_xchg_u32(uint8_t *base, uint32_t off, uint32_t v) {
  return __atomic_exchange_n((uint32_t *)(base + off), v, __ATOMIC_SEQ_CST);
}
static inline void mem_store_i64(uint8_t *base, uint32_t off, int64_t v) {
  __atomic_store_n((int64_t *)(base + off), v, __ATOMIC_SEQ_CST);
}

#endif

#endif
