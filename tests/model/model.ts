/**
 * The reference model: evwheel's semantics (DESIGN.md) for one context over virtual pipes and
 * timers, in virtual time, with nothing of the implementation in it. It predicts every delivery
 * — at which virtual time, to which handler, with which value — and the runner compares them
 * with what the simulation delivered.
 *
 * Callbacks drain their pipe completely, so a pipe is "ready" exactly when it holds bytes.
 * Deliveries happen when the runtime gets to run: in thread and signal mode whenever the
 * simulation settles (at the start of advance() and at each timer deadline it passes), in poll
 * mode at each poll().
 */

export type Mode = 'thread' | 'signal' | 'poll';

export const IN = 0x1;

export interface Delivery {
  /** Virtual nanoseconds. */
  t: number;
  /** 'p0', 'p1', … for pipes, 't0', 't1', … for timers. */
  key: string;
  /** Fd: the bits and the bytes the callback read; timer: the expirations. */
  value: number;
  bytes?: number;
}

interface PipeState {
  bytes: number;
  handler: { interest: number } | undefined;
}

interface TimerState {
  intervalNs: number;
  next: number;
}

interface MissedEntry {
  key: string;
  /** Timers: expirations summed. Fds: the entry exists (bits are re-checked at delivery). */
  count: number;
}

export class Model {
  readonly deliveries: Delivery[] = [];
  private readonly pipes: PipeState[];
  private readonly timers = new Map<string, TimerState>();
  private blockCount = 0;
  /** First-missed order; one entry per handler. */
  private missed: MissedEntry[] = [];
  /** unblock() left missed events: they are delivered on the runtime's next turn by themselves. */
  private deliveryScheduled = false;
  now = 0;

  constructor(readonly mode: Mode, pipeCount: number) {
    this.pipes = Array.from({ length: pipeCount }, () => ({ bytes: 0, handler: undefined }));
  }

  get isBlocked(): boolean {
    return this.blockCount > 0;
  }

  get blockDepth(): number {
    return this.blockCount;
  }

  hasHandler(p: number): boolean {
    return this.pipes[p].handler !== undefined;
  }

  isPaused(p: number): boolean {
    return this.pipes[p].handler !== undefined && !(this.pipes[p].handler!.interest & IN);
  }

  hasTimer(key: string): boolean {
    return this.timers.has(key);
  }

  write(p: number, n: number): void {
    this.pipes[p].bytes += n;
  }

  addFd(p: number, interest: number): void {
    this.pipes[p].handler = { interest };
  }

  modify(p: number, interest: number): void {
    this.pipes[p].handler!.interest = interest;
  }

  removeFd(p: number): void {
    this.pipes[p].handler = undefined;
    this.missed = this.missed.filter((m) => m.key !== `p${p}`);
  }

  addTimer(key: string, intervalNs: number): void {
    this.timers.set(key, { intervalNs, next: this.now + intervalNs });
  }

  removeTimer(key: string): void {
    this.timers.delete(key);
    this.missed = this.missed.filter((m) => m.key !== key);
  }

  block(): void {
    this.blockCount++;
  }

  unblock(): void {
    this.blockCount--;
    if (this.blockCount === 0 && this.missed.length > 0) this.deliveryScheduled = true;
  }

  /** ctx.checkMissed(): delivers the missed queue now, unless blocked. */
  checkMissed(): void {
    if (!this.isBlocked) this.flushMissed();
  }

  /**
   * The runtime runs at `now`: missed events first (if unblocked), then every ready pipe and
   * every due timer (timers: all expirations up to now, coalesced) — or, blocked, into the
   * missed queue.
   */
  run(): void {
    if (!this.isBlocked) this.flushMissed();
    for (let p = 0; p < this.pipes.length; p++) {
      const pipe = this.pipes[p];
      if (!pipe.handler || !(pipe.handler.interest & IN) || pipe.bytes === 0) continue;
      if (this.isBlocked) this.miss(`p${p}`, 1);
      else this.deliverFd(p);
    }
    for (const [key, timer] of this.timers) {
      if (timer.next > this.now) continue;
      const count = 1 + Math.floor((this.now - timer.next) / timer.intervalNs);
      timer.next += count * timer.intervalNs;
      if (this.isBlocked) this.miss(key, count);
      else this.deliveries.push({ t: this.now, key, value: count });
    }
  }

  /** Thread and signal mode: advance() settles now, then at every timer deadline up to the target. */
  advanceAsync(ns: number): void {
    this.deliveryScheduled = false; // run() delivers missed events whenever unblocked
    const target = this.now + ns;
    this.run();
    for (;;) {
      const next = this.nextDeadline();
      if (next === undefined || next > target) break;
      this.now = next;
      this.run();
    }
    this.now = target;
    this.run();
  }

  /**
   * Poll mode: nothing is collected until poll(); only missed events whose delivery unblock()
   * scheduled are delivered, on the simulation's next turn (before time moves).
   */
  advancePoll(ns: number): void {
    if (this.deliveryScheduled) {
      this.deliveryScheduled = false;
      if (!this.isBlocked) this.flushMissed();
    }
    this.now += ns;
  }

  private nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const t of this.timers.values()) if (next === undefined || t.next < next) next = t.next;
    return next;
  }

  private miss(key: string, count: number): void {
    const entry = this.missed.find((m) => m.key === key);
    if (entry) entry.count += count;
    else this.missed.push({ key, count });
  }

  private flushMissed(): void {
    const queue = this.missed;
    this.missed = [];
    for (const m of queue) {
      if (m.key.startsWith('t')) {
        this.deliveries.push({ t: this.now, key: m.key, value: m.count });
        continue;
      }
      const p = Number(m.key.slice(1));
      // Stale: the handler no longer wants IN (modify) — dropped, as the reference does.
      if (this.pipes[p].handler && this.pipes[p].handler!.interest & IN) this.deliverFd(p);
    }
  }

  private deliverFd(p: number): void {
    const pipe = this.pipes[p];
    this.deliveries.push({ t: this.now, key: `p${p}`, value: IN, bytes: pipe.bytes });
    pipe.bytes = 0;
  }
}
