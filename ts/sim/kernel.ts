import type { Kernel, LoopHandle } from '../kernel.js';
import type { SimExports } from './module.js';

/** The tid of the one JS thread a simulation has. */
export const SIM_TID = 1;

/**
 * The Kernel interface over the simulated shim: the same C code as the native shim, compiled
 * against a simulated kernel. The core's memory is reached through host calls, so the `memory`
 * arguments are not passed on; ring and rearm offsets are the core's own, unchanged.
 */
export class SimKernel implements Kernel {
  /** Scratch in the sim's memory for out-parameters: an errno and a pair of fds. */
  private readonly err: number;
  private readonly fds: number;

  constructor(private readonly x: SimExports) {
    this.err = x.malloc(4);
    this.fds = x.malloc(8);
  }

  private i32(): Int32Array {
    return new Int32Array(this.x.memory.buffer);
  }

  private handleOr(loop: number): LoopHandle | number {
    return loop !== 0 ? loop : this.i32()[this.err >> 2] || -12;
  }

  clockNs = () => this.x.evw_clock_ns();
  doorbellClose = (writeFd: number) => this.x.evw_doorbell_close(writeFd);

  doorbellNew(out: Int32Array): number {
    const rc = this.x.evw_doorbell_new(this.fds);
    if (rc >= 0) out.set(this.i32().subarray(this.fds >> 2, (this.fds >> 2) + 2));
    return rc;
  }

  loopNew(_memory: Uint8Array, ringOffset: number, bellFd: number, threaded: boolean): LoopHandle | number {
    return this.handleOr(this.x.evw_loop_new(0, ringOffset, bellFd, threaded ? 1 : 0, this.err));
  }

  loopNewSignal(_memory: Uint8Array, ringOffset: number, bellFd: number, signo: number): LoopHandle | number {
    return this.handleOr(this.x.evw_loop_new_signal(0, ringOffset, bellFd, signo, this.err));
  }

  loopFree = (loop: LoopHandle) => this.x.evw_loop_free(Number(loop));
  fdAdd = (loop: LoopHandle, fd: number, events: number) => this.x.evw_fd_add(Number(loop), fd, events | 0);
  fdMod = (loop: LoopHandle, fd: number, events: number, seq: number) => this.x.evw_fd_mod(Number(loop), fd, events | 0, seq | 0);
  fdDel = (loop: LoopHandle, fd: number) => this.x.evw_fd_del(Number(loop), fd);
  rearm = (loop: LoopHandle, off: number, count: number) => this.x.evw_loop_rearm(Number(loop), off, count);
  armTimer = (loop: LoopHandle, deadline: number) => this.x.evw_loop_arm_timer(Number(loop), deadline);
  start = (loop: LoopHandle) => this.x.evw_loop_start(Number(loop));
  stop = (loop: LoopHandle) => this.x.evw_loop_stop(Number(loop));
  wake = (loop: LoopHandle) => this.x.evw_loop_wake(Number(loop));
  poll = (loop: LoopHandle) => this.x.evw_loop_poll(Number(loop));
  watch = (loop: LoopHandle) => this.x.evw_loop_watch(Number(loop));
  fetch = (loop: LoopHandle) => this.x.evw_loop_fetch(Number(loop));
  rescan = (loop: LoopHandle) => this.x.evw_loop_rescan(Number(loop));
  signalChoose = (requested: number) => this.x.evw_signal_choose(requested);
  fdOwnerTid = (fd: number) => this.x.evw_fd_owner_tid(fd);
  threadTid = () => SIM_TID;
}
