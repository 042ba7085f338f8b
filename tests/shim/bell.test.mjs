// The doorbell's reader in C (shim/napi_bell.c): Node's loop watches the read end, and the shim
// calls the JS function itself, on this thread, from C; and the socket that ts/bell.ts falls back
// to where the shim cannot watch.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  EPOLLIN, KIND_FD, closeFds, errno, fdTarget, makePipe, makeRing, newLoop, newSignalLoop, readAll,
  registerCleanupHook, shim, sleep, waitFor, writeBytes,
} from './helpers.mjs';

const addon = registerCleanupHook();

/** A doorbell read by the shim, counting calls; `done` closes both ends. */
function bellSetup(onRing = () => {}) {
  const fds = [0, 0];
  assert.is(shim.doorbellNew(fds), 0);
  const bell = { read: fds[0], write: fds[1], calls: 0 };
  assert.is(addon.bellWatch(bell.read, bell.write, () => { bell.calls++; onRing(bell); }), 0);
  bell.done = () => {
    addon.bellClose(bell.read); // -ENOENT if the test closed it already
    assert.is(shim.doorbellClose(bell.write), 0);
  };
  return bell;
}

test('bad arguments are refused: EINVAL; an fd that is no bell: ENOENT', () => {
  const { r, w } = makePipe();
  assert.is(addon.bellWatch(r, w, 'not a function'), -errno.EINVAL);
  assert.is(addon.bellWatch(r, w), -errno.EINVAL);
  assert.is(addon.bellWatch('3', w, () => {}), -errno.EINVAL);
  assert.is(addon.bellWatch(-1, w, () => {}), -errno.EINVAL);
  assert.is(addon.bellRef(r, true), -errno.ENOENT);
  assert.is(addon.bellRef(r), -errno.EINVAL);
  assert.is(addon.bellClose(r), -errno.ENOENT);
  assert.ok(fdTarget(r), 'nothing was closed');
  closeFds(r, w);
});

test('rings before the loop turns make one call, on this thread, with the pipe drained', async () => {
  const bell = bellSetup();
  writeBytes(bell.write, 3);
  assert.is(bell.calls, 0, 'never from inside JS');
  assert.ok(await waitFor(() => bell.calls === 1));
  await sleep(20);
  assert.is(bell.calls, 1);
  assert.is(readAll(bell.read), 0, 'drained');
  writeBytes(bell.write);
  assert.ok(await waitFor(() => bell.calls === 2), 'and again for the next ring');
  bell.done();
});

test('the call is a Node callback: its nextTicks and promise jobs run before the loop goes on', async () => {
  const order = [];
  const bell = bellSetup(() => {
    setImmediate(() => order.push('immediate'));
    Promise.resolve().then(() => order.push('promise'));
    process.nextTick(() => order.push('tick'));
  });
  writeBytes(bell.write);
  assert.ok(await waitFor(() => order.length === 3));
  assert.equal(order, ['tick', 'promise', 'immediate']);
  bell.done();
});

test('a throw from the function is an uncaught exception, and the bell goes on', async () => {
  let caught;
  const bell = bellSetup((b) => { if (b.calls === 1) throw new Error('from the bell'); });
  process.prependOnceListener('uncaughtException', (err) => { caught = err; });
  writeBytes(bell.write);
  assert.ok(await waitFor(() => caught !== undefined));
  assert.is(caught.message, 'from the bell');
  writeBytes(bell.write);
  assert.ok(await waitFor(() => bell.calls === 2));
  bell.done();
});

test('bellClose closes the read end, also from inside the call, and nothing is called after', async () => {
  const bell = bellSetup((b) => { assert.is(addon.bellClose(b.read), 0); });
  writeBytes(bell.write);
  assert.ok(await waitFor(() => bell.calls === 1));
  assert.is(fdTarget(bell.read), null, 'closed');
  assert.is(addon.bellClose(bell.read), -errno.ENOENT, 'once');
  writeBytes(bell.write); // EPIPE: no reader left (Node ignores SIGPIPE)
  await sleep(20);
  assert.is(bell.calls, 1);
  bell.done();
});

test('a doorbell whose writer is gone is no longer watched: Node\'s loop does not spin on it', async () => {
  const bell = bellSetup();
  assert.is(shim.doorbellClose(bell.write), 0);
  const cpu = process.cpuUsage();
  await sleep(200);
  const used = process.cpuUsage(cpu);
  assert.ok(used.user + used.system < 100_000, `${used.user + used.system} µs of CPU in 200 ms`);
  assert.is(bell.calls, 0, 'an end is not a ring');
  assert.is(addon.bellClose(bell.read), 0);
});

