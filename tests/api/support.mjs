// Real fds for the real-kernel suites: libc pipes through koffi (Node has no pipe() of its
// own), FIFOs, and a regular file; plus waiting helpers with generous bounds.
import { constants, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import koffi from 'koffi';

const libc = koffi.load('libc.so.6');
const pipe2 = libc.func('int pipe2(_Out_ int *fds, int flags)');
const write = libc.func('long write(int fd, const uint8_t *buf, size_t n)');
const read = libc.func('long read(int fd, _Out_ uint8_t *buf, size_t n)');
const close = libc.func('int close(int fd)');
const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;

const opened = new Set();

/** A non-blocking pipe: [readFd, writeFd]. Closed by closeAll(). */
export function pipe() {
  const fds = new Int32Array(2);
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) !== 0) throw new Error('pipe2 failed');
  opened.add(fds[0]);
  opened.add(fds[1]);
  return [fds[0], fds[1]];
}

export function writeBytes(fd, n = 1) {
  const r = write(fd, new Uint8Array(n).fill(120), n);
  if (r !== n) throw new Error(`write(${fd}) returned ${r}`);
}

/** Reads everything available; returns the byte count (0 at EOF or when empty). */
export function drain(fd) {
  const buf = new Uint8Array(65536);
  let total = 0;
  for (;;) {
    const r = read(fd, buf, buf.length);
    if (r <= 0) return total;
    total += r;
  }
}

export function closeFd(fd) {
  if (opened.delete(fd)) close(fd);
}

export function closeAll() {
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

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until `cond()` holds, calling `tick()` (e.g. ctx.poll) between checks; fails after
 * `ms` (generous by default: these run on a loaded 2-core machine).
 */
export async function until(cond, { ms = 5000, tick } = {}) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms: ${cond}`);
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
  const end = performance.now() + ms;
  while (performance.now() < end) { tick?.(); await sleep(2); }
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
  return readdirSync('/proc/self/task').filter((tid) => {
    try {
      return readFileSync(`/proc/self/task/${tid}/comm`, 'utf8') === 'evw-progress\n';
    } catch {
      return false;
    }
  }).length;
}

export const MODES = ['thread', 'signal', 'poll'];
