import type { Core } from './core.js';
import { Errno, EvwheelError, errnoError } from './errors.js';
import type { Kernel, LoopHandle } from './kernel.js';

/** Ring sizes in entries: asynchronous producers batch more than a poll() call ever collects. */
export const ASYNC_RING_ENTRIES = 4096;
export const POLL_RING_ENTRIES = 256;

/**
 * - `thread`: a progress thread (epoll + timerfd) fills the ring and rings the doorbell; after
 *   fd events it fetches nothing more until JS is done with that batch.
 * - `signal`: the kernel signals this JS thread; the shim's handler fills the ring.
 * - `poll`: nothing happens until poll() asks the kernel (epoll_wait with timeout 0).
 */
export type LoopKind = 'thread' | 'signal' | 'poll';

/** Runs `stop` later unless the returned cancel function is called first. */
export type Linger = (stop: () => void) => () => void;

/** No grace period: stop at once. */
export const stopNow: Linger = (stop) => {
  stop();
  return () => {};
};

/**
 * One delivery group: the shim's side (epoll set or signal state, thread, timer) and the core's
 * (ring, timer wheel), plus a global context for handlers registered without one. See
 * docs/INTERNALS.md "Loops" and "Signal loops".
 */
export class Loop {
  readonly index: number;
  readonly handle: LoopHandle;
  readonly globalCtx: number;
  /** Rescans after a signal-queue overflow (signal loops). */
  rescans = 0;
  /**
   * Live handlers. The signal handler is installed exactly while non-zero; the progress thread
   * runs while non-zero and for a grace period after (`linger`), so a handler added and removed
   * again and again does not start and join a thread each time (about 0.1 ms per cycle).
   */
  private handlers = 0;
  /** Signal loops: the shim keeps fds disarmed and polls them at the next re-arm, list or not. */
  private rearmAgain = false;
  private cancelStop: (() => void) | undefined;
  private freed = false;

  constructor(
    private readonly core: Core,
    private readonly kernel: Kernel,
    readonly kind: LoopKind,
    bellFd: number,
    readonly signal = 0,
    private readonly linger: Linger,
  ) {
    const x = core.x;
    this.index = x.loopCreate(kind === 'poll' ? POLL_RING_ENTRIES : ASYNC_RING_ENTRIES);
    // The progress thread waits for each batch to be done, so level-triggered fds need no
    // re-arm per event (assembly/rearm.ts).
    if (kind === 'thread') x.loopSetGated(this.index);
    core.refresh();
    const ringOffset = x.loopRingOffset(this.index);
    const handle = kind === 'signal'
      ? kernel.loopNewSignal(core.bytes, ringOffset, bellFd, signal)
      : kernel.loopNew(core.bytes, ringOffset, bellFd, kind === 'thread');
    if (typeof handle === 'number' && handle < 0) {
      x.loopDestroy(this.index);
      throw errnoError(handle, kind === 'signal' ? 'evw_loop_new_signal' : 'evw_loop_new', `creating a ${kind} loop`);
    }
    this.handle = handle;
    // Node's own loop watches the epoll set (thread) or the signalfd (signal, its signals then
    // kept blocked) and the JS thread fetches (in C, outside JS). Any refusal (the simulation:
    // ENOTSUP; a second signal loop in the process: EBUSY) leaves the progress thread fetching,
    // or the signal handler recording: slower, not wrong.
    if (kind !== 'poll') kernel.watch(handle);
    this.globalCtx = x.ctxCreate(this.index, 0);
  }

  /** Events arrive without being asked for (and so a timer must be armed in the kernel). */
  get isAsync(): boolean {
    return this.kind !== 'poll';
  }

