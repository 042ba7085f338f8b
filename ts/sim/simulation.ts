import { AsyncContext } from '../context.js';
import { Errno, EvwheelError, errnoError } from '../errors.js';
import { checkFd, invalid, type ContextOptions } from '../events.js';
import { Runtime } from '../runtime.js';
import { SimKernel } from './kernel.js';
import { instantiateSim, type CoreMemoryTarget, type SimExports } from './module.js';

/** Fault probabilities are from 0 up to, not including, 1. */
export interface Faults {
  /** Probability that a blocking call (epoll_wait, poll) fails with EINTR. */
  eintr?: number;
  /** Probability that epoll_ctl fails with ENOMEM. */
  enomem?: number;
  /** Probability of a spurious wake-up. */
  spurious?: number;
  /** Capacity of the realtime signal queue (then the kernel falls back to SIGIO); 0: the default (64). */
  signalQueue?: number;
}

export interface SimulationOptions {
  /** One seed, one trace: the same seed and the same calls give the same deliveries. */
  seed?: number;
  faults?: Faults;
}

/** Steps of one settle() before it calls the simulation livelocked. */
const SETTLE_LIMIT = 100_000;
const IO_CHUNK = 65536;

/**
 * A deterministic twin of the real thing: the shim's C compiled against a simulated kernel
 * (virtual fds, virtual monotonic clock, a finite realtime-signal queue, injectable faults),
 * driving the same core and the same AsyncContext API. Nothing happens between calls: virtual
 * time moves only inside advance(), and callbacks run only there (and, as usual, inside a
 * context's poll() and checkMissed()).
 */
export class Simulation {
  readonly seed: number;
  readonly #x: SimExports;
  readonly #rt: Runtime;
  readonly #io: number;
  readonly #later: (() => void)[] = [];
  #bellFd = -1;
  #onBell: (() => void) | undefined;

  private constructor(seed: number, faults: Required<Faults>) {
    this.seed = seed;
    const target: CoreMemoryTarget = { memory: undefined };
    this.#x = instantiateSim(target);
    this.#x.sim_init(seed >>> 0, faults.eintr, faults.enomem, faults.spurious, faults.signalQueue);
    this.#io = this.#x.malloc(IO_CHUNK);
    const kernel = new SimKernel(this.#x);
    this.#rt = new Runtime(
      kernel,
      () => this.#x.sim_now(),
      (readFd, _writeFd, onRing) => {
        this.#bellFd = readFd;
        this.#onBell = onRing;
        return { ref() {}, unref() {}, close() {} };
      },
      (fn) => { this.#later.push(fn); },
    );
    target.memory = this.#rt.core.memory;
  }

  static create(options: SimulationOptions = {}): Simulation {
    if (options === null || typeof options !== 'object') throw invalid('options must be an object');
    const { seed = 1, faults = {} } = options;
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw invalid(`seed must be an integer from 0 to 2^32-1, got ${String(seed)}`);
    }
    if (faults === null || typeof faults !== 'object') throw invalid('faults must be an object');
    // Below 1: a call that always fails would leave the simulated threads no step that succeeds.
    const probability = (name: keyof Faults) => {
      const p = faults[name] ?? 0;
      if (typeof p !== 'number' || !(p >= 0 && p < 1)) throw invalid(`faults.${name} must be a probability from 0 up to (not including) 1`);
      return p;
    };
    const queue = faults.signalQueue ?? 0;
    if (typeof queue !== 'number' || !Number.isInteger(queue) || queue < 0 || queue > 0x7fffffff) {
      throw invalid('faults.signalQueue must be an integer from 0 to 2^31-1');
    }
    return new Simulation(seed, {
      eintr: probability('eintr'), enomem: probability('enomem'), spurious: probability('spurious'), signalQueue: queue,
    });
  }

  /** Virtual milliseconds since the simulation began. */
  get now(): number {
    return this.#x.sim_now() / 1e6;
  }

