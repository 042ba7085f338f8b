import { packagedWasm } from './packaged-wasm.js';

/** The core's exports (docs/INTERNALS.md). Times are f64 nanoseconds; negative results are E_* codes. */
export interface CoreExports {
  init(): void;
  loopCreate(ringCapacity: number): number;
  loopRingOffset(loop: number): number;
  loopDestroy(loop: number): void;
  loopFinishBatch(loop: number): number;
  rearmBase(loop: number): number;
  loopNextDeadline(loop: number): number;
  loopTimerToArm(loop: number): number;
  loopBatchDone(loop: number): number;
  loopSetGated(loop: number): void;
  loopPending(loop: number): number;
  loopTakeRescan(loop: number): number;
  ctxCreate(loop: number, maxHandlers: number): number;
  ctxDestroy(ctx: number): void;
  ctxBlock(ctx: number): number;
  ctxUnblock(ctx: number): number;
  ctxBlockCount(ctx: number): number;
  ctxMustDefer(ctx: number): number;
  ctxMissedCount(ctx: number): number;
  ctxTakeMissed(ctx: number): number;
  ctxStat(ctx: number, which: number): number;
  fdAdd(ctx: number, fd: number, interest: number, flags: number): number;
  fdSetSeq(slot: number, seq: number): void;
  fdSeq(slot: number): number;
  fdHandlerSlot(fd: number): number;
  timerAdd(ctx: number, intervalNs: number, nowNs: number, flags: number): number;
  timerInterval(slot: number): number;
  handlerGen(slot: number): number;
  handlerGenerationBase(base: number): void;
  addResultAddress(): number;
  handlerRemove(slot: number): void;
  handlerModify(slot: number, interest: number): void;
  handlerEpollEvents(slot: number): number;
  drain(loop: number, nowNs: number): number;
  drainStart(): number;
  dispatchBase(): number;
  dispatchReset(): void;
  defer(slot: number, gen: number, value: number): void;
}

/** Public ids are `gen * SLOT_SPAN + slot`: unique among live handlers, and found by indexing. */
export const SLOT_SPAN = 2 ** 24;

export function publicId(slot: number, gen: number): number {
  return gen * SLOT_SPAN + slot;
}

/** The slot a public id names (check the generation before trusting it). */
export function slotOfId(id: number): number {
  return id % SLOT_SPAN;
}

export const E_CONTEXT_FULL = -1;
export const E_HANDLER_EXISTS = -2;
export const E_NOT_BLOCKED = -4;
export const E_FD_RANGE = -6;
export const E_NO_MEMORY = -7;
/** fds the core's fd map reaches (assembly/constants.ts FD_LIMIT). */
export const FD_LIMIT = 2 ** 24;

export const FLAG_ONCE = 1;
export const FLAG_EDGE = 2;
export const FLAG_REARM = 4;

export const STAT = { dispatched: 0, missed: 1, coalesced: 2, staleDropped: 3, handlers: 4, ringHighWater: 5, missedPending: 6 } as const;

const INITIAL_PAGES = 16;
const MAXIMUM_PAGES = 16384;

function coreModule(): WebAssembly.Module {
  return packagedWasm('build/core.wasm', "evwheel's core is not built: run npm install");
}

/**
 * One core instance with its own shared memory: one per JS thread. The memory never moves (its
 * SharedArrayBuffer keeps its base address across grow()), which is what lets the shim hold a
 * pointer into it; only the JS views need renewing after a grow.
 */
export class Core {
  readonly x: CoreExports;
  readonly memory: WebAssembly.Memory;
  /** A byte view of the whole memory, for handing the base address to the shim. */
  bytes: Uint8Array;
  i32: Int32Array;
  /** [gen, mayArm] of the last successful fdAdd / timerAdd: read without a call, before the next add. */
  readonly addResult: Int32Array;

  constructor() {
    this.memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
    const imports = {
      env: {
        memory: this.memory,
        abort: (_msg: number, _file: number, line: number, column: number) => {
          throw new Error(`evwheel core aborted at ${line}:${column}`);
        },
      },
    };
    const instance = new WebAssembly.Instance(coreModule(), imports);
    this.x = instance.exports as unknown as CoreExports;
    this.x.init();
    this.bytes = new Uint8Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
    this.addResult = new Int32Array(this.memory.buffer, this.x.addResultAddress(), 2);
  }

  /**
   * Renews the views if the core grew its memory; call after core calls that may allocate. A
   * view from before a grow still reads the same bytes over the range it covers (the buffer is
   * shared and never moves), so hot paths only call this when they need bytes beyond it.
   */
  refresh(): void {
    if (this.i32.length * 4 !== this.memory.buffer.byteLength) {
      this.bytes = new Uint8Array(this.memory.buffer);
      this.i32 = new Int32Array(this.memory.buffer);
    }
  }
}
