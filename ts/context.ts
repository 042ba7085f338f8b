import { EventEmitter } from 'node:events';
import { E_NOT_BLOCKED, STAT } from './core.js';
import { EvwheelError } from './errors.js';
import {
  checkCallback, checkContextOptions, checkEvents, checkFd, checkHandlerOptions, checkInterval,
  type ContextOptions, type HandlerOptions, type Mode,
} from './events.js';
import type { FdCallback, FdHandler, Timer, TimerCallback } from './handler.js';
import type { Loop } from './loop.js';
import { runtime, type Placement, type Runtime } from './runtime.js';
import { TimerGroup, type TimerGroupCallback } from './timer-group.js';

export interface ContextStats {
  /** Deliveries made (callbacks invoked or about to be). */
  dispatched: number;
  /** Events that arrived while the context was blocked (or behind older missed events). */
  missed: number;
  /**
   * Events merged into one already waiting: an entry of the missed queue, or a delivery of the
   * same batch (a second readiness report for an fd before its callback ran).
   */
  coalesced: number;
  /** Events dropped because their handler no longer wanted them (modify) or no longer existed. */
  staleDropped: number;
  /** Handlers the context holds now. */
  handlers: number;
  /** Entries in the missed queue now. */
  missedPending: number;
  /** Most entries ever waiting in the ring of this context's loop. */
  ringHighWater: number;
  /** The current block count. */
  blockCount: number;
  /** Signal mode: times the realtime queue overflowed and every fd of the thread was polled again. */
  rescans: number;
}

/**
 * A group of handlers with one delivery method that can be blocked around critical sections:
 * while blocked, its events wait in a bounded, coalescing missed queue (one entry per handler).
 */
export class AsyncContext extends EventEmitter {
  readonly mode: Mode;
  readonly maxHandlers: number;
  /** Signal mode: the realtime signal number in use; undefined in other modes. */
  readonly signal: number | undefined;
  readonly #rt: Runtime;
  readonly #loop: Loop;
  readonly #index: number;
  /** Where this context's handlers go; one object for all of them. */
  readonly #placement: Placement;
  #closed = false;
  #missedDeliveryScheduled = false;

  private constructor(rt: Runtime, mode: Mode, maxHandlers: number, loop: Loop) {
    super();
    this.#rt = rt;
    this.mode = mode;
    this.maxHandlers = maxHandlers;
    this.signal = mode === 'signal' ? loop.signal : undefined;
    this.#loop = loop;
    this.#index = rt.core.x.ctxCreate(loop.index, maxHandlers);
    rt.core.refresh();
    this.#placement = { runtime: rt, loop, ctxIndex: this.#index, owner: this };
  }

  /** Creates a context; synchronous. Default mode 'thread', maxHandlers 1024. */
  static create(options?: ContextOptions): AsyncContext {
    const checked = checkContextOptions(options);
    return AsyncContext.#open(runtime(), checked);
  }

  /** @internal the simulation opens contexts on its own runtime (virtual kernel and clock). */
  static _openOn(rt: Runtime, options?: ContextOptions): AsyncContext {
    return AsyncContext.#open(rt, checkContextOptions(options));
  }