test('a ref\'d bell keeps the process alive, an unref\'d one does not', () => {
  // Killed after `ms`: generous for the child that should exit by itself (a loaded machine starts
  // Node slowly), long enough for the one that should not to show it.
  const run = (ref, ms) => spawnSync(process.execPath, ['--input-type=module', '-e', `
    import { registerCleanupHook, shim } from ${JSON.stringify(new URL('./helpers.mjs', import.meta.url).href)};
    const addon = registerCleanupHook();
    const fds = [0, 0];
    shim.doorbellNew(fds);
    addon.bellWatch(fds[0], fds[1], () => {});
    addon.bellRef(fds[0], ${ref});`], { encoding: 'utf8', timeout: ms });
  const unrefd = run(false, 20_000);
  assert.is(unrefd.status, 0, unrefd.stderr);
  assert.is(run(true, 2000).signal, 'SIGTERM', 'still running when killed');
});

/** The two loops Node's loop can watch: a threaded loop's epoll set, a signal loop's signalfd. */
const watchable = [
  ['epoll set', (ring, bellFd) => newLoop(ring, { threaded: true, bellFd })],
  ['signalfd', (ring, bellFd) => {
    const loop = newSignalLoop(ring, shim.signalChoose(0), { bellFd });
    assert.is(shim.start(loop), 0);
    return loop;
  }],
];

for (const [kind, create] of watchable) {
  test(`a watched ${kind} calls it straight from C: no doorbell byte, one call per batch`, async () => {
    const bell = bellSetup();
    const ring = makeRing(16);
    const loop = create(ring, bell.write);
    assert.is(shim.watch(loop), 0);
    const pipe = makePipe();
    const seq = shim.fdAdd(loop, pipe.r, EPOLLIN);
    writeBytes(pipe.w);
    assert.ok(await waitFor(() => bell.calls === 1));
    assert.is(ring.bellArmed(), 0, 'the call took the bell');
    // A signal loop's entries name "the current registration" (seq 0).
    assert.equal(ring.take(), [{ fd: pipe.r, seq: kind === 'signalfd' ? 0 : seq, bits: EPOLLIN, kind: KIND_FD }]);
    await sleep(20);
    assert.is(bell.calls, 1, 'no byte followed');
    shim.loopFree(loop);
    closeFds(pipe.r, pipe.w);
    bell.done();
  });

  test(`freeing the loop of a watched ${kind} from inside the call is safe`, async () => {
    let loop;
    const bell = bellSetup(() => { shim.loopFree(loop); loop = null; });
    const ring = makeRing(16);
    loop = create(ring, bell.write);
    assert.is(shim.watch(loop), 0);
    const pipe = makePipe();
    shim.fdAdd(loop, pipe.r, EPOLLIN);
    writeBytes(pipe.w);
    assert.ok(await waitFor(() => loop === null));
    await sleep(20);
    assert.is(bell.calls, 1);
    closeFds(pipe.r, pipe.w);
    bell.done();
  });
}

/** ts/bell.ts on its own (it imports only node:net), compiled as the bundle compiles it. */
async function bellModule() {
  const { transformSync } = await import('esbuild');
  const source = readFileSync(new URL('../../ts/bell.ts', import.meta.url), 'utf8');
  const { code } = transformSync(source, { loader: 'ts', format: 'esm' });
  return import(`data:text/javascript,${encodeURIComponent(code)}`);
}

test('where the shim cannot watch, the runtime reads the doorbell with a socket, which rings alike', async () => {
  const { addonBell } = await bellModule();
  const calledAfterRefusal = [];
  const refusing = {
    bellWatch: () => -errno.ENOTSUP,
    bellRef: () => { calledAfterRefusal.push('bellRef'); return -errno.ENOENT; },
    bellClose: () => { calledAfterRefusal.push('bellClose'); return -errno.ENOENT; },
  };
  const fds = [0, 0];
  assert.is(shim.doorbellNew(fds), 0);
  let calls = 0;
  const bell = addonBell(refusing)(fds[0], fds[1], () => { calls++; });
  writeBytes(fds[1], 3);
  assert.ok(await waitFor(() => calls > 0));
  await sleep(20);
  assert.is(calls, 1, 'three rings before the loop turned: one call');
  writeBytes(fds[1]);
  assert.ok(await waitFor(() => calls === 2), 'and it goes on');
  bell.unref();
  bell.ref();
  bell.close();
  assert.ok(await waitFor(() => fdTarget(fds[0]) === null), 'the socket owned the read end and closed it');
  assert.equal(calledAfterRefusal, [], 'the refusing addon is not asked again');
  assert.is(shim.doorbellClose(fds[1]), 0);
  assert.is(calls, 2);
});

test.run();
