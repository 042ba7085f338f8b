import { EvwheelError } from './errors.js';

/** Readiness bits; the same values as epoll's EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLERR, EPOLLHUP. */
export const Events = Object.freeze({ IN: 0x1, PRI: 0x2, OUT: 0x4, ERR: 0x8, HUP: 0x10 } as const);
export const ALL_EVENTS = 0x1f;

export type Mode = 'thread' | 'signal' | 'poll';
export const MODES: readonly Mode[] = ['thread', 'signal', 'poll'];

export interface ContextOptions {
  /** Delivery method: a native progress thread (default), realtime signals, or explicit poll(). */
  mode?: Mode;
  /** Handlers (fds and timers) this context may hold; also its missed-queue capacity. Default 1024. */
  maxHandlers?: number;
  /**
   * Signal mode only: the realtime signal to use. Default: the one this process already uses for
   * signal mode, else the first realtime signal with no handler.
   */
  signal?: number;
}

export interface HandlerOptions {
  /** Edge-triggered readiness (EPOLLET): one event per change, the callback must drain. */
  edge?: boolean;
  /** Timer: fire once. Fd handler: deliver once, then the handler removes itself. */
  once?: boolean;
}

const MAX_FD = 0x7fffffff;

export function invalid(message: string): EvwheelError {
  return new EvwheelError('ERR_INVALID_ARG', message);
}

export function checkFd(fd: unknown): number {
  if (typeof fd !== 'number' || !Number.isInteger(fd) || fd < 0 || fd > MAX_FD) {
    throw invalid(`fd must be a non-negative integer file descriptor, got ${describe(fd)}`);
  }
  return fd;
}

export function checkEvents(events: unknown): number {
  if (typeof events !== 'number' || !Number.isInteger(events) || events < 0 || (events & ~ALL_EVENTS) !== 0) {
    throw invalid(`events must combine Events.IN/PRI/OUT/ERR/HUP (0..0x1f), got ${describe(events)}`);
  }
  return events;
}

/** The core counts time in i64 nanoseconds; an interval must leave room for now + interval. */
const MAX_INTERVAL_MS = 9e12;

/** Milliseconds, fractions allowed: finite, positive, below MAX_INTERVAL_MS. */
export function checkInterval(interval: unknown): void {
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0) {
    throw invalid(`interval must be a finite positive number of milliseconds, got ${describe(interval)}`);
  }
  if (interval >= MAX_INTERVAL_MS) throw invalid(`interval must be below 9e12 ms (about 285 years), got ${interval}`);
}

/**
 * A checked interval in whole nanoseconds, at least 1. Called where the result goes straight into
 * the core: handed across a function boundary instead, V8 would box the double on every add.
 */
export function intervalNs(intervalMs: number): number {
  return Math.max(1, Math.round(intervalMs * 1e6));
}

/** A handler id: an integer (any integer may be asked about; only live ids name a handler). */
export function checkId(id: unknown): number {
  if (typeof id !== 'number' || !Number.isInteger(id)) throw invalid(`an id must be an integer, got ${describe(id)}`);
  return id;
}

export function checkCallback(cb: unknown): void {
  if (typeof cb !== 'function') throw invalid(`callback must be a function, got ${describe(cb)}`);
}

export function checkMode(mode: unknown): Mode {
  if (typeof mode !== 'string' || !(MODES as readonly string[]).includes(mode)) {
    throw invalid(`mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${describe(mode)}`);
  }
  return mode as Mode;
}

const DEFAULT_HANDLER_OPTIONS: Readonly<Required<HandlerOptions>> = Object.freeze({ edge: false, once: false });

export function checkHandlerOptions(opts: unknown): Required<HandlerOptions> {
  if (opts === undefined) return DEFAULT_HANDLER_OPTIONS;
  if (opts === null || typeof opts !== 'object') throw invalid(`options must be an object, got ${describe(opts)}`);
  const { edge = false, once = false } = opts as HandlerOptions;
  if (typeof edge !== 'boolean') throw invalid(`options.edge must be a boolean, got ${describe(edge)}`);
  if (typeof once !== 'boolean') throw invalid(`options.once must be a boolean, got ${describe(once)}`);
  return { edge, once };
}

export function checkContextOptions(opts: unknown): { mode: Mode; maxHandlers: number; signal: number | undefined } {
  if (opts === undefined) opts = {};
  if (opts === null || typeof opts !== 'object') throw invalid(`options must be an object, got ${describe(opts)}`);
  const { mode = 'thread', maxHandlers = 1024, signal } = opts as ContextOptions;
  const checkedMode = checkMode(mode);
  if (typeof maxHandlers !== 'number' || !Number.isInteger(maxHandlers) || maxHandlers < 1 || maxHandlers > 0x7fffffff) {
    throw invalid(`maxHandlers must be an integer >= 1, got ${describe(maxHandlers)}`);
  }
  if (signal !== undefined && (typeof signal !== 'number' || !Number.isInteger(signal) || signal < 1 || signal > 64)) {
    throw invalid(`signal must be a signal number (an integer from 1 to 64), got ${describe(signal)}`);
  }
  if (signal !== undefined && checkedMode !== 'signal') throw invalid(`signal is an option of signal mode, not of ${checkedMode} mode`);
  return { mode: checkedMode, maxHandlers, signal };
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'bigint') return `${v}n`;
  if (v !== null && typeof v === 'object') return Array.isArray(v) ? 'an array' : 'an object';
  return String(v);
}
