import { EvwheelError } from '../errors.js';
import { packagedWasm } from '../packaged-wasm.js';

/** The simulated shim's exports (docs/INTERNALS.md "The simulation"); pointers are sim offsets. */
export interface SimExports {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  free(ptr: number): void;
  sim_init(seed: number, eintr: number, enomem: number, spurious: number, signalQueue: number): void;
  sim_pipe(fds: number): number;
  sim_write(fd: number, buf: number, len: number): number;
  sim_read(fd: number, buf: number, len: number): number;
  sim_close(fd: number): number;
  sim_now(): number;
  sim_next_timer(): number;
  sim_set_now(ns: number): void;
  sim_advance_begin(deltaNs: number): number;
  sim_step_to_timer(): number;
  sim_advance_end(move: number): number;
  sim_run(): number;
  sim_inject_write(fd: number, after: number): number;
  sim_injections_pending(): number;
  evw_clock_ns(): number;
  evw_doorbell_new(fds: number): number;
  evw_doorbell_close(writeFd: number): number;
  evw_close(fd: number): number;
  evw_loop_new(mem: number, ringOff: number, bellFd: number, threaded: number, err: number): number;
  evw_loop_new_signal(mem: number, ringOff: number, bellFd: number, signo: number, err: number): number;
  evw_loop_free(loop: number): number;
  evw_fd_add(loop: number, fd: number, events: number): number;
  evw_fd_mod(loop: number, fd: number, events: number, seq: number): number;
  evw_fd_del(loop: number, fd: number): number;
  evw_loop_rearm(loop: number, listOff: number, count: number): number;
  evw_loop_arm_timer(loop: number, deadlineNs: number): number;
  evw_loop_start(loop: number): number;
  evw_loop_stop(loop: number): number;
  evw_loop_wake(loop: number): number;
  evw_loop_poll(loop: number): number;
  evw_loop_watch(loop: number): number;
  evw_loop_fetch(loop: number): number;
  evw_loop_rescan(loop: number): number;
  evw_signal_choose(requested: number): number;
  evw_fd_owner_tid(fd: number): number;
}

/**
 * What the simulated shim writes into: the core's memory, reached through host calls because
 * the two are separate Wasm instances. Set once the core exists (it is created after the sim).
 */
export interface CoreMemoryTarget {
  memory: WebAssembly.Memory | undefined;
}

function simModule(): WebAssembly.Module {
  return packagedWasm('sim/evwheel-sim.wasm', 'the simulated kernel is not in the package');
}

/** One simulated kernel: its own instance and memory, so simulations never share state. */
export function instantiateSim(target: CoreMemoryTarget): SimExports {
  const u32 = () => new Uint32Array(target.memory!.buffer);
  const host: Record<string, (...args: number[]) => number | void> = {
    evw_host_load_u32: (off) => Atomics.load(u32(), off >>> 2),
    evw_host_store_u32: (off, v) => { Atomics.store(u32(), off >>> 2, v >>> 0); },
    evw_host_xchg_u32: (off, v) => Atomics.exchange(u32(), off >>> 2, v >>> 0),
    evw_host_store_i64: (off, lo, hi) => {
      Atomics.store(new BigInt64Array(target.memory!.buffer), off >>> 3, BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)));
    },
  };
  const imports: Record<string, Record<string, unknown>> = {};
  for (const imp of WebAssembly.Module.imports(simModule())) {
    if (imp.kind !== 'function') continue;
    const ns = (imports[imp.module] ??= {});
    if (imp.module === 'env' && host[imp.name]) ns[imp.name] = host[imp.name];
    else ns[imp.name] = stub(imp.module, imp.name);
  }
  const instance = new WebAssembly.Instance(simModule(), imports as WebAssembly.Imports);
  const x = instance.exports as unknown as SimExports & { _initialize?: () => void };
  x._initialize?.();
  return x;
}

/** Anything else the C runtime imports is never needed by the simulation: fail loudly if it is. */
function stub(module: string, name: string): () => number {
  if (name === 'emscripten_notify_memory_growth') return () => 0;
  return () => {
    throw new EvwheelError('ERR_NOT_SUPPORTED', `the simulated kernel called ${module}.${name}, which the simulation does not provide`);
  };
}
