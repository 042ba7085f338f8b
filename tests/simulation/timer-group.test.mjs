import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Simulation, EvwheelError } from 'evwheel/sim';

const MODES = ['thread', 'signal', 'poll'];

/** In poll mode nothing is delivered unless someone polls: advance in small steps, polling. */
function run(sim, ctx, ms) {
  if (ctx.mode !== 'poll') return sim.advance(ms);
  for (let t = 0; t < ms - 1e-9; t += 0.05) { sim.advance(Math.min(0.05, ms - t)); ctx.poll(); }
}

const at = (sim) => Math.round(sim.now * 1e3) / 1e3;

function setup(mode) {
  const sim = Simulation.create({ seed: 11 });
  const ctx = sim.createContext({ mode });
  const log = [];
  const group = ctx.createTimerGroup((n, id, g) => log.push([at(sim), id, n, g]));
  return { sim, ctx, group, log };
}

for (const mode of MODES) {
  const test = suite(`timer group (${mode})`);

  test('each timer fires on its own schedule with its id and the group', () => {
    const { sim, ctx, group, log } = setup(mode);
    const a = group.add(0.2);
    const b = group.add(0.35);
    assert.ok(Number.isInteger(a) && Number.isInteger(b) && a !== b);
    run(sim, ctx, 0.6);
    assert.equal(log.map(([t, id, n]) => [t, id, n]), [[0.2, a, 1], [0.35, b, 1], [0.4, a, 1], [0.6, a, 1]]);
    assert.ok(log.every(([, , , g]) => g === group));
    assert.is(group.size, 2);
  });

  test('a one-shot timer fires once and leaves the group', () => {
    const { sim, ctx, group, log } = setup(mode);
    const id = group.add(0.1, { once: true });
    run(sim, ctx, 0.5);
    assert.equal(log.map(([t, i, n]) => [t, i, n]), [[0.1, id, 1]]);
    assert.is(group.has(id), false);
    assert.is(group.size, 0);
    assert.is(ctx.stats().handlers, 0);
  });

  test('remove() answers whether it removed, and the timer never fires again', () => {
    const { sim, ctx, group, log } = setup(mode);
    const id = group.add(0.1);
    assert.is(group.remove(id), true);
    assert.is(group.remove(id), false);
    assert.is(group.has(id), false);
    assert.is(group.interval(id), undefined);
    run(sim, ctx, 0.5);
    assert.equal(log, []);
    assert.is(group.size, 0);
  });

  test('ids of other groups and of Timer objects are not this group\'s', () => {
    const { ctx, group } = setup(mode);
    const other = ctx.createTimerGroup(() => {});
    const theirs = other.add(1);
    const timer = ctx.addTimer(1, () => {});
    assert.is(group.remove(theirs), false);
    assert.is(group.remove(timer.id), false);
    assert.is(group.has(theirs), false);
    assert.is(other.has(theirs), true);
    assert.is(timer.active, true);
    assert.is(group.remove(0), false);
    assert.is(group.remove(-5), false);
  });

  test('a removed timer\'s id does not name the timer that reuses its slot', () => {
    const { group } = setup(mode);
    const old = group.add(1);
    group.remove(old);
    const reused = group.add(1);
    assert.is.not(reused, old);
    assert.is(group.remove(old), false);
    assert.is(group.has(reused), true);
  });

  test('interval() gives the interval as the timer runs', () => {
    const { group } = setup(mode);
    assert.is(group.interval(group.add(1.5)), 1.5);
    assert.is(group.interval(group.add(0.05)), 0.05);
  });

  test('clear() removes every timer and the group stays usable', () => {
    const { sim, ctx, group, log } = setup(mode);
    group.add(0.1);
    group.add(0.2, { once: true });
    group.clear();
    assert.is(group.size, 0);
    assert.is(ctx.stats().handlers, 0);
    run(sim, ctx, 0.3);
    assert.equal(log, []);
    const id = group.add(0.1);
    run(sim, ctx, 0.1);
    assert.equal(log.map(([, i]) => i), [id]);
  });

  test('a callback may remove its own one-shot timer and add one that takes its slot', () => {
    const sim = Simulation.create({ seed: 11 });
    const ctx = sim.createContext({ mode });
    const fired = [];
    let next;
    const group = ctx.createTimerGroup((n, id, g) => {
      fired.push(id);
      if (fired.length === 1) {
        assert.is(g.remove(id), true);
        next = g.add(0.1, { once: true });
      }
    });
    const first = group.add(0.1, { once: true });
    run(sim, ctx, 0.1);
    assert.is(group.has(next), true, 'the new timer survives the one-shot clean-up of the old');
    run(sim, ctx, 0.1);
    assert.equal(fired, [first, next]);
    assert.is(group.size, 0);
  });

  test('blocked: expirations wait in the missed queue, coalesced per timer, in order', () => {
    const { sim, ctx, group, log } = setup(mode);
    const a = group.add(0.1);
    const b = group.add(0.25);
    ctx.block();
    run(sim, ctx, 0.5);
    assert.equal(log, []);
    ctx.unblock();
    ctx.checkMissed();
    assert.equal(log.map(([, id, n]) => [id, n]), [[a, 5], [b, 2]]);
  });

  test('a throwing callback goes to the context\'s error listeners, with the group', () => {
    const sim = Simulation.create({ seed: 11 });
    const ctx = sim.createContext({ mode });
    const boom = new Error('boom');
    const group = ctx.createTimerGroup(() => { throw boom; });
    const seen = [];
    ctx.on('error', (err, source) => seen.push([err, source]));
    group.add(0.1, { once: true });
    run(sim, ctx, 0.2);
    assert.equal(seen, [[boom, group]]);
    assert.is(group.size, 0, 'a one-shot leaves even when its callback threw');
  });

  test('close() removes the group\'s timers; adding afterwards is ERR_CONTEXT_CLOSED', () => {
    const { sim, ctx, group, log } = setup(mode);
    const id = group.add(0.1);
    ctx.close();
    assert.is(group.size, 0);
    assert.is(group.has(id), false);
    sim.advance(0.3); // poll() itself is ERR_CONTEXT_CLOSED now
    assert.equal(log, []);
    assert.throws(() => group.add(1), (err) => err.code === 'ERR_CONTEXT_CLOSED');
    assert.throws(() => ctx.createTimerGroup(() => {}), (err) => err.code === 'ERR_CONTEXT_CLOSED');
  });

  test('bad input is ERR_INVALID_ARG and changes nothing', () => {
    const { ctx, group } = setup(mode);
    const id = group.add(1);
    const bad = [() => group.add(0), () => group.add(-1), () => group.add(Number.NaN), () => group.add('1'),
      () => group.add(1, { once: 'yes' }), () => group.remove('x'), () => group.remove(1.5), () => group.has(null),
      () => ctx.createTimerGroup('not a function')];
    for (const call of bad) assert.throws(call, (err) => err instanceof EvwheelError && err.code === 'ERR_INVALID_ARG');
    assert.is(group.size, 1);
    assert.is(group.has(id), true);
    assert.is(ctx.stats().handlers, 1);
  });

  test.run();
}
