// Numbers shared with ts/ and shim/ (docs/INTERNALS.md). Changing one means changing all three layers.

/** Error codes: every export that can fail returns one of these (negative) instead of a result. */
export const E_CONTEXT_FULL: i32 = -1;
export const E_HANDLER_EXISTS: i32 = -2;
export const E_NOT_FOUND: i32 = -3;
export const E_NOT_BLOCKED: i32 = -4;
export const E_INVALID: i32 = -5;
/** An fd number at or above FD_LIMIT: the core's fd map does not reach it. */
export const E_FD_RANGE: i32 = -6;
/** The core's memory cannot hold one more handler (it stops at MAX_MEMORY_BYTES). */
export const E_NO_MEMORY: i32 = -7;

/**
 * The fd map is an array indexed by fd: fds below 2^24 (a 64 MiB map at most). Linux hands out
 * fds below fs.nr_open, 2^20 unless raised.
 */
export const FD_LIMIT: i32 = 1 << 24;

/** The core's memory maximum: 16384 pages (ts/core.ts MAXIMUM_PAGES). */
export const MAX_MEMORY_BYTES: u64 = <u64>16384 << 16;

/** Public handler flags (the `flags` argument of fdAdd / timerAdd). */
export const FLAG_ONCE: i32 = 1;
export const FLAG_EDGE: i32 = 2;
export const FLAG_REARM: i32 = 4;
export const PUBLIC_FLAGS: i32 = FLAG_ONCE | FLAG_EDGE | FLAG_REARM;

/** Internal handler state bits, kept in the same word as the public flags, above them. */
export const STATE_LIVE: i32 = 1 << 8;
export const STATE_TIMER: i32 = 1 << 9;
export const STATE_IN_MISSED: i32 = 1 << 10;
export const STATE_IN_REARM: i32 = 1 << 11;
export const STATE_IN_WHEEL: i32 = 1 << 12;
/** fd handlers: the kernel was last asked to hold the fd one-shot (see rearm.ts). */
export const STATE_ONESHOT_ARMED: i32 = 1 << 13;

/** epoll's event bits. */
export const EV_ERR: i32 = 0x8;
export const EV_HUP: i32 = 0x10;
export const EV_ALL: i32 = 0x1f;
export const EPOLLONESHOT: u32 = 1 << 30;
export const EPOLLET: u32 = 1 << 31;

/** Ring entry kinds. */
export const KIND_FD: u32 = 0;
export const KIND_TIMER: u32 = 1;
export const KIND_RESCAN: u32 = 2;

/** ctxStat selectors. */
export const STAT_DISPATCHED: i32 = 0;
export const STAT_MISSED: i32 = 1;
export const STAT_COALESCED: i32 = 2;
export const STAT_STALE_DROPPED: i32 = 3;
export const STAT_HANDLERS: i32 = 4;
export const STAT_RING_HIGH_WATER: i32 = 5;
export const STAT_MISSED_PENDING: i32 = 6;

/** "No slot / no link" marker for the intrusive lists. */
export const NONE: i32 = -1;
