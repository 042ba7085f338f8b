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

  test.run();
}