  static #open(rt: Runtime, { mode, maxHandlers, signal }: ReturnType<typeof checkContextOptions>): AsyncContext {
    const loop = mode === 'poll' ? rt.addLoop('poll') : mode === 'signal' ? rt.signal(signal) : rt.thread();
    return new AsyncContext(rt, mode, maxHandlers, loop);
  }

  /** Watches `fd` for `events`; the callback gets the ready bits. One handler per fd per process. */
  setEventHandler(fd: number, events: number, callback: FdCallback, options?: HandlerOptions): FdHandler {
    this.#assertOpen();
    checkFd(fd);
    checkEvents(events);
    checkCallback(callback);
    const { edge, once } = checkHandlerOptions(options);
    return this.#rt.addFd(this.#placement, fd, events, callback, edge, once);
  }

  /** A timer every `interval` ms (fractions allowed); the callback gets the expirations since the last call. */
  addTimer(interval: number, callback: TimerCallback, options?: HandlerOptions): Timer {
    this.#assertOpen();
    checkInterval(interval);
    checkCallback(callback);
    const { once } = checkHandlerOptions(options);
    return this.#rt.addTimer(this.#placement, interval, callback, once);
  }

  /**
   * A group of timers sharing `callback`, named by number instead of by object: for many
   * thousands of timers, which then cost the JS heap (and its garbage collector) nothing each.
   */
  createTimerGroup(callback: TimerGroupCallback): TimerGroup {
    this.#assertOpen();
    checkCallback(callback);
    return new TimerGroup(this.#placement, callback);
  }

  /** Holds deliveries back (recursive): events wait in the missed queue until unblocked. */
  block(): void {
    this.#assertOpen();
    this.#rt.core.x.ctxBlock(this.#index);
  }

  /** Undoes one block(). Missed events are then delivered by checkMissed(), or soon after by themselves. */
  unblock(): void {
    this.#assertOpen();
    const x = this.#rt.core.x;
    if (x.ctxUnblock(this.#index) === E_NOT_BLOCKED) {
      throw new EvwheelError('ERR_NOT_BLOCKED', 'unblock() without a matching block()');
    }
    if (x.ctxBlockCount(this.#index) === 0 && x.ctxMissedCount(this.#index) > 0) this.#scheduleMissedDelivery();
  }

  get isBlocked(): boolean {
    return !this.#closed && this.#rt.core.x.ctxBlockCount(this.#index) > 0;
  }

  /** Delivers the missed events now, oldest first. While blocked it does nothing: they keep waiting. */
  checkMissed(): void {
    this.#assertOpen();
    if (this.isBlocked) return;
    this.#rt.deliverMissed(this.#index, this.#loop);
  }

  /**
   * Dispatches whatever is ready now: missed events first (once unblocked they are ready too),
   * then, for poll mode, the context's own fds and due timers; for the other modes, what their
   * thread's loop has (every context of that mode on this JS thread), the kernel asked first, so
   * that a JS thread busy in a loop sees fd events without yielding.
   */
  poll(): void {
    this.#assertOpen();
    if (!this.isBlocked && this.#rt.core.x.ctxMissedCount(this.#index) > 0) this.#rt.deliverMissed(this.#index, this.#loop);
    this.#rt.deliver(this.#loop, true);
  }

  stats(): ContextStats {
    const x = this.#rt.core.x;
    const i = this.#index;
    if (this.#closed) return { ...this.#finalStats! };
    return {
      dispatched: x.ctxStat(i, STAT.dispatched),
      missed: x.ctxStat(i, STAT.missed),
      coalesced: x.ctxStat(i, STAT.coalesced),
      staleDropped: x.ctxStat(i, STAT.staleDropped),
      handlers: x.ctxStat(i, STAT.handlers),
      missedPending: x.ctxStat(i, STAT.missedPending),
      ringHighWater: x.ctxStat(i, STAT.ringHighWater),
      blockCount: x.ctxBlockCount(i),
      rescans: this.#loop.rescans,
    };
  }

  #finalStats: ContextStats | undefined;

  /** Removes every handler and releases the context. Closing a blocked context warns. Idempotent. */
  close(): void {
    if (this.#closed) return;
    const blockCount = this.#rt.core.x.ctxBlockCount(this.#index);
    if (blockCount > 0) {
      const missed = this.#rt.core.x.ctxMissedCount(this.#index);
      process.emitWarning(
        `AsyncContext closed while blocked (block count ${blockCount}); ${missed} missed event(s) were dropped with their handlers`,
        { code: 'EVWHEEL_CLOSED_BLOCKED' },
      );
    }
    this.#rt.removeAllOf(this);
    this.#finalStats = this.stats();
    this.#finalStats.blockCount = 0;
    this.#closed = true;
    this.#rt.core.x.ctxDestroy(this.#index);
    if (this.mode === 'poll') this.#rt.freeLoop(this.#loop);
  }

  get closed(): boolean {
    return this.#closed;
  }

  #assertOpen(): void {
    if (this.#closed) throw new EvwheelError('ERR_CONTEXT_CLOSED', 'the context is closed');
  }

  /** Nothing waits forever: missed events nobody collects are delivered on the next turn. */
  #scheduleMissedDelivery(): void {
    if (this.#missedDeliveryScheduled) return;
    this.#missedDeliveryScheduled = true;
    this.#rt.later(() => {
      this.#missedDeliveryScheduled = false;
      if (!this.#closed && !this.isBlocked && this.#rt.core.x.ctxMissedCount(this.#index) > 0) this.checkMissed();
    });
  }
}
