// Test harness for the C shim: koffi bindings of build/libevwheel.so and of
// the few libc calls the tests need, a ring laid out as docs/INTERNALS.md
// says (as the core would), and small polling helpers. Build first:
// `node scripts/build.mjs shim`.
import koffi from 'koffi';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const shimPath = join(root, 'build', 'libevwheel.so');
const lib = koffi.load(shimPath);
koffi.opaque('evw_loop');

export const shim = {
  clockNs: lib.func('double evw_clock_ns(void)'),
  doorbellNew: lib.func('int evw_doorbell_new(_Out_ int *fds)'),
  doorbellClose: lib.func('int evw_doorbell_close(int write_fd)'),
  close: lib.func('int evw_close(int fd)'),
  loopNewRaw: lib.func('evw_loop *evw_loop_new(uint8_t *mem, uint32_t ring_off, int bell_fd, int threaded, _Out_ int *err)'),
  loopFree: lib.func('int evw_loop_free(evw_loop *loop)'),
  fdAdd: lib.func('int evw_fd_add(evw_loop *loop, int fd, uint32_t events)'),
  fdMod: lib.func('int evw_fd_mod(evw_loop *loop, int fd, uint32_t events, uint32_t seq)'),
  fdDel: lib.func('int evw_fd_del(evw_loop *loop, int fd)'),
  rearm: lib.func('int evw_loop_rearm(evw_loop *loop, uint32_t list_off, int count)'),
  armTimer: lib.func('int evw_loop_arm_timer(evw_loop *loop, double deadline_ns)'),
  start: lib.func('int evw_loop_start(evw_loop *loop)'),
  stop: lib.func('int evw_loop_stop(evw_loop *loop)'),
  wake: lib.func('int evw_loop_wake(evw_loop *loop)'),
  poll: lib.func('int evw_loop_poll(evw_loop *loop)'),
  watch: lib.func('int evw_loop_watch(evw_loop *loop)'),
  fetch: lib.func('int evw_loop_fetch(evw_loop *loop)'),
  signalChoose: lib.func('int evw_signal_choose(int requested)'),
  loopNewSignalRaw: lib.func('evw_loop *evw_loop_new_signal(uint8_t *mem, uint32_t ring_off, int bell_fd, int signo, _Out_ int *err)'),
  rescan: lib.func('int evw_loop_rescan(evw_loop *loop)'),
  fdOwnerTid: lib.func('int evw_fd_owner_tid(int fd)'),
};

/**
 * Makes the shim this thread's Node-API module too: its cleanup hook frees the thread's loops.
 * Returns its exports (the doorbell reader: bellWatch, bellRef, bellClose).
 */
export function registerCleanupHook() {
  const module = { exports: {} };
  process.dlopen(module, shimPath);
  return module.exports;
}

const libc = koffi.load('libc.so.6');
const cPipe2 = libc.func('int pipe2(_Out_ int *fds, int flags)');
const cWrite = libc.func('long write(int fd, const uint8_t *buf, size_t n)');
const cRead = libc.func('long read(int fd, _Out_ uint8_t *buf, size_t n)');
const cClose = libc.func('int close(int fd)');

export const EPOLLIN = 0x1;
export const EPOLLOUT = 0x4;
export const EPOLLHUP = 0x10;
export const EPOLLONESHOT = 0x40000000;
export const EPOLLET = 0x80000000;
export const KIND_FD = 0;
export const KIND_TIMER = 1;
export const KIND_RESCAN = 2;
export const errno = { EBADF: 9, ENOENT: 2, EPERM: 1, EEXIST: 17, EINVAL: 22, EBUSY: 16, EAGAIN: 11, ENOTSUP: 95 };

const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;

/** A non-blocking pipe made with libc: { r, w }. */
export function makePipe() {
  const fds = [0, 0];
  if (cPipe2(fds, O_NONBLOCK | O_CLOEXEC) !== 0) throw new Error('pipe2 failed');
  return { r: fds[0], w: fds[1] };
}

export function writeBytes(fd, n = 1) {
  return Number(cWrite(fd, Buffer.alloc(n, 0x78), n));
}

/** Bytes read (0 when nothing is pending: the fds are non-blocking). */
export function readAll(fd) {
  const buf = Buffer.alloc(4096);
  let total = 0;
  for (;;) {
    const n = Number(cRead(fd, buf, buf.length));
    if (n <= 0) return total;
    total += n;
  }
}

export function closeFds(...fds) {
  for (const fd of fds) cClose(fd);
}

/** Closes a doorbell made by evw_doorbell_new: the read end with libc, the write end through the shim. */
export function closeBell([r, w]) {
  cClose(r);
  const rc = shim.doorbellClose(w);
  if (rc !== 0) throw new Error(`evw_doorbell_close(${w}): ${rc}`);
}

/** What fd refers to now ('pipe:[inode]', ...), null if it is closed. */
export function fdTarget(fd) {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
}

const RING_HEADER = 192;
const ENTRY = 16;
const GUARD = 256;
const GUARD_BYTE = 0xa5;
/** Header bytes that belong to no field: the shim must never write them. */
const HEADER_GAPS = [[4, 64], [68, 128], [156, 192]];

/**
 * A shared Wasm memory holding one ring at `offset`, initialised as the core
 * does (all zero but capacity and bellArmed = 1), with guard bytes before and
 * after it and in the header's gaps.
 */
