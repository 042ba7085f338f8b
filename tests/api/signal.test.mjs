import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, writeSync, promises as fsp } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import koffi from 'koffi';
import { AsyncContext, Events, EvwheelError, setEventHandler } from 'evwheel';
import { closeAll, drain, pipe, until, writeBytes } from './support.mjs';

const libc = koffi.load('libc.so.6');
const fcntl = libc.func('int fcntl(int fd, int cmd, int arg)');
const close = libc.func('int close(int fd)');
const F_GETFL = 3;
const F_GETSIG = 11;
const F_SETOWN = 8;
const F_GETOWN = 9;
const O_ASYNC = 0o20000;

/** Signals this process catches, from /proc (SigCgt is a hex mask, bit n-1 for signal n). */
function caught(signo) {
  const mask = BigInt('0x' + readFileSync('/proc/self/status', 'utf8').match(/SigCgt:\s*([0-9a-f]+)/)[1]);
  return ((mask >> BigInt(signo - 1)) & 1n) === 1n;
}

/** Whether signo is set in a mask of this thread's /proc status (SigBlk: blocked, SigPnd: queued). */
function threadMask(field, signo) {
  const mask = BigInt('0x' + readFileSync('/proc/thread-self/status', 'utf8').match(new RegExp(`${field}:\\s*([0-9a-f]+)`))[1]);
  return ((mask >> BigInt(signo - 1)) & 1n) === 1n;
}

const test = suite('signal mode');
test.after.each(() => closeAll());

test('a signal taken by someone else while no handler used it: ERR_NOT_SUPPORTED, nothing kept', () => {
  const signal = libc.func('intptr_t signal(int signo, intptr_t handler)');
  const SIG_DFL = 0;
  const SIG_IGN = 1;
  const ctx = AsyncContext.create({ mode: 'signal' });
  const [r] = pipe();
  try {
    ctx.addTimer(1000, () => {}).remove(); // installs evwheel's handler, then gives the signal back
    signal(ctx.signal, SIG_IGN);
    assert.throws(() => ctx.setEventHandler(r, Events.IN, () => {}),
      (e) => e instanceof EvwheelError && e.code === 'ERR_NOT_SUPPORTED' && /someone else/.test(e.message));
    assert.is(ctx.stats().handlers, 0);
    signal(ctx.signal, SIG_DFL);
    ctx.setEventHandler(r, Events.IN, () => {}).remove();
  } finally {
    signal(ctx.signal, SIG_DFL);
    ctx.close();
  }
});

test('uses a realtime signal, shared by the thread\'s signal contexts', () => {
  const a = AsyncContext.create({ mode: 'signal' });
  const b = AsyncContext.create({ mode: 'signal' });
  try {
    assert.ok(a.signal >= 34 && a.signal <= 64, `signal ${a.signal}`);
    assert.is(b.signal, a.signal);
    const other = a.signal === 64 ? 63 : a.signal + 1;
    assert.throws(() => AsyncContext.create({ mode: 'signal', signal: other }),
      (e) => e instanceof EvwheelError && e.code === 'ERR_NOT_SUPPORTED');
    AsyncContext.create({ mode: 'signal', signal: a.signal }).close();
  } finally {
    a.close();
    b.close();
  }
});

test('the handler is installed only while handlers exist, and the old disposition comes back', () => {
  const ctx = AsyncContext.create({ mode: 'signal' });
  const signo = ctx.signal;
  assert.not.ok(caught(signo), 'no handler before the first registration');
  const t = ctx.addTimer(1000, () => {});
  assert.ok(caught(signo));
  t.remove();
  assert.not.ok(caught(signo), 'restored after the last removal');
  ctx.close();
});

