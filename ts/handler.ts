import type { AsyncContext } from './context.js';
import type { Loop } from './loop.js';
import type { Runtime } from './runtime.js';

export type FdCallback = (events: number, handler: FdHandler) => void;
export type TimerCallback = (expirations: number, timer: Timer) => void;

/** What the runtime keeps per handler; the public classes below expose a read-only face of it. */
abstract class HandlerBase {
  /** @internal */ removed = false;
  /** @internal */ refed = true;

  /** @internal */
  constructor(
    /** @internal */ readonly runtime: Runtime,
    /** @internal */ readonly slot: number,
    /** Unique among live handlers of this thread. */
    readonly id: number,
    /** The owning context, or null for a global handler. */
    readonly context: AsyncContext | null,
    /** @internal */ readonly loop: Loop,
    /** @internal */ readonly ctxIndex: number,
    /** @internal */ readonly once: boolean,
  ) {}

  /** @internal */ abstract invoke(value: number): void;

  /** Unregisters; the callback is never called again, even for events already queued. Idempotent. */
  remove(): void {
    this.runtime.remove(this as unknown as Handler);
  }

  /** Keeps the process alive while this handler exists (the default), like a Node timer. */
  ref(): this {
    this.runtime.setRef(this as unknown as Handler, true);
    return this;
  }

  /** Lets the process exit even though this handler exists. */
  unref(): this {
    this.runtime.setRef(this as unknown as Handler, false);
    return this;
  }

  hasRef(): boolean {
    return this.refed && !this.removed;
  }

  /** False once removed (explicitly, by its context's close(), or after a `once` delivery). */
  get active(): boolean {
    return !this.removed;
  }
}

export class FdHandler extends HandlerBase {
  /** @internal */ interest: number;
  /** @internal */ seq = 0;

  /** @internal */
  constructor(
    runtime: Runtime, slot: number, id: number, context: AsyncContext | null, loop: Loop, ctxIndex: number,
    once: boolean,
    readonly fd: number,
    events: number,
    /** @internal */ readonly callback: FdCallback,
  ) {
    super(runtime, slot, id, context, loop, ctxIndex, once);
    this.interest = events;
  }

  /** The interest set (Events bits); 0 while paused. */
  get events(): number {
    return this.interest;
  }

  /** Changes the interest set; 0 pauses. Missed events whose bits are no longer wanted are dropped as stale. */
  modify(events: number): void {
    this.runtime.modify(this, events);
  }

  /** @internal */
  invoke(value: number): void {
    this.callback(value, this);
  }
}

export class Timer extends HandlerBase {
  /** @internal */
  constructor(
    runtime: Runtime, slot: number, id: number, context: AsyncContext | null, loop: Loop, ctxIndex: number,
    once: boolean,
    /** Milliseconds, as given. */
    readonly interval: number,
    /** @internal */ readonly callback: TimerCallback,
  ) {
    super(runtime, slot, id, context, loop, ctxIndex, once);
  }

  /** @internal */
  invoke(value: number): void {
    this.callback(value, this);
  }
}

export type Handler = FdHandler | Timer;
