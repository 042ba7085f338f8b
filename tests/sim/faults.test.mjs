// Faults at high probabilities (EINTR on epoll_wait/poll, ENOMEM on epoll_ctl, spurious wake-ups)
// lose nothing: every write eventually produces an entry after re-arms. And determinism: the
// same seed and the same calls give bit-identical traces.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IN, KIND_FD, KIND_RESCAN, ONESHOT, errno, makeSim } from './helpers.mjs';

/** Registers fd, retrying while the simulated kernel says ENOMEM (as a caller of the API would). */
function addRetrying(sim, loop, fd, events, stats) {
  for (;;) {
    const rc = sim.x.evw_fd_add(loop, fd, events);
    if (rc !== -errno.ENOMEM) return rc;
    stats.addFailures++;
    assert.is(sim.x.evw_fd_owner_tid(fd), 0, 'a failed add registers nothing');
  }
}

/** A workload over a threaded loop and a poll loop; returns its full trace. */
function scenario(options, rounds = 150) {
  const sim = makeSim(options);
  const stats = { addFailures: 0, maxIterations: 0 };
  const trace = [];
  const tr = sim.makeRing(32), pr = sim.makeRing(32), sr = sim.makeRing(32);
  const bell = sim.doorbell();
  const threaded = sim.loopNew(tr, bell.w, 1);
  const polled = sim.loopNew(pr);
  const signalled = sim.loopNewSignal(sr, bell.w, sim.x.evw_signal_choose(0));
  assert.ok(threaded > 0 && polled > 0 && signalled > 0, `loops ${threaded} ${polled} ${signalled}`);
  assert.is(sim.x.evw_loop_start(threaded), 0);
  assert.is(sim.x.evw_loop_start(signalled), 0);
  const pipes = [];
  for (let i = 0; i < 24; i++) {
    const p = sim.pipe();
    const loop = [threaded, threaded, polled, signalled][i % 4];
    const seq = addRetrying(sim, loop, p.r, IN | ONESHOT, stats);
    assert.ok(seq > 0, `seq ${seq}`);
    pipes.push({ ...p, loop, seq, waiting: false });
  }
  const byFd = new Map(pipes.map((p) => [p.r, p]));
  let lcg = 12345; // the workload's own choices: fixed, independent of the sim's seed
  const pick = () => { lcg = (Math.imul(lcg, 1103515245) + 12345) >>> 0; return (lcg >>> 16) % pipes.length; };
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < 6; k++) {
      const p = pipes[pick()];
      assert.is(sim.write(p.w, 1), 1);
      p.waiting = true;
    }
    let iterations = 0;
    while (pipes.some((p) => p.waiting)) {
      assert.ok(++iterations < 500, `round ${round}: a write was lost`);
      trace.push(['run', sim.x.sim_run()]);
      trace.push(['poll', sim.x.evw_loop_poll(polled)]);
      for (const [loop, ring] of [[threaded, tr], [polled, pr], [signalled, sr]]) {
        let entries = sim.drain(ring);
        if (loop === signalled && (entries.some((e) => e.kind === KIND_RESCAN) || sim.field(ring, 'rescanRequested'))) {
          sim.setField(ring, 'rescanRequested', 0);
          trace.push(['rescan', sim.x.evw_loop_rescan(loop)]);
          entries = entries.concat(sim.drain(ring));
        }
        if (sim.field(ring, 'producerWaiting')) { sim.setField(ring, 'producerWaiting', 0); sim.x.evw_loop_wake(loop); }
        sim.setField(ring, 'bellArmed', 1);
        const rearm = [];
        for (const e of entries) {
          trace.push([e.fd, e.seq, e.bits, e.kind]);
          if (e.kind !== KIND_FD) continue;
          const p = byFd.get(e.fd);
          assert.ok(e.seq === p.seq || (loop === signalled && e.seq === 0), `seq ${e.seq}`);
          sim.readAll(p.r);
          p.waiting = false;
          rearm.push([p.r, IN | ONESHOT, p.seq]);
        }
        if (rearm.length) trace.push(['rearm', sim.x.evw_loop_rearm(loop, sim.rearmList(rearm), rearm.length)]);
      }
      sim.readAll(bell.r);
    }
    stats.maxIterations = Math.max(stats.maxIterations, iterations);
  }
  assert.is(sim.x.evw_loop_free(threaded), 0);
  assert.is(sim.x.evw_loop_free(polled), 0);
  assert.is(sim.x.evw_loop_free(signalled), 0);
  return { trace, stats, now: sim.x.sim_now() };
}