test('the fd is left as found: O_ASYNC cleared and F_SETSIG reset on removal', () => {
  const ctx = AsyncContext.create({ mode: 'signal' });
  const [r] = pipe();
  const flags = fcntl(r, F_GETFL, 0);
  const sig = fcntl(r, F_GETSIG, 0);
  const h = ctx.setEventHandler(r, Events.IN, () => drain(r));
  assert.is(fcntl(r, F_GETFL, 0) & O_ASYNC, O_ASYNC);
  assert.is(fcntl(r, F_GETSIG, 0), ctx.signal);
  h.remove();
  assert.is(fcntl(r, F_GETFL, 0), flags);
  assert.is(fcntl(r, F_GETSIG, 0), sig);
  ctx.close();
});

test('an eventfd, a timerfd or an epoll fd raises no signal: ERR_NOT_SUPPORTED, the fd untouched and free for thread mode', () => {
  const eventfd = libc.func('int eventfd(unsigned int count, int flags)');
  const timerfdCreate = libc.func('int timerfd_create(int clockid, int flags)');
  const epollCreate1 = libc.func('int epoll_create1(int flags)');
  const CLOCK_MONOTONIC = 1;
  const fds = [eventfd(0, 0), timerfdCreate(CLOCK_MONOTONIC, 0), epollCreate1(0)];
  const ctx = AsyncContext.create({ mode: 'signal' });
  const other = AsyncContext.create({ mode: 'thread' });
  try {
    for (const fd of fds) {
      fcntl(fd, F_SETOWN, process.pid); // the user's own owner: trying O_ASYNC clears it for a moment
      const flags = fcntl(fd, F_GETFL, 0);
      assert.throws(() => ctx.setEventHandler(fd, Events.IN, () => {}),
        (e) => e instanceof EvwheelError && e.code === 'ERR_NOT_SUPPORTED' && /ignores O_ASYNC/.test(e.message) && /thread or poll mode/.test(e.message));
      assert.throws(() => setEventHandler('signal', fd, Events.IN, () => {}), (e) => e.code === 'ERR_NOT_SUPPORTED', 'global too');
      assert.is(fcntl(fd, F_GETFL, 0), flags);
      assert.is(fcntl(fd, F_GETSIG, 0), 0);
      assert.is(fcntl(fd, F_GETOWN, 0), process.pid, 'owner restored');
      assert.is(ctx.stats().handlers, 0);
      other.setEventHandler(fd, Events.IN, () => {}).remove();
    }
  } finally {
    ctx.close();
    other.close();
    for (const fd of fds) close(fd);
  }
});

test('a procfs file that can be polled but raises no signal: ERR_NOT_SUPPORTED; thread mode watches it', () => {
  const fd = openSync('/proc/self/mounts', 'r');
  const ctx = AsyncContext.create({ mode: 'signal' });
  const other = AsyncContext.create({ mode: 'thread' });
  try {
    assert.throws(() => ctx.setEventHandler(fd, Events.IN, () => {}), (e) => e.code === 'ERR_NOT_SUPPORTED' && /procfs/.test(e.message));
    assert.is(fcntl(fd, F_GETSIG, 0), 0, 'untouched');
    other.setEventHandler(fd, Events.IN, () => {}).remove();
  } finally {
    ctx.close();
    other.close();
    closeSync(fd);
  }
});

test('a character device that polls but raises no signal (/dev/kmsg): ERR_NOT_SUPPORTED, its owner kept; thread mode watches it', () => {
  let fd;
  try {
    fd = openSync('/dev/kmsg', 'r');
  } catch (e) {
    console.log(`  (skipped: /dev/kmsg cannot be opened here: ${e.code})`);
    return;
  }
  fcntl(fd, F_SETOWN, process.pid); // an owner of the user's own, which the refusal must leave
  const flags = fcntl(fd, F_GETFL, 0);
  const ctx = AsyncContext.create({ mode: 'signal' });
  const other = AsyncContext.create({ mode: 'thread' });
  try {
    assert.throws(() => ctx.setEventHandler(fd, Events.IN, () => {}),
      (e) => e.code === 'ERR_NOT_SUPPORTED' && /ignores O_ASYNC/.test(e.message) && e.syscall === 'fcntl');
    assert.is(fcntl(fd, F_GETOWN, 0), process.pid, 'owner restored');
    assert.is(fcntl(fd, F_GETSIG, 0), 0, 'signal untouched');
    assert.is(fcntl(fd, F_GETFL, 0), flags, 'flags untouched');
    other.setEventHandler(fd, Events.IN, () => {}).remove();
  } finally {
    ctx.close();
    other.close();
    closeSync(fd);
  }
});

