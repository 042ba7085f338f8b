// Registration errors, returned as -errno, leaving every state as it was.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EPOLLIN, closeFds, errno, liveFds, makePipe, makeRing, newLoop, shim,
} from './helpers.mjs';

const newPollLoop = () => newLoop(makeRing(16));

test('a closed fd is EBADF', () => {
  const loop = newPollLoop();
  const { r, w } = makePipe();
  closeFds(r, w);
  assert.is(shim.fdAdd(loop, r, EPOLLIN), -errno.EBADF);
  shim.loopFree(loop);
});

test('a negative fd is EBADF', () => {
  const loop = newPollLoop();
  assert.is(shim.fdAdd(loop, -1, EPOLLIN), -errno.EBADF);
  shim.loopFree(loop);
});

test('a regular file is EPERM, and the failure leaves it unregistered', () => {
  const dir = mkdtempSync(join(tmpdir(), 'evw-'));
  const fd = openSync(join(dir, 'file'), 'w');
  const loop = newPollLoop();
  assert.is(shim.fdAdd(loop, fd, EPOLLIN), -errno.EPERM);
  assert.is(shim.fdAdd(loop, fd, EPOLLIN), -errno.EPERM, 'not EEXIST: rolled back');
  assert.is(shim.fdDel(loop, fd), -errno.ENOENT);
  shim.loopFree(loop);
  closeSync(fd);
  rmSync(dir, { recursive: true });
});

test('the same fd in a second loop is EEXIST', () => {
  const a = newPollLoop();
  const b = newLoop(makeRing(16), { threaded: true });
  const { r, w } = makePipe();
  assert.ok(shim.fdAdd(a, r, EPOLLIN) > 0);
  assert.is(shim.fdAdd(b, r, EPOLLIN), -errno.EEXIST);
  assert.is(shim.fdAdd(a, r, EPOLLIN), -errno.EEXIST, 'also in the same loop');
  shim.loopFree(a);
  shim.loopFree(b);
  closeFds(r, w);
});

test('an fd is registrable again after evw_fd_del and after evw_loop_free', () => {
  const a = newPollLoop();
  const b = newPollLoop();
  const { r, w } = makePipe();
  shim.fdAdd(a, r, EPOLLIN);
  assert.is(shim.fdDel(a, r), 0);
  assert.ok(shim.fdAdd(b, r, EPOLLIN) > 0);
  shim.loopFree(b);
  assert.ok(shim.fdAdd(a, r, EPOLLIN) > 0);
  shim.loopFree(a);
  closeFds(r, w);
});

test("every fd a loop creates is refused as EEXIST", () => {
  for (const threaded of [false, true]) {
    const before = new Set(liveFds());
    const loop = newLoop(makeRing(16), { threaded });
    const created = liveFds().filter((fd) => !before.has(fd));
    assert.is(created.length, threaded ? 3 : 1, 'epoll (+ timerfd and eventfd)');
    const other = newPollLoop();
    for (const fd of created) {
      assert.is(shim.fdAdd(other, fd, EPOLLIN), -errno.EEXIST);
      assert.is(shim.fdAdd(loop, fd, EPOLLIN), -errno.EEXIST);
      assert.is(shim.fdDel(loop, fd), -errno.ENOENT, 'nor can users delete them');
      assert.is(shim.fdMod(loop, fd, EPOLLIN, 0), -errno.ENOENT, 'nor modify them');
    }
    shim.loopFree(other);
    shim.loopFree(loop);
  }
});

test('deleting an fd the loop does not own is ENOENT', () => {
  const a = newPollLoop();
  const b = newPollLoop();
  const { r, w } = makePipe();
  assert.is(shim.fdDel(a, r), -errno.ENOENT, 'never registered');
  shim.fdAdd(b, r, EPOLLIN);
  assert.is(shim.fdDel(a, r), -errno.ENOENT, 'owned by another loop');
  assert.is(shim.fdDel(a, 1 << 20), -errno.ENOENT, 'beyond the registry');
  shim.loopFree(a);
  shim.loopFree(b);
  closeFds(r, w);
});

test('deleting an fd the user already closed succeeds and frees the number', () => {
  const loop = newPollLoop();
  const { r, w } = makePipe();
  shim.fdAdd(loop, r, EPOLLIN);
  closeFds(r, w);
  assert.is(shim.fdDel(loop, r), 0);
  const again = makePipe();
  assert.is(again.r, r, 'the kernel reuses the lowest number');
  assert.ok(shim.fdAdd(loop, again.r, EPOLLIN) > 0);
  shim.loopFree(loop);
  closeFds(again.r, again.w);
});

test('evw_fd_mod with another seq or another loop is ENOENT', () => {
  const a = newPollLoop();
  const b = newPollLoop();
  const { r, w } = makePipe();
  const seq = shim.fdAdd(a, r, EPOLLIN);
  assert.is(shim.fdMod(a, r, EPOLLIN, seq + 1), -errno.ENOENT);
  assert.is(shim.fdMod(b, r, EPOLLIN, seq), -errno.ENOENT);
  assert.is(shim.fdMod(a, r, EPOLLIN, seq), 0);
  shim.loopFree(a);
  shim.loopFree(b);
  closeFds(r, w);
});

test('every registration gets a fresh positive seq', () => {
  const loop = newPollLoop();
  const { r, w } = makePipe();
  const seqs = new Set();
  for (let i = 0; i < 100; i++) {
    const seq = shim.fdAdd(loop, r, EPOLLIN);
    assert.ok(seq > 0);
    seqs.add(seq);
    shim.fdDel(loop, r);
  }
  assert.is(seqs.size, 100);
  shim.loopFree(loop);
  closeFds(r, w);
});

test('evw_loop_new rejects a capacity that is not a power of two, writing nothing', () => {
  for (const capacity of [0, 3, 100]) {
    const ring = makeRing(capacity);
    const snapshot = ring.u8.slice(ring.offset - 256, ring.offset + 192 + 16 * 128);
    const err = [0];
    assert.is(shim.loopNewRaw(ring.u8, ring.offset, -1, 1, err), null);
    assert.is(err[0], -errno.EINVAL);
    assert.equal(ring.u8.slice(ring.offset - 256, ring.offset + 192 + 16 * 128), snapshot);
  }
});

test('evw_loop_new rejects a misaligned ring and a closed doorbell fd', () => {
  const err = [0];
  const ring = makeRing(16);
  assert.is(shim.loopNewRaw(ring.u8, ring.offset + 4, -1, 0, err), null);
  assert.is(err[0], -errno.EINVAL);
  const { r, w } = makePipe();
  closeFds(r, w);
  assert.is(shim.loopNewRaw(ring.u8, ring.offset, w, 1, err), null);
  assert.is(err[0], -errno.EBADF);
});

test('a null loop is EINVAL everywhere', () => {
  assert.is(shim.fdAdd(null, 0, EPOLLIN), -errno.EINVAL);
  assert.is(shim.fdDel(null, 0), -errno.EINVAL);
  assert.is(shim.poll(null), -errno.EINVAL);
  assert.is(shim.loopFree(null), -errno.EINVAL);
});

test.run();
