import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Simulation, Events } from 'evwheel/sim';

const MODES = ['thread', 'signal', 'poll'];

/** In poll mode nothing is delivered unless someone polls: advance in small steps, polling. */
function run(sim, ctx, ms) {
  if (ctx.mode !== 'poll') return sim.advance(ms);
  for (let t = 0; t < ms; t += 0.1) { sim.advance(Math.min(0.1, ms - t)); ctx.poll(); }
}

for (const mode of MODES) {
  const test = suite(`simulation (${mode})`);

  test('a virtual pipe: the handler sees IN and reads what was written', () => {
    const sim = Simulation.create({ seed: 7 });
    const ctx = sim.createContext({ mode });
    const [r, w] = sim.pipe();
    const got = [];
    ctx.setEventHandler(r, Events.IN, (events) => got.push([events, new TextDecoder().decode(sim.read(r))]));
    sim.write(w, 'abc');
    run(sim, ctx, 1);
    assert.equal(got, [[Events.IN, 'abc']]);
  });

  test('timers fire at their exact virtual deadlines', () => {
    const sim = Simulation.create({ seed: 7 });
    const ctx = sim.createContext({ mode });
    const at = [];
    ctx.addTimer(0.25, (n) => at.push([Math.round(sim.now * 1e3) / 1e3, n]));
    if (mode === 'poll') {
      for (let i = 0; i < 4; i++) { sim.advance(0.25); ctx.poll(); }
    } else {
      sim.advance(1);
    }
    assert.equal(at, [[0.25, 1], [0.5, 1], [0.75, 1], [1, 1]]);
  });

  test('blocked: one missed entry, expirations counted, delivered by checkMissed()', () => {
    const sim = Simulation.create({ seed: 7 });
    const ctx = sim.createContext({ mode });
    const got = [];
    ctx.addTimer(0.1, (n) => got.push(n));
    ctx.block();
    run(sim, ctx, 1);
    assert.equal(got, []);
    ctx.unblock();
    ctx.checkMissed();
    assert.equal(got, [10]);
  });

  test('the same seed and the same calls give the same trace', () => {
    const trace = (seed) => {
      const sim = Simulation.create({ seed, faults: { eintr: 0.3, spurious: 0.2 } });
      const ctx = sim.createContext({ mode });
      const [r, w] = sim.pipe();
      const log = [];
      ctx.setEventHandler(r, Events.IN, (e) => log.push(['fd', sim.now, e, sim.read(r).length]));
      ctx.addTimer(0.3, (n) => { log.push(['timer', sim.now, n]); sim.write(w, 'x'); });
      run(sim, ctx, 5);
      return JSON.stringify(log);
    };
    assert.is(trace(42), trace(42));
  });

  test('months of virtual time later, timers still fire on time (virtual time is int64 nanoseconds)', () => {
    const sim = Simulation.create({ seed: 7 });
    sim.advance(2e11); // about 6 years: a double no longer names every nanosecond
    const ctx = sim.createContext({ mode });
    const start = sim.now;
    let expirations = 0;
    ctx.addTimer(0.5, (n) => { expirations += n; });
    run(sim, ctx, 10);
    assert.ok(expirations >= 19 && expirations <= 20, `${expirations} expirations in 10 ms of 0.5`);
    assert.ok(Math.abs(sim.now - start - 10) < 1e-3, `now moved by ${sim.now - start} ms`);
  });

  test.run();
}

const order = suite('Simulation: order across nested delivery');

// X's callback blocks, lets A then B miss, unblocks, and a newer event D flushes the missed queue
// from a nested poll(), while A's own earlier event still waits in the outer batch behind X.
order('missed events come first, in the order first missed, before a newer one; an outer entry moves with them', () => {
  const sim = Simulation.create({ seed: 1 });
  const ctx = sim.createContext({ mode: 'poll' });
  const [[rX, wX], [rA, wA], [rB, wB], [rD, wD]] = [sim.pipe(), sim.pipe(), sim.pipe(), sim.pipe()];
  const log = [];
  let first = true;
  ctx.setEventHandler(rX, Events.IN, () => {
    log.push('X');
    sim.read(rX);
    if (!first) return;
    first = false;
    ctx.block();
    sim.write(wA, 'a'); ctx.poll();
    sim.write(wB, 'b'); ctx.poll();
    ctx.unblock();
    sim.write(wD, 'd'); ctx.poll();
  }, { edge: true });
  ctx.setEventHandler(rA, Events.IN, (events) => log.push(`A${events}`), { edge: true });
  ctx.setEventHandler(rB, Events.IN, () => { log.push('B'); sim.read(rB); }, { edge: true });
  ctx.setEventHandler(rD, Events.IN, () => { log.push('D'); sim.read(rD); }, { edge: true });
  sim.write(wX, 'x');
  sim.write(wA, 'a');
  ctx.poll();
  assert.equal(log, ['X', `A${Events.IN}`, 'B', 'D'], 'A once, with both its events, before B and D');
});

order.run();

const api = suite('Simulation: bad input');

api('fault probabilities of 1 or more, faults that are not an object, a huge signal queue', () => {
  for (const faults of [{ eintr: 1 }, { spurious: 1.5 }, { enomem: -0.1 }, null, 5, { signalQueue: 2 ** 31 }]) {
    assert.throws(() => Simulation.create({ faults }), (e) => e.code === 'ERR_INVALID_ARG', JSON.stringify(faults));
  }
});

api('advancing virtual time to 2^62 ns (146 years) or past is ERR_INVALID_ARG, and time stays', () => {
  const sim = Simulation.create();
  sim.advance(5);
  assert.throws(() => sim.advance(1e13), (e) => e.code === 'ERR_INVALID_ARG');
  assert.throws(() => sim.advance(2 ** 62 / 1e6), (e) => e.code === 'ERR_INVALID_ARG');
  assert.is(sim.now, 5);
  sim.advance(1);
  assert.is(sim.now, 6);
});

api.run();