test('a pseudo-terminal (a character device that polls and signals) is watched', async () => {
  const posixOpenpt = libc.func('int posix_openpt(int flags)');
  const grantpt = libc.func('int grantpt(int fd)');
  const unlockpt = libc.func('int unlockpt(int fd)');
  const ptsname = libc.func('const char *ptsname(int fd)');
  const O_RDWR = 2, O_NOCTTY = 0o400, O_NONBLOCK = 0o4000;
  const master = posixOpenpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
  assert.ok(master >= 0 && grantpt(master) === 0 && unlockpt(master) === 0);
  const slave = openSync(ptsname(master), constants.O_RDWR | constants.O_NOCTTY);
  const ctx = AsyncContext.create({ mode: 'signal' });
  let got = 0; // bytes read by the callback: a spurious call would add none
  try {
    ctx.setEventHandler(master, Events.IN, () => { got += drain(master); });
    writeSync(slave, 'a\n');
    await until(() => got > 0);
    const before = got;
    writeSync(slave, 'b\n');
    await until(() => got > before); // again after the drain
  } finally {
    ctx.close();
    closeSync(slave);
    close(master);
  }
});

test('an inotify fd, an anonymous inode that does raise signals, is watched', async () => {
  const inotifyInit1 = libc.func('int inotify_init1(int flags)');
  const inotifyAddWatch = libc.func('int inotify_add_watch(int fd, const char *path, uint32_t mask)');
  const O_NONBLOCK = 0o4000;
  const IN_CREATE = 0x100;
  const dir = await fsp.mkdtemp(join(tmpdir(), 'evwheel-inotify-'));
  const fd = inotifyInit1(O_NONBLOCK);
  assert.ok(inotifyAddWatch(fd, dir, IN_CREATE) > 0);
  const ctx = AsyncContext.create({ mode: 'signal' });
  let got = 0; // bytes of inotify events read by the callback
  try {
    ctx.setEventHandler(fd, Events.IN, () => { got += drain(fd); });
    await fsp.writeFile(join(dir, 'a'), '');
    await until(() => got > 0);
    const before = got;
    await fsp.writeFile(join(dir, 'b'), '');
    await until(() => got > before); // a second file, after the drain
  } finally {
    ctx.close();
    close(fd);
    await fsp.rm(dir, { recursive: true });
  }
});

test('fs, child_process and loopback networking keep working under a 0.1 ms signal timer', async () => {
  const ctx = AsyncContext.create({ mode: 'signal' });
  let expirations = 0;
  ctx.addTimer(0.1, (n) => { expirations += n; });
  const server = createServer((s) => s.pipe(s));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const file = join(tmpdir(), `evwheel-signal-${process.pid}`);
    const payload = Buffer.alloc(256 * 1024, 7);
    for (let i = 0; i < 20; i++) {
      await fsp.writeFile(file, payload);
      assert.equal(await fsp.readFile(file), payload);
      const out = await new Promise((res, rej) => execFile('sh', ['-c', 'echo ok'], (e, so) => (e ? rej(e) : res(so))));
      assert.is(out, 'ok\n');
      const echoed = await new Promise((res, rej) => {
        const c = connect(server.address().port, '127.0.0.1');
        const chunks = [];
        c.on('data', (d) => { chunks.push(d); if (Buffer.concat(chunks).length === payload.length) c.end(); });
        c.on('end', () => res(Buffer.concat(chunks)));
        c.on('error', rej);
        c.write(payload);
      });
      assert.equal(echoed, payload);
    }
    await fsp.rm(file);
    assert.ok(expirations > 100, `the timer ran meanwhile (${expirations} expirations)`);
  } finally {
    server.close();
    ctx.close();
  }
});

