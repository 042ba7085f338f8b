import type { AsyncContext } from './context.js';
import { EvwheelError } from './errors.js';
import { checkHandlerOptions, checkId, checkInterval, type HandlerOptions } from './events.js';
import type { Placement } from './runtime.js';

export type TimerGroupCallback = (expirations: number, id: number, group: TimerGroup) => void;

/**
 * What the runtime's slot table holds for a group's timer. A group has two, one per kind, shared
 * by all its timers: a timer costs the JS heap nothing of its own.
 * @internal
 */
export class GroupEntry {
  constructor(
    readonly group: TimerGroup,
    readonly place: Placement,
    readonly once: boolean,
  ) {}
}

/**
 * Timers that share one callback and are named by number, from ctx.createTimerGroup(): for
 * programs that keep many thousands of timers (a timeout per connection), where one object per
 * timer would be what the garbage collector spends its time on. A timer here is a core record
 * and nothing on the JS heap; its id is a handler id like any other (unique among live handlers
 * of this thread), which removeHandler() also takes.
 */
export class TimerGroup {
  /** @internal */ readonly repeating: GroupEntry;
  /** @internal */ readonly oneShot: GroupEntry;
  #size = 0;
  #refed = true;

  /** @internal */
  constructor(
    /** @internal */ readonly place: Placement,
    /** @internal */ readonly callback: TimerGroupCallback,
  ) {
    this.repeating = new GroupEntry(this, place, false);
    this.oneShot = new GroupEntry(this, place, true);
  }

  /** The owning context. */
  get context(): AsyncContext {
    return this.place.owner!;
  }

  /** Live timers in the group. */
  get size(): number {
    return this.#size;
  }

  /** A timer every `interval` ms (fractions allowed; `{ once: true }` for one shot); returns its id. */
  add(interval: number, options?: HandlerOptions): number {
    if (this.place.owner!.closed) throw new EvwheelError('ERR_CONTEXT_CLOSED', 'the context is closed');
    checkInterval(interval);
    const { once } = checkHandlerOptions(options);
    const id = this.place.runtime.addGroupTimer(once ? this.oneShot : this.repeating, interval);
    if (this.#size++ === 0 && this.#refed) this.place.runtime.holdRef();
    return id;
  }

  /** Removes the timer `id` if it is a live timer of this group: true if it was. */
  remove(id: number): boolean {
    const slot = this.place.runtime.groupSlotOf(this, checkId(id));
    if (slot < 0) return false;
    this.removeSlot(slot);
    return true;
  }

  /** True while `id` is a live timer of this group (a one-shot timer stops being one once it fired). */
  has(id: number): boolean {
    return this.place.runtime.groupSlotOf(this, checkId(id)) >= 0;
  }

  /** The interval of timer `id` in ms, as it runs (rounded to the nanosecond), or undefined if it is not live here. */
  interval(id: number): number | undefined {
    const slot = this.place.runtime.groupSlotOf(this, checkId(id));
    return slot < 0 ? undefined : this.place.runtime.timerIntervalMs(slot);
  }

  /** Removes every timer of the group. The group stays usable. */
  clear(): void {
    if (this.#size > 0) this.place.runtime.clearGroup(this);
  }

  /** Keeps the process alive while the group has timers (the default), like a Node timer. */
  ref(): this {
    if (!this.#refed) {
      this.#refed = true;
      if (this.#size > 0) this.place.runtime.holdRef();
    }
    return this;
  }

  /** Lets the process exit even though the group has timers. */
  unref(): this {
    if (this.#refed) {
      this.#refed = false;
      if (this.#size > 0) this.place.runtime.dropRef();
    }
    return this;
  }

  /** True while it keeps the process alive: ref'd (the default) and holding timers. */
  hasRef(): boolean {
    return this.#refed && this.#size > 0;
  }

  /** @internal Every removal comes here: by remove(), clear(), a one-shot's delivery or the context's close(). */
  removeSlot(slot: number): void {
    this.place.runtime.removeGroupTimer(slot);
    if (--this.#size === 0 && this.#refed) this.place.runtime.dropRef();
  }
}
