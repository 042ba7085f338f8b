import type { AsyncContext } from './context.js';
import { publicId, SLOT_SPAN } from './core.js';
import type { Placement } from './runtime.js';

export type FdCallback = (events: number, handler: FdHandler) => void;
export type TimerCallback = (expirations: number, timer: Timer) => void;

/**
 * A handler object's `state` field: its core slot below SLOT_SPAN (2^24, ts/core.ts) and these
 * flags above it, all in one small integer. The slot and the flags sharing a field keep a million
 * timers a million 56-byte objects, and a small integer is stored unboxed.
 */
const SLOT_MASK = SLOT_SPAN - 1;
export const REMOVED = SLOT_SPAN;
export const UNREFED = SLOT_SPAN * 2;
export const ONCE = SLOT_SPAN * 4;

/**
 * What fd handlers and timers have in common: what the runtime keeps per handler, of which the
 * public classes below show a read-only face. Deliberately small (a million timers are a million
 * of these): what handlers of one context share lives in their common Placement, and the id is
 * computed from (slot, gen).
 */
abstract class HandlerBase {
  /** @internal */
  constructor(
    /** @internal */ readonly place: Placement,
    /** @internal the core slot | REMOVED | UNREFED | ONCE */
    public state: number,
    /** @internal with the slot it names this registration (see ts/core.ts publicId) */
    readonly gen: number,
  ) {}

  /** @internal The core slot. */
  get slot(): number {
    return this.state & SLOT_MASK;
  }

  /** Unique among live handlers of this thread. */
  get id(): number {
    return publicId(this.slot, this.gen);
  }

  /** The owning context, or null for a global handler. */
  get context(): AsyncContext | null {
    return this.place.owner;
  }

  /** @internal */ abstract invoke(value: number): void;

  /** Unregisters; the callback is never called again, even for events already queued. Idempotent. */
  remove(): void {
    this.place.runtime.remove(this as unknown as Handler);
  }

  /** Keeps the process alive while this handler exists (the default), like a Node timer. */
  ref(): this {
    this.place.runtime.setRef(this as unknown as Handler, true);
    return this;
  }

  /** Lets the process exit even though this handler exists. */
  unref(): this {
    this.place.runtime.setRef(this as unknown as Handler, false);
    return this;
  }

  /** True while it keeps the process alive: ref'd (the default) and not removed. */
  hasRef(): boolean {
    return (this.state & (REMOVED | UNREFED)) === 0;
  }

  /** False once removed (explicitly, by its context's close(), or after a `once` delivery). */
  get active(): boolean {
    return (this.state & REMOVED) === 0;
  }
}

/**
 * A watched file descriptor, from setEventHandler(). Its callback gets the ready Events bits, and
 * this handler.
 */
export class FdHandler extends HandlerBase {
  /** @internal */ interest: number;

  /** @internal */
  constructor(
    place: Placement, state: number, gen: number,
    readonly fd: number,
    events: number,
    /** @internal */ readonly callback: FdCallback,
  ) {
    super(place, state, gen);
    this.interest = events;
  }

  /** The interest set (Events bits); 0 while paused. */
  get events(): number {
    return this.interest;
  }

  /** Changes the interest set; 0 pauses. Missed events whose bits are no longer wanted are dropped as stale. */
  modify(events: number): void {
    this.place.runtime.modify(this, events);
  }

  /** @internal */
  invoke(value: number): void {
    this.callback(value, this);
  }
}

/**
 * A timer, from addTimer(). Its callback gets the expirations since its last call (more than 1
 * when overrun ones were coalesced), and this timer.
 */
export class Timer extends HandlerBase {
  /**
   * @internal The callback while the timer is active; its interval in ms once it is removed (the
   * core holds the interval until then). The interval has no field of its own because V8 keeps a
   * field that holds fractional numbers as a pointer to a separate 16-byte heap number: 24 bytes
   * more per timer, which a million timers pay in memory and in every garbage collection.
   */
  private callbackOrInterval: TimerCallback | number;

  /** @internal */
  constructor(place: Placement, state: number, gen: number, callback: TimerCallback) {
    super(place, state, gen);
    this.callbackOrInterval = callback;
  }

  /** Milliseconds, as the timer runs: the interval given, rounded to the nanosecond (at least 1 ns). */
  get interval(): number {
    const v = this.callbackOrInterval;
    return typeof v === 'number' ? v : this.place.runtime.timerIntervalMs(this.slot);
  }

  /** @internal */
  invoke(value: number): void {
    (this.callbackOrInterval as TimerCallback)(value, this);
  }

  /** @internal The runtime calls this as it removes the timer from the core. */
  keepInterval(ms: number): void {
    this.callbackOrInterval = ms;
  }
}

export type Handler = FdHandler | Timer;