// Node's loop watches the loop's signalfd: the signal never interrupts JS (no handler runs in the
// middle of user code); it waits in the kernel's queue until JS yields, and is taken from there.
test('the signal stays blocked on the JS thread: readiness made by running JS waits for it to yield', async () => {
  const ctx = AsyncContext.create({ mode: 'signal' });
  const [r, w] = pipe();
  let calls = 0;
  ctx.setEventHandler(r, Events.IN, () => { drain(r); calls++; });
  assert.ok(threadMask('SigBlk', ctx.signal), 'blocked');
  writeBytes(w);
  assert.ok(threadMask('SigPnd', ctx.signal), 'queued, not handled');
  assert.is(calls, 0);
  await until(() => calls === 1);
  assert.not.ok(threadMask('SigPnd', ctx.signal), 'taken');
  ctx.close();
});

// Every signal of the process wakes every signalfd watcher: with a second signal loop (a worker's)
// the first one stops watching and both take the handler's path, else each would wake for the
// other's signals.
for (const when of ['started', 'idle']) {
  test(`beside a worker's signal loop the main thread (${when}) stops watching: the worker's 0.1 ms timer does not wake it`, () => {
    const fixture = fileURLToPath(new URL('./fixtures/signal-herd.mjs', import.meta.url));
    const child = spawnSync(process.execPath, [fixture, when], { encoding: 'utf8', timeout: 30000 });
    assert.is(child.status, 0, child.stderr);
    const r = JSON.parse(child.stdout.trim().split('\n').pop());
    assert.ok(r.watchingAlone, 'alone, it watched (its signal blocked)');
    // Idle, no handler is installed to take its signal: blocked until its first fd handler.
    assert.is(r.beside.blocked, when === 'idle', 'beside the worker');
    // Watching, it would wake about once per expiration of the worker's timer.
    assert.ok(r.beside.wakeUps * 4 < r.beside.expirations, `${r.beside.wakeUps} wake-ups for ${r.beside.expirations} expirations`);
    assert.not.ok(r.blockedAfter, 'the handler takes it');
    assert.is(r.delivered, 1, 'and its own events still come');
  });
}

test('a signal-mode fd handler sees every write after a drain', async () => {
  const ctx = AsyncContext.create({ mode: 'signal' });
  const [r, w] = pipe();
  let bytes = 0;
  ctx.setEventHandler(r, Events.IN, () => { bytes += drain(r); });
  for (let i = 1; i <= 50; i++) {
    writeBytes(w, 2);
    await until(() => bytes === 2 * i);
  }
  ctx.close();
});

// Under load the shim keeps drained fds disarmed and polls them after the next batch instead of
// arming them (shim/sigarm.c): every byte must still arrive, and once the load stops each fd must
// be armed again, so that a single later write to any of them is seen.
test('signal mode: a burst over many pipes is all delivered, and every pipe is armed again after it', async () => {
  const ctx = AsyncContext.create({ mode: 'signal', maxHandlers: 200 });
  const pipes = Array.from({ length: 200 }, () => pipe());
  const got = new Array(pipes.length).fill(0);
  pipes.forEach(([r], i) => ctx.setEventHandler(r, Events.IN, () => { got[i] += drain(r); }));
  const total = () => got.reduce((a, b) => a + b, 0);
  for (let round = 1; round <= 30; round++) {
    for (const [, w] of pipes) writeBytes(w);
    await new Promise((res) => setImmediate(res)); // let some batches run between rounds
  }
  await until(() => total() === 30 * pipes.length);
  await new Promise((res) => setTimeout(res, 20)); // quiet: every fd gets armed
  for (const [, w] of pipes) writeBytes(w);
  await until(() => total() === 31 * pipes.length);
  assert.ok(got.every((n) => n === 31));
  ctx.close();
});

test.run();
