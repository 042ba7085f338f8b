import { threadId } from 'node:worker_threads';
import type { Bell, BellFactory } from './bell.js';
import { calibratedClock } from './clock.js';
import type { AsyncContext } from './context.js';
import { Core, E_CONTEXT_FULL, E_FD_RANGE, E_HANDLER_EXISTS, E_NO_MEMORY, FD_LIMIT, FLAG_EDGE, FLAG_ONCE, FLAG_REARM, publicId, slotOfId } from './core.js';
import { Errno, EvwheelError, errnoError } from './errors.js';
import { Events, checkEvents, intervalNs } from './events.js';
import { FdHandler, ONCE, REMOVED, Timer, UNREFED, type FdCallback, type Handler, type TimerCallback } from './handler.js';
import type { Kernel } from './kernel.js';
import { Loop, stopNow, type Linger, type LoopKind } from './loop.js';
import { nativeBell, nativeKernel } from './native.js';
import { GroupEntry, type TimerGroup } from './timer-group.js';

/** What the slot table holds: a handler object, or the entry shared by a timer group's timers. */
type SlotOwner = Handler | GroupEntry;

/** Ring drains per delivery before yielding to Node's loop (the rest waits, nothing is lost). */
const MAX_ROUNDS = 16;

/** How long an idle progress thread waits for a new handler before it is stopped and joined. */
const THREAD_LINGER_MS = 100;