  /** Called before a handler is registered: the first one starts the thread or installs the signal handler. */
  retain(): void {
    if (this.handlers === 0 && this.cancelStop) {
      this.cancelStop(); // still running from before the grace period ended
      this.cancelStop = undefined;
    } else if (this.handlers === 0 && this.isAsync) {
      const rc = this.kernel.start(this.handle);
      if (rc === -Errno.EBUSY && this.kind === 'signal') {
        throw new EvwheelError('ERR_NOT_SUPPORTED', `signal ${this.signal} got a handler installed by someone else since evwheel chose it`, { errno: Errno.EBUSY, syscall: 'sigaction' });
      }
      if (rc < 0) throw errnoError(rc, this.kind === 'thread' ? 'pthread_create' : 'sigaction', `starting ${this.kind} delivery`);
    }
    this.handlers++;
  }

  /** Called after a handler is gone: the last one stops the signal delivery, or the thread (joined) after its grace period. */
  release(): void {
    // Freed (the exit shutdown, then a user's 'exit' listener removing handlers): nothing to stop.
    if (--this.handlers !== 0 || !this.isAsync || this.freed) return;
    if (this.kind !== 'thread') {
      this.kernel.stop(this.handle);
      return;
    }
    this.stopAfterGrace();
  }

  /**
   * Apart from release() because its closure's variables would make V8 allocate a context on
   * every release() call, even the ones that return at once (48 bytes per removed handler).
   */
  private stopAfterGrace(): void {
    let stopped = false;
    const cancel = this.linger(() => {
      stopped = true;
      this.cancelStop = undefined;
      if (!this.freed) this.kernel.stop(this.handle);
    });
    if (!stopped) this.cancelStop = cancel;
  }

  /** True once free() ran: a callback may close its own poll context mid-delivery. */
  get isFreed(): boolean {
    return this.freed;
  }

  /**
   * Asks the kernel what is ready now, into the ring: poll loops always; asynchronous loops while
   * Node's loop watches them, as no thread or handler publishes then, and a poll() that does not
   * yield to Node's loop would otherwise see nothing.
   */
  collect(): number {
    const n = this.isAsync ? this.kernel.fetch(this.handle) : this.kernel.poll(this.handle);
    if (n < 0) throw errnoError(n, this.kind === 'signal' ? 'read' : 'epoll_wait', 'poll');
    return n;
  }

  /**
   * Signal loops: if the realtime queue overflowed (or the ring was full for the handler), the
   * kernel's readiness must be read again: flush the stale signals, poll every fd into the ring.
   * Returns whether there is something new to drain.
   */
  rescanIfNeeded(): boolean {
    if (this.kind !== 'signal' || !this.core.x.loopTakeRescan(this.index)) return false;
    this.rescans++;
    const rc = this.kernel.rescan(this.handle);
    if (rc < 0) throw errnoError(rc, 'poll', 'rescanning after a signal-queue overflow');
    return true;
  }

  /** After a batch: re-arm fds in one call, let a waiting producer go on, arm the timer. */
  finish(): void {
    if (this.freed) return;
    const x = this.core.x;
    const count = x.loopFinishBatch(this.index);
    if (count > 0 || this.rearmAgain) this.rearmAgain = this.kernel.rearm(this.handle, x.rearmBase(this.index), count) === 1;
    if (x.loopBatchDone(this.index)) this.kernel.wake(this.handle);
    this.armTimer();
  }

  /** Asynchronous loops sleep until the wheel's next deadline; the core says when that moved earlier. */
  armTimer(): void {
    if (!this.isAsync || this.freed) return;
    const deadline = this.core.x.loopTimerToArm(this.index);
    if (deadline >= 0) this.kernel.armTimer(this.handle, deadline);
  }

  /** Stops the thread or signal delivery, closes the loop's fds, releases its core state. */
  free(): void {
    if (this.freed) return;
    this.releaseKernel();
    this.core.x.ctxDestroy(this.globalCtx);
    this.core.x.loopDestroy(this.index);
  }

  /** At process exit only the native side matters: join the thread before memory goes away. */
  releaseKernel(): void {
    if (this.freed) return;
    this.freed = true;
    this.cancelStop?.();
    this.cancelStop = undefined;
    this.kernel.loopFree(this.handle);
  }
}
