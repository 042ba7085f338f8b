import type { Core } from './core.js';
import { errnoError } from './errors.js';
import type { Kernel, LoopHandle } from './kernel.js';

/** Ring sizes in entries: the progress thread batches more than a poll() call ever collects. */
export const THREAD_RING_ENTRIES = 4096;
export const POLL_RING_ENTRIES = 256;

/**
 * One delivery group: an epoll set (and for `threaded`, a progress thread, timerfd and eventfd)
 * in the shim, a ring and a timer wheel in the core, and a global context for handlers
 * registered without one. See docs/INTERNALS.md "Loops".
 */
export class Loop {
  readonly index: number;
  readonly handle: LoopHandle;
  readonly globalCtx: number;
  /** Live handlers; the progress thread runs exactly while this is non-zero. */
  private handlers = 0;
  private freed = false;

  constructor(
    private readonly core: Core,
    private readonly kernel: Kernel,
    readonly threaded: boolean,
    bellFd: number,
  ) {
    const x = core.x;
    this.index = x.loopCreate(threaded ? THREAD_RING_ENTRIES : POLL_RING_ENTRIES);
    core.refresh();
    const handle = kernel.loopNew(core.bytes, x.loopRingOffset(this.index), bellFd, threaded);
    if (typeof handle === 'number') {
      x.loopDestroy(this.index);
      throw errnoError(handle, 'evw_loop_new', 'creating a delivery loop');
    }
    this.handle = handle;
    this.globalCtx = x.ctxCreate(this.index, 0);
  }

  /** Called before a handler is registered: starts the progress thread for the first one. */
  retain(): void {
    if (this.handlers === 0 && this.threaded) {
      const rc = this.kernel.start(this.handle);
      if (rc < 0) throw errnoError(rc, 'pthread_create', 'starting the progress thread');
    }
    this.handlers++;
  }

  /** Called after a handler is gone: the last one stops and joins the progress thread. */
  release(): void {
    if (--this.handlers === 0 && this.threaded) this.kernel.stop(this.handle);
  }

  get handlerCount(): number {
    return this.handlers;
  }

  /** True once free() ran: a callback may close its own poll context mid-delivery. */
  get isFreed(): boolean {
    return this.freed;
  }

  /** After a batch: re-arm one-shot fds in one call, let a waiting producer go on, arm the timer. */
  finish(): void {
    if (this.freed) return;
    const x = this.core.x;
    const count = x.loopFinishBatch(this.index);
    if (count > 0) this.kernel.rearm(this.handle, x.rearmBase(this.index), count);
    if (x.loopProducerWaiting(this.index)) this.kernel.wake(this.handle);
    this.armTimer();
  }

  /** Threaded loops sleep until the wheel's next deadline; the core says when that moved earlier. */
  armTimer(): void {
    if (!this.threaded || this.freed) return;
    const deadline = this.core.x.loopTimerToArm(this.index);
    if (deadline >= 0) this.kernel.armTimer(this.handle, deadline);
  }

  /** Stops the thread (if any), closes the loop's fds and releases its core state. */
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
    this.kernel.loopFree(this.handle);
  }
}
