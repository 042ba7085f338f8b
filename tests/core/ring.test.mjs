// The ring consumer: protocol with the producer (doorbell, full ring), wrap-around, batching, validation.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { setup, addFd, addFds, entriesFor, drainNew, Producer, EV, KIND, STAT } from './harness.mjs';

const test = suite('ring');

test('a fresh ring: bell armed, capacity rounded to a power of two, head = tail = 0', () => {
  const { core, x } = setup();
  const p = new Producer(core, x.loopCreate(100));
  assert.is(p.capacity, 128);
  assert.is(p.field('bellArmed'), 1);
  assert.is(p.head, 0);
  assert.is(p.tail, 0);
  assert.is(p.field('producerWaiting'), 0);
  assert.is(p.R % 64, 0, 'header aligned to a cache line');
});

test('the producer rings only when the consumer armed the bell; draining to empty re-arms it', () => {
  const { core, x, loop, global, producer } = setup();
  const [a, b] = addFds(x, global, 2, EV.IN);
  producer.fd(a.fd, a.seq, EV.IN);
  producer.fd(b.fd, b.seq, EV.IN);
  assert.is(producer.doorbells, 1, 'second publish: consumer not idle yet, no doorbell');
  assert.is(drainNew(core, loop).length, 2);
  assert.is(producer.field('bellArmed'), 1);
  producer.fd(a.fd, a.seq, EV.IN);
  assert.is(producer.doorbells, 2);
});

test('head and tail wrap past 2^32 without losing or repeating entries', () => {
  const { core, x, loop, global, producer } = setup({ ringCapacity: 16 });
  const start = 2 ** 32 - 5;
  producer.setField('head', start);
  producer.setField('tail', start);
  // Registered after the jump: a real ring only moves forward from where a handler was armed.
  const handlers = addFds(x, global, 12, EV.IN | EV.OUT | EV.PRI);
  const bits = [1, 2, 4, 1, 2, 4, 1, 2, 4, 1, 2, 4];
  producer.publish(entriesFor(handlers, bits));
  assert.is(producer.head, 7, 'head wrapped');
  assert.equal(drainNew(core, loop).map((e) => e.value), bits);
  assert.is(producer.tail, 7);
  assert.is(x.ctxStat(global, STAT.ringHighWater), 12);
});

test('a full ring makes the producer wait; the drain clears the flag and reports it once', () => {
  const { core, x, loop, global, producer } = setup({ ringCapacity: 16 });
  const ok = producer.publish(entriesFor(addFds(x, global, 17, EV.IN), EV.IN));
  assert.is(ok, false);
  assert.is(producer.field('producerWaiting'), 1);
  assert.is(x.loopBatchDone(loop), 0, 'not before the drain made room');
  assert.is(drainNew(core, loop).length, 16);
  assert.is(producer.field('producerWaiting'), 0);
  assert.is(x.loopBatchDone(loop), 1);
  assert.is(x.loopBatchDone(loop), 0, 'reported once');
  assert.is(x.ctxStat(global, STAT.ringHighWater), 16);
});

test('one drain takes at most a batch; the rest is pending and the bell stays unarmed', () => {
  const { core, x, loop, global, producer } = setup({ ringCapacity: 8192 });
  producer.publish(entriesFor(addFds(x, global, 5000, EV.IN), EV.IN));
  assert.is(drainNew(core, loop).length, 4096);
  assert.is(x.loopPending(loop), 1);
  assert.is(producer.field('bellArmed'), 0, 'TS drains again without waiting for a doorbell');
  assert.is(drainNew(core, loop).length, 904);
  assert.is(x.loopPending(loop), 0);
  assert.is(producer.field('bellArmed'), 1);
});

test('an entry for a removed handler is dropped as stale, counted on the global context', () => {
  const { core, x, loop, global, ctx, producer } = setup();
  const h = addFd(x, ctx, 3, EV.IN);
  producer.fd(3, h.seq, EV.IN);
  x.handlerRemove(h.slot);
  assert.equal(drainNew(core, loop), []);
  assert.is(x.ctxStat(global, STAT.staleDropped), 1);
});

test('an entry from before a re-registration (old seq) is dropped; the new one is delivered', () => {
  const { core, x, loop, ctx, producer } = setup();
  const old = addFd(x, ctx, 3, EV.IN, 4, 100);
  producer.fd(3, old.seq, EV.IN);
  x.handlerRemove(old.slot);
  const now = addFd(x, ctx, 3, EV.IN, 4, 101);
  producer.fd(3, now.seq, EV.IN);
  assert.equal(drainNew(core, loop), [{ slot: now.slot, gen: now.gen, value: EV.IN }]);
});

test('an entry whose bits the handler does not want is dropped, counted on its context', () => {
  const { core, x, loop, ctx, producer } = setup();
  const h = addFd(x, ctx, 3, EV.IN);
  x.handlerModify(h.slot, 0);
  producer.fd(3, h.seq, EV.IN);
  assert.equal(drainNew(core, loop), []);
  assert.is(x.ctxStat(ctx, STAT.staleDropped), 1);
});

test('an entry naming an fd of another loop is not delivered through this one', () => {
  const { core, x, loop } = setup();
  const otherLoop = x.loopCreate(16);
  const other = x.ctxCreate(otherLoop, 0);
  const h = addFd(x, other, 3, EV.IN);
  new Producer(core, loop).fd(3, h.seq, EV.IN);
  assert.equal(drainNew(core, loop), []);
  assert.is(x.ctxStat(other, STAT.dispatched), 0);
});

test('a dispatch entry of a handler removed afterwards no longer matches its generation', () => {
  const { core, x, loop, ctx, producer } = setup();
  const h = addFd(x, ctx, 3, EV.IN);
  producer.fd(3, h.seq, EV.IN);
  const [entry] = drainNew(core, loop);
  assert.is(x.handlerGen(entry.slot), entry.gen);
  x.handlerRemove(h.slot);
  assert.is(x.handlerGen(entry.slot), 0);
  const reuse = addFd(x, ctx, 4, EV.IN);
  assert.is.not(x.handlerGen(entry.slot), entry.gen, reuse.slot === entry.slot ? 'slot reused, new generation' : 'free slot');
});

test('unknown and RESCAN entries are consumed without effect', () => {
  const { core, loop, producer } = setup();
  producer.publish([{ fd: 0, kind: KIND.RESCAN }, { fd: 0, kind: 77 }]);
  assert.equal(drainNew(core, loop), []);
  assert.is(producer.tail, 2);
});

test.run();
