import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Simulation, Events, EvwheelError } from 'evwheel/sim';

const MODES = ['thread', 'signal', 'poll'];

function run(sim, ctx, ms) {
  if (ctx.mode !== 'poll') return sim.advance(ms);
  for (let t = 0; t < ms; t += 0.1) { sim.advance(Math.min(0.1, ms - t)); ctx.poll(); }
}

for (const mode of MODES) {
  const test = suite(`simulation faults (${mode})`);

  test('EINTR, ENOMEM and spurious wake-ups lose nothing: every byte written is read', () => {
    const sim = Simulation.create({ seed: 3, faults: { eintr: 0.5, enomem: 0.3, spurious: 0.3 } });
    const ctx = sim.createContext({ mode, maxHandlers: 16 });
    const pipes = [];
    let read = 0;
    let written = 0;
    for (let i = 0; i < 8; i++) {
      const [r, w] = sim.pipe();
      for (;;) {
        try {
          ctx.setEventHandler(r, Events.IN, () => { read += sim.read(r).length; });
          break;
        } catch (err) {
          // An injected ENOMEM on epoll_ctl ADD: refused cleanly, nothing registered; try again.
          assert.instance(err, EvwheelError);
          assert.is(err.code, 'ERR_SYSTEM');
        }
      }
      pipes.push(w);
    }
    for (let round = 0; round < 50; round++) {
      for (const w of pipes) written += sim.write(w, 'abc');
      run(sim, ctx, 0.5);
    }
    run(sim, ctx, 5);
    assert.is(read, written);
  });

  test('every due expiration is counted, under faults', () => {
    const sim = Simulation.create({ seed: 4, faults: { eintr: 0.5, spurious: 0.5, signalQueue: 1 } });
    const ctx = sim.createContext({ mode });
    let expirations = 0;
    ctx.addTimer(0.1, (n) => { expirations += n; });
    run(sim, ctx, 10);
    assert.is(expirations, 100);
  });

  test.run();
}

const nonBlocking = suite('simulation: faults belong to blocking calls');

nonBlocking('poll(): a non-blocking epoll_wait reports what is ready, whatever the fault rates', () => {
  const sim = Simulation.create({ seed: 11, faults: { eintr: 0.9, spurious: 0.9 } });
  const ctx = sim.createContext({ mode: 'poll' });
  const [r, w] = sim.pipe();
  let calls = 0;
  ctx.setEventHandler(r, Events.IN, () => { calls++; sim.read(r); });
  for (let i = 1; i <= 50; i++) {
    sim.write(w, 'x');
    ctx.poll();
    assert.is(calls, i, `write ${i} was delivered by the very next poll()`);
  }
});

nonBlocking.run();

const overflow = suite('simulation: signal-queue overflow');

overflow('a queue of 2 signals and 32 pipes made ready at once: all delivered, rescans counted', () => {
  const sim = Simulation.create({ seed: 5, faults: { signalQueue: 2 } });
  const ctx = sim.createContext({ mode: 'signal', maxHandlers: 32 });
  const seen = new Set();
  const writers = [];
  for (let i = 0; i < 32; i++) {
    const [r, w] = sim.pipe();
    ctx.setEventHandler(r, Events.IN, () => { seen.add(i); sim.read(r); });
    writers.push(w);
  }
  for (const w of writers) sim.write(w, 'x');
  sim.advance(1);
  assert.is(seen.size, 32);
  assert.ok(ctx.stats().rescans >= 1, 'the overflow went through the rescan path');
});

overflow.run();
