// The worlds the behavioural suites run in: the real kernel (libc pipes through koffi — Node has
// no pipe() of its own —, FIFOs, a regular file, real time with generous bounds) or a fresh
// evwheel/sim Simulation per test (virtual pipes, virtual time). The helpers below act on the
// current world; useWorld() picks it (the real kernel unless a suite says otherwise).
import { constants, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import koffi from 'koffi';
import { AsyncContext } from 'evwheel';
import { Simulation } from 'evwheel/sim';

const libc = koffi.load('libc.so.6');
const pipe2 = libc.func('int pipe2(_Out_ int *fds, int flags)');
const write = libc.func('long write(int fd, const uint8_t *buf, size_t n)');
const read = libc.func('long read(int fd, _Out_ uint8_t *buf, size_t n)');
const close = libc.func('int close(int fd)');
const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;

const opened = new Set();

/** A non-blocking pipe: [readFd, writeFd]. Closed by closeAll(). */
function kernelPipe() {
  const fds = new Int32Array(2);
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) !== 0) throw new Error('pipe2 failed');
  opened.add(fds[0]);
  opened.add(fds[1]);
  return [fds[0], fds[1]];
}

function kernelWrite(fd, n = 1) {
  const r = write(fd, new Uint8Array(n).fill(120), n);
  if (r !== n) throw new Error(`write(${fd}) returned ${r}`);
}

/** Reads everything available; returns the byte count (0 at EOF or when empty). */
function kernelDrain(fd) {
  const buf = new Uint8Array(65536);
  let total = 0;
  for (;;) {
    const r = read(fd, buf, buf.length);
    if (r <= 0) return total;
    total += r;
  }
}

function kernelCloseFd(fd) {
  if (opened.delete(fd)) close(fd);
}

function kernelCloseAll() {
  for (const fd of opened) close(fd);
  opened.clear();
}

/** A non-blocking FIFO opened read-write (so it never reports EOF on its own). */
export function fifo() {
  const dir = mkdtempSync(join(tmpdir(), 'evwheel-'));
  const path = join(dir, 'fifo');
  execFileSync('mkfifo', [path]);
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  return { fd, path, close: () => closeSync(fd) };
}

/** An fd of a regular file: epoll refuses those (EPERM). */
export function regularFileFd() {
  const path = join(mkdtempSync(join(tmpdir(), 'evwheel-')), 'plain');
  writeFileSync(path, 'x');
  return openSync(path, 'r');
}

const realSleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until `cond()` holds, calling `tick()` (e.g. ctx.poll) between checks; fails after
 * `ms` (generous by default: these run on a loaded 2-core machine).
 */
export async function until(cond, { ms = 5000, tick } = {}) {
  const end = now() + ms;
  while (!cond()) {
    if (now() > end) throw new Error(`condition not met within ${ms} ms: ${cond}`);
    tick?.();
    await sleep(1);
  }
}

/** For mode-parameterised suites: in poll mode nothing happens unless someone polls. */
export function pump(ctx) {
  return ctx.mode === 'poll' ? () => ctx.poll() : undefined;
}

/** Gives events time to reach the core (and, for a blocked context, its missed queue). */
export async function settle(ctx, ms = 30) {
  const tick = pump(ctx);
  const end = now() + ms;
  while (now() < end) { tick?.(); await sleep(2); }
}

/**
 * Makes the writers' pipes ready while `ctx` is blocked, waits until each is a missed entry, then
 * unblocks and delivers them in one batch: how tests put several events into a single dispatch.
 */
export async function deliverAsOneBatch(ctx, writeFds) {
  ctx.block();
  for (const w of writeFds) writeBytes(w);
  await until(() => ctx.stats().missedPending === writeFds.length, { tick: pump(ctx) });
  ctx.unblock();
  ctx.checkMissed();
}

/** evwheel's progress threads, by name (V8 and libuv start threads of their own at any time). */
export function progressThreads() {
  return progressThreadIds().length;
}

/** Their thread ids, sorted. */
export function progressThreadIds() {
  return readdirSync('/proc/self/task').filter((tid) => {
    try {
      return readFileSync(`/proc/self/task/${tid}/comm`, 'utf8') === 'evw-progress\n';
    } catch {
      return false;
    }
  }).sort();
}

export const MODES = ['thread', 'signal', 'poll'];

// ---- worlds --------------------------------------------------------------------------------

const kernelWorld = {
  name: 'kernel',
  createContext: (options) => AsyncContext.create(options),
  pipe: kernelPipe,
  write: kernelWrite,
  drain: kernelDrain,
  closeFd: kernelCloseFd,
  closeAll: kernelCloseAll,
  now: () => performance.now(),
  sleep: realSleep,
  busyWait: (ms) => { const end = performance.now() + ms; while (performance.now() < end); },
};

/** A fresh simulation: nothing happens between calls, time moves only in sleep(). */
function simWorld() {
  const sim = Simulation.create({ seed: 1 });
  const fds = new Set();
  return {
    name: 'sim',
    sim,
    createContext: (options) => sim.createContext(options),
    pipe: () => { const p = sim.pipe(); p.forEach((fd) => fds.add(fd)); return p; },
    write: (fd, n = 1) => { if (sim.write(fd, 'x'.repeat(n)) !== n) throw new Error(`sim.write(${fd}) was short`); },
    drain: (fd) => sim.read(fd).length,
    closeFd: (fd) => { if (fds.delete(fd)) sim.close(fd); },
    closeAll: () => { for (const fd of fds) sim.close(fd); fds.clear(); },
    now: () => sim.now,
    sleep: async (ms) => { sim.advance(ms); },
    busyWait: () => {},
  };
}

/** The worlds a behavioural suite runs in. */
export const WORLDS = ['kernel', 'sim'];

let world = kernelWorld;

/** Makes `name` the current world; 'sim' starts a fresh simulation. */
export function useWorld(name) {
  world = name === 'sim' ? simWorld() : kernelWorld;
  return world;
}

export const createContext = (options) => world.createContext(options);
export const pipe = () => world.pipe();
export const writeBytes = (fd, n = 1) => world.write(fd, n);
export const drain = (fd) => world.drain(fd);
export const closeFd = (fd) => world.closeFd(fd);
export const closeAll = () => world.closeAll();
/** Milliseconds: real, or the simulation's virtual time. */
export const now = () => world.now();
export const sleep = (ms) => world.sleep(ms);
/** Keeps the JS thread busy for `ms` (real world only: the simulation has nothing to race). */
export const busyWait = (ms) => world.busyWait(ms);
