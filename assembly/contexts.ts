// Contexts: a block count, a handler limit, a missed queue (missed.ts) and counters.
// maxHandlers 0 makes a global context: unlimited and never blocked.

import { NONE, E_INVALID, E_NOT_BLOCKED } from './constants';
import { growBlock, nextCapacity } from './memory';
import { isLiveLoop, noteContextCreated, noteContextDestroyed } from './loops';

/**
 * One context. Invariants:
 * - `blockCount >= 0`, and stays 0 for a global context (`maxHandlers == 0`).
 * - `handlers` counts its live handlers; `handlers <= maxHandlers` unless global.
 * - The missed queue (missedHead/Tail through handler slots) holds `missedCount` distinct handlers
 *   of this context, so `missedCount <= handlers`: it never needs capacity of its own.
 * - Counters are f64 so they never wrap in practice (exact to 2^53).
 */
@unmanaged export class Context {
  dispatched: f64;    // entries appended to the dispatch list
  missed: f64;        // events that went to the missed queue
  coalesced: f64;     // of those, events merged into an entry already queued
  staleDropped: f64;  // events dropped because the handler no longer wanted them
  loop: i32;
  maxHandlers: i32;
  handlers: i32;
  blockCount: i32;
  missedHead: i32;
  missedTail: i32;
  missedCount: i32;
  live: i32;
  nextFree: i32;
}

const CONTEXT_SIZE: usize = offsetof<Context>();

let contextBase: usize = 0;
let contextCapacity: i32 = 0;
let contextHighMark: i32 = 0;
let contextFreeHead: i32 = NONE;

// @ts-ignore: decorator
@inline export function contextAt(ctx: i32): Context {
  return changetype<Context>(contextBase + <usize>ctx * CONTEXT_SIZE);
}

export function isLiveContext(ctx: i32): bool {
  return ctx >= 0 && ctx < contextHighMark && contextAt(ctx).live != 0;
}

export function isGlobalContext(c: Context): bool {
  return c.maxHandlers == 0;
}

export function createContext(loop: i32, maxHandlers: i32): i32 {
  if (!isLiveLoop(loop) || maxHandlers < 0) return E_INVALID;
  let ctx = contextFreeHead;
  if (ctx != NONE) {
    contextFreeHead = contextAt(ctx).nextFree;
  } else {
    if (contextHighMark == contextCapacity) {
      const grown = nextCapacity(contextCapacity, contextHighMark + 1, 16);
      contextBase = growBlock(contextBase, <usize>contextCapacity * CONTEXT_SIZE, <usize>grown * CONTEXT_SIZE);
      contextCapacity = grown;
    }
    ctx = contextHighMark++;
  }
  const c = contextAt(ctx);
  c.dispatched = 0;
  c.missed = 0;
  c.coalesced = 0;
  c.staleDropped = 0;
  c.loop = loop;
  c.maxHandlers = maxHandlers;
  c.handlers = 0;
  c.blockCount = 0;
  c.missedHead = NONE;
  c.missedTail = NONE;
  c.missedCount = 0;
  c.live = 1;
  c.nextFree = NONE;
  noteContextCreated(loop, ctx, maxHandlers == 0);
  return ctx;
}

/** Precondition: its handlers were removed. A context that still has handlers is kept (their slots point at it). */
export function destroyContext(ctx: i32): void {
  if (!isLiveContext(ctx)) return;
  const c = contextAt(ctx);
  if (c.handlers > 0) return;
  noteContextDestroyed(c.loop, ctx);
  c.live = 0;
  c.nextFree = contextFreeHead;
  contextFreeHead = ctx;
}

export function blockContext(ctx: i32): i32 {
  if (!isLiveContext(ctx)) return E_INVALID;
  const c = contextAt(ctx);
  if (isGlobalContext(c)) return 0; // global contexts are never blocked
  return ++c.blockCount;
}

export function unblockContext(ctx: i32): i32 {
  if (!isLiveContext(ctx)) return E_INVALID;
  const c = contextAt(ctx);
  if (c.blockCount == 0) return E_NOT_BLOCKED;
  return --c.blockCount;
}

export function isBlocked(c: Context): bool {
  return c.blockCount > 0;
}

/** A new event for this context must not be delivered ahead of what it already missed. */
export function mustDefer(c: Context): bool {
  return c.blockCount > 0 || c.missedCount > 0;
}