export function makeRing(capacity, { offset = 4096, bellArmed = 1 } = {}) {
  const mem = new WebAssembly.Memory({ shared: true, initial: 16, maximum: 16384 });
  const u8 = new Uint8Array(mem.buffer);
  const u32 = new Uint32Array(mem.buffer);
  const i32 = new Int32Array(mem.buffer);
  const i64 = new BigInt64Array(mem.buffer);
  const end = offset + RING_HEADER + ENTRY * capacity;
  const guarded = [[offset - GUARD, offset], [end, end + GUARD],
    ...HEADER_GAPS.map(([a, b]) => [offset + a, offset + b])];
  for (const [a, b] of guarded) u8.fill(GUARD_BYTE, a, b);
  const word = (field) => (offset + field) >> 2;
  Atomics.store(u32, word(132), capacity);
  Atomics.store(u32, word(128), bellArmed);

  const ring = {
    mem, u8, offset, capacity,
    head: () => Atomics.load(u32, word(0)),
    tail: () => Atomics.load(u32, word(64)),
    bellArmed: () => Atomics.load(u32, word(128)),
    setBellArmed: (v) => Atomics.store(u32, word(128), v),
    producerWaiting: () => Atomics.load(u32, word(136)),
    setProducerWaiting: (v) => Atomics.store(u32, word(136), v),
    producerNow: () => Number(Atomics.load(i64, (offset + 144) >> 3)),
    rescanRequested: () => Atomics.load(u32, word(140)),
    setRescanRequested: (v) => Atomics.store(u32, word(140), v),
    pending: () => (ring.head() - ring.tail()) >>> 0,
    finished: () => Atomics.load(u32, word(152)),
    /**
     * Consumes every published entry, as the core's drain does, and unless `done` is false is
     * done with them too, as loopBatchDone and TS do: finished = tail, and a producer that
     * waits for that is woken (a threaded loop's thread fetches nothing new until then).
     */
    take({ done = true } = {}) {
      const head = ring.head();
      const out = [];
      let tail = ring.tail();
      for (; tail !== head; tail = (tail + 1) >>> 0) {
        const at = (offset + RING_HEADER + ENTRY * (tail & (capacity - 1))) >> 2;
        out.push({ fd: Atomics.load(i32, at), seq: Atomics.load(u32, at + 1),
          bits: Atomics.load(u32, at + 2), kind: Atomics.load(u32, at + 3) });
      }
      Atomics.store(u32, word(64), tail);
      if (done) {
        Atomics.store(u32, word(152), tail);
        if (ring.loop && Atomics.exchange(u32, word(136), 0) === 1) shim.wake(ring.loop);
      }
      return out;
    },
    guardsIntact: () => guarded.every(([a, b]) => u8.subarray(a, b).every((x) => x === GUARD_BYTE)),
    /** Writes a rearm list ({fd, events, seq}[]) at byte offset `at`. */
    writeRearmList(at, list) {
      const view = new DataView(mem.buffer);
      list.forEach(({ fd, events, seq }, i) => {
        view.setInt32(at + 12 * i, fd, true);
        view.setUint32(at + 12 * i + 4, events >>> 0, true);
        view.setUint32(at + 12 * i + 8, seq, true);
      });
    },
  };
  return ring;
}

/** A threaded loop (not started) on a 16-entry ring, and one pipe; `done` frees both. */
export function threadedLoopWithPipe() {
  const ring = makeRing(16);
  const loop = newLoop(ring, { threaded: true });
  const pipe = makePipe();
  return { ring, loop, pipe, done: () => { shim.loopFree(loop); closeFds(pipe.r, pipe.w); } };
}

/** evw_loop_new, throwing on failure. */
export function newLoop(ring, { threaded = false, bellFd = -1 } = {}) {
  const err = [0];
  const loop = shim.loopNewRaw(ring.u8, ring.offset, bellFd, threaded ? 1 : 0, err);
  if (!loop) throw new Error(`evw_loop_new failed: ${err[0]}`);
  ring.loop = loop; // take() wakes it, as TS does after a batch
  return loop;
}

/** evw_loop_new_signal, throwing on failure. */
export function newSignalLoop(ring, signo, { bellFd = -1 } = {}) {
  const err = [0];
  const loop = shim.loopNewSignalRaw(ring.u8, ring.offset, bellFd, signo, err);
  if (!loop) throw new Error(`evw_loop_new_signal failed: ${err[0]}`);
  return loop;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls pred every millisecond until it is truthy or `ms` elapse. */
export async function waitFor(pred, ms = 3000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = pred();
    if (value) return value;
    if (Date.now() > deadline) return value;
    await sleep(1);
  }
}

/** Open fd numbers, without the one readdir itself used while listing. */
export const liveFds = () => readdirSync('/proc/self/fd').filter((fd) => existsSync(`/proc/self/fd/${fd}`)).map(Number);
export const openFds = () => liveFds().length;
export const threadIds = () => readdirSync('/proc/self/task');
/**
 * The shim's progress threads, by name. Thread leaks are asserted on these, not on every task:
 * V8 and libuv start threads of their own whenever they like (the threadpool on first use).
 */
export const progressThreads = () => threadIds().filter((tid) => {
  try {
    return readFileSync(`/proc/self/task/${tid}/comm`, 'utf8') === 'evw-progress\n';
  } catch {
    return false; // exited while we listed
  }
});