/** The native grace period: an unref'd Node timer (it never keeps the process alive). */
const lingerOnNodeTimer: Linger = (stop) => {
  const timer = setTimeout(stop, THREAD_LINGER_MS);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * Where a handler lives: its runtime, loop, core context and public owner (null = global). One
 * object per context (and per global loop), shared by all its handlers.
 */
export interface Placement {
  readonly runtime: Runtime;
  readonly loop: Loop;
  readonly ctxIndex: number;
  readonly owner: AsyncContext | null;
}

/**
 * Everything one JS thread needs: a core instance with its shared memory, the doorbell that
 * wakes Node's loop, the delivery loops, and the handler objects by core slot. Worker threads
 * load the module again and so get their own Runtime.
 */
export class Runtime {
  readonly core: Core;
  readonly kernel: Kernel;
  readonly now: () => number;
  /** Handler objects (or group entries) by core slot: finding one by id is an index plus a generation check. */
  private readonly handlers: (SlotOwner | undefined)[] = [];
  private bell: { watcher: Bell; writeFd: number } | undefined;
  private threadLoop: Loop | undefined;
  private signalLoop: Loop | undefined;
  private globalPollLoop: Loop | undefined;
  private readonly loops = new Set<Loop>();
  private readonly globalPlacements = new Map<Loop, Placement>();
  /** Loops touched by the current (possibly nested) dispatch; finished when the outermost ends. */
  private readonly dirty: (Loop | undefined)[] = [];
  private dirtyCount = 0;
  private depth = 0;
  private refs = 0;
  private shutDown = false;
  private readonly redeliveryScheduled = new Set<Loop>();

  /**
   * `now` is the clock timers are scheduled on (the kernel's time base); `watchBell` turns the
   * doorbell's read end into calls of its callback; `later` runs follow-up work on a later turn
   * (redelivery after a batch limit, missed events nobody collected); `linger` delays stopping
   * an idle progress thread. The simulation passes virtual ones (and no grace period), so that
   * everything happens inside its advance().
   */
  constructor(
    kernel: Kernel,
    now: () => number,
    private readonly watchBell: BellFactory,
    readonly later: (fn: () => void) => void,
    private readonly linger: Linger = stopNow,
    thread = 0,
  ) {
    this.kernel = kernel;
    this.core = new Core();
    this.core.x.handlerGenerationBase(generationBase(thread));
    this.now = now;
  }

  // ---- loops -------------------------------------------------------------------------------

  /** The thread's progress-thread loop, created (without a thread) on first use. */
  thread(): Loop {
    this.assertAlive();
    if (!this.threadLoop) this.threadLoop = this.addLoop('thread');
    return this.threadLoop;
  }

  /**
   * The thread's signal loop, created on first use with `requested` or the default signal. All
   * signal-mode handlers of a JS thread share one signal (and one POSIX timer).
   */
  signal(requested: number | undefined): Loop {
    this.assertAlive();
    if (this.signalLoop && requested === undefined) return this.signalLoop;
    const signo = this.kernel.signalChoose(requested ?? 0);
    if (signo < 0) throw signalChoiceError(signo, requested);
    if (this.signalLoop) {
      if (signo !== this.signalLoop.signal) {
        throw new EvwheelError('ERR_NOT_SUPPORTED', `signal ${signo} was asked for, but this thread's signal mode already uses signal ${this.signalLoop.signal}`);
      }
      return this.signalLoop;
    }
    this.signalLoop = this.addLoop('signal', signo);
    return this.signalLoop;
  }

  /** The loop of global poll-mode handlers. */
  globalPoll(): Loop {
    if (!this.globalPollLoop) this.globalPollLoop = this.addLoop('poll');
    return this.globalPollLoop;
  }

  /** The loops that hold global handlers, as far as they exist. */
  globalLoops(): Loop[] {
    return [this.globalPollLoop, this.threadLoop, this.signalLoop].filter((l): l is Loop => l !== undefined);
  }

  /** Poll-mode contexts get a loop each: their poll() must not collect other contexts' events. */
  addLoop(kind: LoopKind, signo = 0): Loop {
    this.assertAlive();
    const loop = new Loop(this.core, this.kernel, kind, kind === 'poll' ? -1 : this.ensureBell(), signo, this.linger);
    this.loops.add(loop);
    return loop;
  }

  /** Where global handlers of `loop` go: one placement per loop. */
  globalPlacement(loop: Loop): Placement {
    let place = this.globalPlacements.get(loop);
    if (!place) {
      place = { runtime: this, loop, ctxIndex: loop.globalCtx, owner: null };
      this.globalPlacements.set(loop, place);
    }
    return place;
  }

  freeLoop(loop: Loop): void {
    loop.free();
    this.loops.delete(loop);
    this.globalPlacements.delete(loop);
    if (loop === this.globalPollLoop) this.globalPollLoop = undefined;
  }

  // ---- registration ------------------------------------------------------------------------

  addFd(where: Placement, fd: number, events: number, callback: FdCallback, edge: boolean, once: boolean): FdHandler {
    this.assertAlive();
    const x = this.core.x;
    const flags = (once ? FLAG_ONCE : 0) | (edge ? FLAG_EDGE : 0) | (edge || once ? 0 : FLAG_REARM);
    const slot = x.fdAdd(where.ctxIndex, fd, events, flags);
    if (slot === E_FD_RANGE) throw this.fdRangeError(where.loop, fd);
    if (slot < 0) throw this.coreError(slot, `fd ${fd}`);
    const gen = this.core.addResult[0];
    this.retainFor(where, slot);
    const seq = this.kernel.fdAdd(where.loop.handle, fd, x.handlerEpollEvents(slot));
    if (seq < 0) {
      x.handlerRemove(slot);
      where.loop.release();
      throw fdAddError(where.loop, seq, fd);
    }
    x.fdSetSeq(slot, seq);
    return this.track(new FdHandler(where, slot | (once ? ONCE : 0), gen, fd, events, callback));
  }

  /** `intervalMs` was checked by the caller (checkInterval). */
  addTimer(where: Placement, intervalMs: number, callback: TimerCallback, once: boolean): Timer {
    const slot = this.scheduleTimer(where, intervalMs, once);
    return this.track(new Timer(where, slot | (once ? ONCE : 0), this.core.addResult[0], callback));
  }

  /** A timer of a group: the core record and the group's shared entry, no object of its own. → its id. */
  addGroupTimer(entry: GroupEntry, intervalMs: number): number {
    const slot = this.scheduleTimer(entry.place, intervalMs, entry.once);
    this.handlers[slot] = entry;
    this.ensureBell();
    return publicId(slot, this.core.addResult[0]);
  }

  /**
   * The core's half of adding a timer, for both kinds: its slot, with the loop retained and the
   * wake-up moved earlier if the timer comes first. Its generation is core.addResult[0] until the
   * next add.
   */
  private scheduleTimer(where: Placement, intervalMs: number, once: boolean): number {
    this.assertAlive();
    const slot = this.core.x.timerAdd(where.ctxIndex, intervalNs(intervalMs), this.now(), once ? FLAG_ONCE : 0);
    if (slot < 0) throw this.coreError(slot, 'timer');
    const mayArm = this.core.addResult[1];
    this.retainFor(where, slot);
    if (mayArm) where.loop.armTimer();
    return slot;
  }

  /** The slot of `group`'s live timer `id`, or -1. */
  groupSlotOf(group: TimerGroup, id: number): number {
    if (!(id > 0)) return -1;
    const slot = slotOfId(id);
    const entry = this.handlers[slot];
    if (!(entry instanceof GroupEntry) || entry.group !== group) return -1;
    return publicId(slot, this.core.x.handlerGen(slot)) === id ? slot : -1;
  }

  /** Group timers leave through TimerGroup.removeSlot, which keeps the group's count. */
  removeGroupTimer(slot: number): void {
    const loop = (this.handlers[slot] as GroupEntry).place.loop;
    this.core.x.handlerRemove(slot);
    this.handlers[slot] = undefined;
    loop.release();
  }

  /** Rare enough to scan rather than index per group (as close() does). */
  clearGroup(group: TimerGroup): void {
    for (let slot = 0; slot < this.handlers.length; slot++) {
      const entry = this.handlers[slot];
      if (entry instanceof GroupEntry && entry.group === group) group.removeSlot(slot);
    }
  }

  /** Starts delivery on the handler's loop if it is the first; if that fails, the core forgets the handler. */
  private retainFor(where: Placement, slot: number): void {
    try {
      where.loop.retain();
    } catch (err) {
      this.core.x.handlerRemove(slot);
      throw err;
    }
  }

  private track<H extends Handler>(h: H): H {
    this.handlers[h.slot] = h;
    this.ensureBell(); // even poll-only threads: the bell's socket is what a ref holds
    this.holdRef();
    return h;
  }

  remove(h: Handler): void {
    if (h.state & REMOVED) return;
    const wasRefed = (h.state & UNREFED) === 0;
    h.state |= REMOVED;
    const loop = h.place.loop;
    if (h instanceof FdHandler) {
      // The user may have closed the fd already: the kernel dropped it from epoll by itself. A
      // freed loop (the exit shutdown came first) gave its fds back as it was freed.
      if (!loop.isFreed) this.kernel.fdDel(loop.handle, h.fd);
    } else {
      h.keepInterval(this.timerIntervalMs(h.slot));
    }
    this.core.x.handlerRemove(h.slot);
    this.handlers[h.slot] = undefined;
    if (wasRefed) this.dropRef();
    loop.release();
  }

  /** A live timer's interval as the core runs it (nanoseconds), in ms. */
  timerIntervalMs(slot: number): number {
    return this.core.x.timerInterval(slot) / 1e6;
  }

  modify(h: FdHandler, events: number): void {
    checkEvents(events);
    this.assertAlive();
    if (h.state & REMOVED) throw new EvwheelError('ERR_HANDLER_NOT_FOUND', `fd ${h.fd}: the handler was removed`);
    const x = this.core.x;
    const before = h.interest;
    x.handlerModify(h.slot, events);
    const rc = this.kernel.fdMod(h.place.loop.handle, h.fd, x.handlerEpollEvents(h.slot), x.fdSeq(h.slot));
    if (rc < 0) {
      x.handlerModify(h.slot, before);
      throw errnoError(rc, fdSyscall(h.place.loop, rc, false), `fd ${h.fd}`);
    }
    h.interest = events;
  }

  setRef(h: Handler, refed: boolean): void {
    if (h.state & REMOVED || ((h.state & UNREFED) === 0) === refed) return;
    h.state ^= UNREFED;
    if (refed) this.holdRef();
    else this.dropRef();
  }

  /** One more thing keeps the process alive (a ref'd handler, a ref'd group with timers). */
  holdRef(): void {
    if (++this.refs === 1) this.bell?.watcher.ref();
  }

  dropRef(): void {
    if (--this.refs === 0) this.bell?.watcher.unref();
  }

  /** Removes a context's handlers and group timers, for close(): rare enough to scan rather than index per handler. */
  removeAllOf(ctx: AsyncContext): void {
    for (let slot = 0; slot < this.handlers.length; slot++) {
      const h = this.handlers[slot];
      if (h === undefined || h.place.owner !== ctx) continue;
      if (h instanceof GroupEntry) h.group.removeSlot(slot);
      else h.remove();
    }
  }

  findById(id: number): Handler | undefined {
    if (!(id > 0)) return undefined;
    const h = this.handlers[slotOfId(id)];
    return h !== undefined && !(h instanceof GroupEntry) && h.id === id ? h : undefined;
  }

  /** The group whose timer holds `id`'s slot now, if any: its remove(id) tells whether `id` is that timer. */
  groupAtId(id: number): TimerGroup | undefined {
    if (!(id > 0)) return undefined;
    const entry = this.handlers[slotOfId(id)];
    return entry instanceof GroupEntry ? entry.group : undefined;
  }

  /** The core keeps the fd → slot map (it refuses a second handler for an fd); no copy of it here. */
  findByFd(fd: number): FdHandler | undefined {
    const slot = this.core.x.fdHandlerSlot(fd);
    return slot >= 0 ? (this.handlers[slot] as FdHandler) : undefined;
  }

  // ---- delivery ----------------------------------------------------------------------------

  /**
   * Collects what is ready on `loop`, lets the core decide, and runs the callbacks. `ask`: the
   * kernel is asked first (poll(); a doorbell's call finds its events published already). Nested
   * calls (from a callback) append to the same dispatch list.
   */
  deliver(loop: Loop, ask: boolean): void {
    this.assertAlive();
    const x = this.core.x;
    this.enter(loop);
    let pending = false;
    try {
      for (let round = 0; round < MAX_ROUNDS && !loop.isFreed; round++) {
        const collected = ask ? loop.collect() : 0;
        const start = x.drainStart();
        const end = x.drain(loop.index, this.now());
        this.dispatch(start, end);
        if (loop.isFreed) break;
        const rescanned = loop.rescanIfNeeded();
        pending = x.loopPending(loop.index) !== 0;
        if (!pending && collected === 0 && !rescanned) break;
      }
    } finally {
      this.leave();
    }
    if (pending && loop.isAsync) this.scheduleRedelivery(loop);
  }

  /** Delivers a context's missed queue, in the order events were first missed. */
  deliverMissed(ctxIndex: number, loop: Loop): void {
    const x = this.core.x;
    this.enter(loop);
    try {
      const start = x.drainStart();
      const end = x.ctxTakeMissed(ctxIndex);
      this.dispatch(start, end);
    } finally {
      this.leave();
    }
  }

  private enter(loop: Loop): void {
    this.depth++;
    for (let i = 0; i < this.dirtyCount; i++) if (this.dirty[i] === loop) return;
    this.dirty[this.dirtyCount++] = loop;
  }

  private leave(): void {
    if (--this.depth > 0) return;
    this.core.x.dispatchReset();
    // An array kept at its size and a count: a Set's iterator, or an array emptied and refilled,
    // would allocate on every delivery.
    for (let i = 0; i < this.dirtyCount; i++) {
      this.dirty[i]!.finish();
      this.dirty[i] = undefined;
    }
    this.dirtyCount = 0;
  }

  /**
   * Runs dispatch entries [start, end). The list may move when a callback makes the core grow
   * it (a nested poll, a new handler), so its base is re-read after every callback; the views
   * are renewed only when the list lies beyond them (no memory.buffer access per event).
   */
  private dispatch(start: number, end: number): void {
    const core = this.core;
    const x = core.x;
    let base = x.dispatchBase() >> 2;
    if (base + end * 3 > core.i32.length) core.refresh();
    for (let i = start; i < end; i++) {
      const p = base + i * 3;
      const slot = core.i32[p];
      if (slot < 0) continue; // dropped by the core since: its handler was removed, or paused
      const gen = core.i32[p + 1];
      const value = core.i32[p + 2];
      core.i32[p] = -1; // taken: the core no longer merges into, masks or drops it (assembly/dispatch.ts)
      const h = this.handlers[slot];
      // Not expected: the core drops a removed handler's entry.
      if (h === undefined || (h instanceof GroupEntry ? x.handlerGen(slot) : h.gen) !== gen) continue;
      if (h.place.owner !== null && x.ctxMustDefer(h.place.ctxIndex)) {
        // Blocked by an earlier callback of this batch, or it has older missed events: keep order.
        x.defer(slot, gen, value);
        continue;
      }
      if (h instanceof GroupEntry) this.invokeGroup(h, slot, gen, value);
      else this.invoke(h, value);
      base = x.dispatchBase() >> 2;
      if (base + end * 3 > core.i32.length) core.refresh();
    }
  }

  private invoke(h: Handler, value: number): void {
    try {
      h.invoke(value);
    } catch (err) {
      this.report(h.place, h, err);
    }
    if ((h.state & (ONCE | REMOVED)) === ONCE) this.remove(h);
  }

  private invokeGroup(entry: GroupEntry, slot: number, gen: number, value: number): void {
    const group = entry.group;
    try {
      group.callback(value, publicId(slot, gen), group);
    } catch (err) {
      this.report(entry.place, group, err);
    }
    // Unless the callback removed it already (and the slot may hold a new timer since).
    if (entry.once && this.handlers[slot] === entry && this.core.x.handlerGen(slot) === gen) group.removeSlot(slot);
  }

  /** A throwing callback never stops the batch: its context's 'error' listeners get it, else it is uncaught. */
  private report(place: Placement, source: Handler | TimerGroup, err: unknown): void {
    const ctx = place.owner;
    if (ctx !== null && ctx.listenerCount('error') > 0) {
      try {
        ctx.emit('error', err, source);
        return;
      } catch (listenerErr) {
        err = listenerErr; // a throwing listener must not cost the rest of the batch either
      }
    }
    process.nextTick(() => {
      throw err;
    });
  }

  /** A drain stopped at its batch limit: the rest comes on the next turn, no doorbell needed. */
  private scheduleRedelivery(loop: Loop): void {
    if (this.redeliveryScheduled.has(loop)) return;
    this.redeliveryScheduled.add(loop);
    this.later(() => {
      this.redeliveryScheduled.delete(loop);
      if (!this.shutDown && !loop.isFreed) this.deliver(loop, false);
    });
  }

  // ---- doorbell and lifetime ---------------------------------------------------------------

  private ensureBell(): number {
    if (this.bell) return this.bell.writeFd;
    const fds = new Int32Array(2);
    const rc = this.kernel.doorbellNew(fds);
    if (rc < 0) throw errnoError(rc, 'pipe2', 'creating the doorbell');
    const watcher = this.watchBell(fds[0], fds[1], () => this.onBell());
    if (this.refs === 0) watcher.unref();
    this.bell = { watcher, writeFd: fds[1] };
    return fds[1];
  }

  /** The doorbell rang: an asynchronous producer published into a ring. */
  onBell(): void {
    if (this.shutDown) return;
    if (this.threadLoop) this.deliver(this.threadLoop, false);
    if (this.signalLoop) this.deliver(this.signalLoop, false);
  }

  /** Joins every progress thread before the process (and the memory they write to) goes away. */
  shutdown(): void {
    if (this.shutDown) return;
    this.shutDown = true;
    for (const loop of this.loops) loop.releaseKernel();
    this.loops.clear();
    if (this.bell) {
      this.bell.watcher.close();
      // -EBUSY if a loop could not be freed (its thread still runs): the write end is left open.
      this.kernel.doorbellClose(this.bell.writeFd);
    }
  }

  private assertAlive(): void {
    if (this.shutDown) throw new EvwheelError('ERR_CONTEXT_CLOSED', 'evwheel has shut down: the process is exiting');
  }

  /**
   * An fd beyond the core's fd map: almost always a number that is not an open fd at all, which
   * only the kernel can tell. It is asked by registering the fd and removing it again.
   */
  private fdRangeError(loop: Loop, fd: number): EvwheelError {
    const rc = this.kernel.fdAdd(loop.handle, fd, Events.IN);
    if (rc < 0) return fdAddError(loop, rc, fd);
    this.kernel.fdDel(loop.handle, fd);
    return new EvwheelError('ERR_NOT_SUPPORTED', `fd ${fd}: evwheel watches fds below ${FD_LIMIT} (Linux hands out larger ones only when fs.nr_open is raised)`);
  }

  private coreError(code: number, subject: string): EvwheelError {
    if (code === E_CONTEXT_FULL) return new EvwheelError('ERR_CONTEXT_FULL', `${subject}: the context already holds maxHandlers handlers`);
    if (code === E_NO_MEMORY) return new EvwheelError('ERR_CONTEXT_FULL', `${subject}: the core's memory for this thread (1 GiB, about 4 million handlers) is full`);
    if (code === E_HANDLER_EXISTS) return new EvwheelError('ERR_HANDLER_EXISTS', `${subject}: the file descriptor already has a handler in this process`);
    return new EvwheelError('ERR_INVALID_ARG', `${subject}: rejected by the core (${code})`);
  }
}

/** The shim's refusal to register an fd. */
function fdAddError(loop: Loop, rc: number, fd: number): EvwheelError {
  if (loop.kind === 'signal' && rc === -Errno.EOPNOTSUPP) {
    return new EvwheelError('ERR_NOT_SUPPORTED', `fd ${fd}: the kernel ignores O_ASYNC on this kind of file (it has no fasync operation: eventfd, timerfd, signalfd, epoll, pidfd, /dev/kmsg, a procfs or sysfs file...), so signal mode would never see it become ready; watch it in thread or poll mode`, { errno: -rc, syscall: 'fcntl' });
  }
  return errnoError(rc, fdSyscall(loop, rc, true), `fd ${fd}`);
}

/**
 * The system call behind the shim's refusal of an fd, for the error's `syscall`. Every add first
 * checks the fd with fcntl (F_GETFD); a signal loop has no epoll set, only fcntl calls and the
 * throwaway epoll set that finds files which cannot be polled (EPERM).
 */
function fdSyscall(loop: Loop, rc: number, adding: boolean): string {
  if (adding && rc === -Errno.EBADF) return 'fcntl';
  if (loop.kind !== 'signal' || rc === -Errno.EPERM) return 'epoll_ctl';
  return 'fcntl';
}

function signalChoiceError(rc: number, requested: number | undefined): EvwheelError {
  const which = requested === undefined ? 'the default signal' : `signal ${requested}`;
  const detail = { errno: -rc, syscall: 'sigaction' };
  if (rc === -Errno.EINVAL) return new EvwheelError('ERR_INVALID_ARG', `${which} is not a realtime signal (SIGRTMIN..SIGRTMAX)`, detail);
  if (rc === -Errno.EBUSY) return new EvwheelError('ERR_NOT_SUPPORTED', `${which} already has a handler installed by someone else`, detail);
  if (rc === -Errno.EAGAIN) return new EvwheelError('ERR_NOT_SUPPORTED', 'no realtime signal is free (every one has a handler)', detail);
  return errnoError(rc, 'sigaction', `choosing ${which}`);
}

/**
 * Ids are unique per JS thread only (ts/core.ts publicId), so threads start their generations
 * 2^20 apart (by threadId, 512 bases): an id taken to another thread names nothing there, where
 * it would otherwise name that thread's handler in the same slot.
 */
function generationBase(thread: number): number {
  return 1 + (thread % 512) * 2 ** 20;
}

let current: Runtime | undefined;

/** This JS thread's runtime over the real kernel, created on first use. */
export function runtime(): Runtime {
  if (!current) {
    const kernel = nativeKernel();
    const rt = new Runtime(kernel, calibratedClock(() => kernel.clockNs()), nativeBell(), setImmediate, lingerOnNodeTimer, threadId);
    process.once('exit', () => rt.shutdown());
    current = rt;
  }
  return current;
}