  /** A virtual pipe: [read end, write end], both non-blocking. */
  pipe(): [number, number] {
    const fds = this.#x.malloc(8);
    try {
      const rc = this.#x.sim_pipe(fds);
      if (rc < 0) throw errnoError(rc, 'pipe', 'sim.pipe()');
      const v = new Int32Array(this.#x.memory.buffer, fds, 2);
      return [v[0], v[1]];
    } finally {
      this.#x.free(fds);
    }
  }

  /**
   * Writes what fits, as Linux does: a pipe holds 16 pages (64 KiB when written a page at a time),
   * and a write of up to 4096 bytes is never split. Returns the bytes written, 0 when full.
   */
  write(fd: number, data: string | Uint8Array): number {
    checkFd(fd);
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    if (!(bytes instanceof Uint8Array)) throw invalid('data must be a string or a Uint8Array');
    let written = 0;
    while (written < bytes.length) {
      const n = Math.min(IO_CHUNK, bytes.length - written);
      new Uint8Array(this.#x.memory.buffer, this.#io, n).set(bytes.subarray(written, written + n));
      const rc = this.#x.sim_write(fd, this.#io, n);
      if (rc === -Errno.EAGAIN) break; // full
      if (rc < 0) throw errnoError(rc, 'write', `sim.write(${fd})`);
      written += rc;
      if (rc < n) break;
    }
    return written;
  }

  /** Reads everything available now (empty when nothing is, or at EOF). */
  read(fd: number): Uint8Array {
    checkFd(fd);
    const chunks: Uint8Array[] = [];
    for (;;) {
      const rc = this.#x.sim_read(fd, this.#io, IO_CHUNK);
      if (rc === -Errno.EAGAIN || rc === 0) break;
      if (rc < 0) throw errnoError(rc, 'read', `sim.read(${fd})`);
      chunks.push(new Uint8Array(this.#x.memory.buffer, this.#io, rc).slice());
      if (rc < IO_CHUNK) break;
    }
    if (chunks.length === 1) return chunks[0];
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) { out.set(c, at); at += c.length; }
    return out;
  }

  close(fd: number): void {
    checkFd(fd);
    const rc = this.#x.sim_close(fd);
    if (rc < 0) throw errnoError(rc, 'close', `sim.close(${fd})`);
  }

  /** The same AsyncContext as AsyncContext.create(), on the simulated kernel. */
  createContext(options?: ContextOptions): AsyncContext {
    return AsyncContext._openOn(this.#rt, options);
  }

  /** Moves virtual time forward by `ms` and runs everything that becomes due, in time order. */
  advance(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw invalid(`advance() takes a finite, non-negative number of milliseconds, got ${String(ms)}`);
    }
    const x = this.#x;
    const begun = x.sim_advance_begin(ms * 1e6);
    if (begun === -Errno.EBUSY) throw invalid('advance() is nested too deep (callbacks advancing time inside advance())');
    if (begun < 0) throw invalid(`advance(${ms}) would take virtual time past 2^62 ns (4.6e12 ms, about 146 years)`);
    let done = false;
    try {
      this.#settle();
      while (x.sim_step_to_timer()) this.#settle();
      done = true;
    } finally {
      if (x.sim_advance_end(done ? 1 : 0)) this.#settle();
    }
  }

  /** Runs the simulated threads and signals, then the deliveries they caused, until all is quiet. */
  #settle(): void {
    for (let step = 0; step < SETTLE_LIMIT; step++) {
      this.#x.sim_run();
      const rang = this.#takeBell();
      if (rang) this.#onBell?.();
      const later = this.#later.splice(0);
      for (const fn of later) fn();
      if (!rang && later.length === 0) return;
    }
    throw new EvwheelError('ERR_SYSTEM', `the simulation did not settle after ${SETTLE_LIMIT} steps (a callback that re-arms itself forever?)`);
  }

  #takeBell(): boolean {
    if (this.#bellFd < 0) return false;
    let rang = false;
    while (this.#x.sim_read(this.#bellFd, this.#io, IO_CHUNK) > 0) rang = true;
    return rang;
  }
}