test('no faults: every write is reported in the first iteration', () => {
  const { stats } = scenario({ seed: 7 });
  assert.is(stats.maxIterations, 1);
  assert.is(stats.addFailures, 0);
});

test('EINTR, ENOMEM and spurious wake-ups at high probabilities lose nothing', () => {
  for (const seed of [1, 2, 3]) {
    const { stats, trace } = scenario({ seed, eintr: 0.5, enomem: 0.5, spurious: 0.5, signalQueue: 2 });
    assert.ok(stats.addFailures > 0, 'ENOMEM on ADD was injected and returned');
    assert.ok(trace.length > 0);
  }
});

test('each fault alone at 0.9 loses nothing', () => {
  scenario({ seed: 11, eintr: 0.9 }, 40);
  scenario({ seed: 12, enomem: 0.9 }, 40);
  scenario({ seed: 13, spurious: 0.9 }, 40);
});

test('same seed twice: identical traces; another seed: another trace', () => {
  const opts = { seed: 42, eintr: 0.3, enomem: 0.3, spurious: 0.3, signalQueue: 2 };
  const a = scenario(opts), b = scenario(opts);
  assert.ok(a.trace.length > 100);
  assert.equal(JSON.stringify(a.trace), JSON.stringify(b.trace));
  assert.equal(a.stats, b.stats);
  const c = scenario({ ...opts, seed: 43 });
  assert.is.not(JSON.stringify(a.trace), JSON.stringify(c.trace));
});

test('signal loop under EINTR on poll: every write still reported', () => {
  const sim = makeSim({ seed: 5, eintr: 0.7, signalQueue: 2 });
  const ring = sim.makeRing(16);
  const loop = sim.loopNewSignal(ring, -1, 40);
  sim.x.evw_loop_start(loop);
  const pipes = Array.from({ length: 6 }, () => sim.pipe());
  const seqs = new Map(pipes.map((p) => [p.r, sim.x.evw_fd_add(loop, p.r, IN)]));
  for (let round = 0; round < 30; round++) {
    const waiting = new Set([pipes[round % 6].r, pipes[(round * 5 + 1) % 6].r]);
    for (const fd of waiting) sim.write(pipes.find((p) => p.r === fd).w);
    for (let it = 0; waiting.size && it < 50; it++) {
      sim.x.sim_run();
      let entries = sim.drain(ring);
      if (entries.some((e) => e.kind !== KIND_FD) || sim.field(ring, 'rescanRequested')) {
        sim.setField(ring, 'rescanRequested', 0);
        sim.x.evw_loop_rescan(loop);
        entries = entries.concat(sim.drain(ring));
      }
      for (const e of entries) {
        if (e.kind !== KIND_FD) continue;
        assert.ok(e.seq === 0 || e.seq === seqs.get(e.fd));
        sim.readAll(e.fd);
        // As the core's consumer does after dispatch: re-arm (one signal per readiness).
        sim.x.evw_fd_mod(loop, e.fd, IN, seqs.get(e.fd));
        waiting.delete(e.fd);
      }
    }
    assert.is(waiting.size, 0, `round ${round}`);
  }
  sim.x.evw_loop_free(loop);
});

test.run();
