// Contexts, missed queues and the dispatch list against a reference model, over random sequences of
// adds, removals, modifies, blocks, ring entries (live, stale, seq 0), timer expiries, drains,
// entries taken (and deferred) as TS takes them, and resets. After every step the dispatch list and
// every counter of every context must match the model exactly. One loop, fds not REARM.
import { test } from 'uvu';
import fc from 'fast-check';
import { setup, dispatched, take, FLAG, STAT } from './harness.mjs';

const ERR = 0x8, HUP = 0x10, ALL = 0x1f;
const eff = (i) => (i ? (i | ERR | HUP) & ALL : 0);
const LANES = 8;

const arbOp = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('addFd'), c: fc.nat(2), fd: fc.integer({ min: 3, max: 9 }), interest: fc.nat(ALL), edge: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('addTimer'), c: fc.nat(2), k: fc.integer({ min: 1, max: 200 }), once: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('remove'), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('modify'), pick: fc.nat(), interest: fc.nat(ALL) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('block'), c: fc.nat(2) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('unblock'), c: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('take'), c: fc.nat(2) }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('publish'), evs: fc.array(fc.record({ pick: fc.nat(), bits: fc.nat(ALL), stale: fc.nat(9), seq0: fc.boolean() }), { maxLength: 12, size: "max" }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('drain'), step: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3000 })) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('run'), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('defer'), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('reset') }) },
);

function run(ops) {
  const env = setup({ ringCapacity: 64, maxHandlers: 4 });
  const { core, x, loop, producer } = env;
  const ctx2 = x.ctxCreate(loop, 3);
  const ctxIdx = [env.global, env.ctx, ctx2];
  const C = ctxIdx.map((idx, i) => ({ idx, max: i === 0 ? Infinity : i === 1 ? 4 : 3, block: 0, handlers: 0, missed: [], st: { d: 0, m: 0, co: 0, sd: 0 } }));
  const H = new Map(); // slot -> handler (live only)
  const oldRegs = []; // {fd, seq} of removed fd handlers
  const fdOwner = new Map();
  let list = []; // the dispatch list; a taken or dropped entry has slot -1
  let rangeStart = 0; // where the current drain's (or missed take's) entries begin
  let now = 0;
  let seqCounter = 1;
  const log = [];
  const fail = (msg) => { throw new Error(`${msg}\n${log.join('\n')}`); };

  const merge = (h, a, b) => (h.kind === 'fd' ? a | b : Math.min(2 ** 31 - 1, a + b));
  const pendingIndex = (h) => list.findIndex((e) => e.slot === h.slot && e.gen === h.gen);
  /**
   * A delivery: joins the handler's pending entry if it has one — in place within the current
   * range, else moved to the end with it (an outer batch's entry would run after newer events).
   */
  const toList = (h, value) => {
    const i = pendingIndex(h);
    if (i >= 0) {
      C[h.c].st.co++;
      const merged = merge(h, list[i].value, value);
      if (i >= rangeStart) { list[i].value = merged; return; }
      list[i].slot = -1;
      value = merged;
      C[h.c].st.d--;
    }
    list.push({ slot: h.slot, gen: h.gen, value });
    C[h.c].st.d++;
  };
  const dropPending = (h) => {
    const i = pendingIndex(h);
    if (i < 0) return;
    list[i].slot = -1;
    C[h.c].st.d--;
    C[h.c].st.sd++;
  };
  const addMissed = (h, value) => {
    const c = C[h.c];
    c.st.m++;
    if (h.inMissed) { c.st.co++; h.mv = merge(h, h.mv, h.kind === 'fd' ? value & ALL : value); return; }
    h.inMissed = true; h.mv = h.kind === 'fd' ? value & ALL : value; c.missed.push(h);
  };
  const unlink = (h) => { if (!h.inMissed) return; const c = C[h.c]; c.missed.splice(c.missed.indexOf(h), 1); h.inMissed = false; h.mv = 0; };
  const flush = (c) => {
    while (c.missed.length) {
      const h = c.missed[0]; let v = h.mv; unlink(h);
      if (h.kind === 'fd') v &= eff(h.interest);
      if (v === 0) c.st.sd++; else toList(h, v);
    }
  };
  const deliver = (h, value) => {
    const c = C[h.c];
    if (c.block > 0) { addMissed(h, value); return; }
    if (c.missed.length) flush(c);
    toList(h, value);
  };
  /** TS takes entry `i` before its callback; -1 if there is none left to take. */
  const takeEntry = (n) => {
    const open = list.map((e, i) => (e.slot >= 0 ? i : -1)).filter((i) => i >= 0);
    if (!open.length) return -1;
    const i = open[n % open.length];
    take(core, i, i + 1);
    log.push(`take entry ${i}`);
    return i;
  };
  const pick = (n) => { const hs = [...H.values()]; return hs.length ? hs[n % hs.length] : null; };

  for (const op of ops) {
    if (op.t === 'addFd') {
      const flags = op.edge ? FLAG.EDGE : 0;
      const r = x.fdAdd(C[op.c].idx, op.fd, op.interest, flags);
      log.push(`fdAdd(ctx${op.c}, ${op.fd}, ${op.interest}, ${flags}) -> ${r}`);
      let exp;
      if (fdOwner.has(op.fd)) exp = -2; else if (C[op.c].handlers >= C[op.c].max) exp = -1; else exp = 'ok';
      if (exp !== 'ok') { if (r !== exp) fail(`fdAdd returned ${r}, expected ${exp}`); continue; }
      if (r < 0) fail(`fdAdd failed ${r}`);
      if (H.has(r)) fail('slot reused while live');
      const seq = seqCounter++;
      x.fdSetSeq(r, seq);
      const h = { slot: r, gen: x.handlerGen(r), c: op.c, kind: 'fd', fd: op.fd, seq, interest: op.interest, inMissed: false, mv: 0 };
      H.set(r, h); fdOwner.set(op.fd, h); C[op.c].handlers++;
    } else if (op.t === 'addTimer') {
      const used = new Set([...H.values()].filter((h) => h.kind === 'timer').map((h) => h.lane));
      let lane = -1; for (let i = 0; i < LANES; i++) if (!used.has(i)) { lane = i; break; }
      if (lane < 0) continue;
      const interval = op.k * LANES;
      const addNow = now + (((lane - now) % LANES) + LANES) % LANES;
      const r = x.timerAdd(C[op.c].idx, interval, addNow, op.once ? FLAG.ONCE : 0);
      log.push(`timerAdd(ctx${op.c}, ${interval}, ${addNow}, ${op.once ? 1 : 0}) -> ${r}`);
      if (C[op.c].handlers >= C[op.c].max) { if (r !== -1) fail(`timerAdd ${r} expected -1`); continue; }
      if (r < 0) fail(`timerAdd failed ${r}`);
      const h = { slot: r, gen: x.handlerGen(r), c: op.c, kind: 'timer', lane, interval, deadline: addNow + interval, once: op.once, fired: false, inMissed: false, mv: 0 };
      H.set(r, h); C[op.c].handlers++;
    } else if (op.t === 'remove') {
      const h = pick(op.pick); if (!h) continue;
      x.handlerRemove(h.slot); log.push(`handlerRemove(${h.slot})`);
      if (h.inMissed) C[h.c].st.sd++;
      unlink(h); dropPending(h); H.delete(h.slot); C[h.c].handlers--;
      if (h.kind === 'fd') { fdOwner.delete(h.fd); oldRegs.push({ fd: h.fd, seq: h.seq }); }
    } else if (op.t === 'modify') {
      const h = pick(op.pick); if (!h || h.kind !== 'fd') continue;
      x.handlerModify(h.slot, op.interest); log.push(`handlerModify(${h.slot}, ${op.interest})`);
      h.interest = op.interest;
      const i = pendingIndex(h);
      if (i >= 0) {
        const v = list[i].value & eff(h.interest);
        if (v === 0) dropPending(h); else list[i].value = v;
      }
    } else if (op.t === 'block') {
      const r = x.ctxBlock(C[op.c].idx); log.push(`ctxBlock(ctx${op.c}) -> ${r}`);
      const exp = op.c === 0 ? 0 : ++C[op.c].block;
      if (r !== exp) fail(`ctxBlock ${r} expected ${exp}`);
    } else if (op.t === 'unblock') {
      const r = x.ctxUnblock(C[op.c].idx); log.push(`ctxUnblock(ctx${op.c}) -> ${r}`);
      const exp = C[op.c].block === 0 ? -4 : --C[op.c].block;
      if (r !== exp) fail(`ctxUnblock ${r} expected ${exp}`);
    } else if (op.t === 'take') {
      const r = x.ctxTakeMissed(C[op.c].idx); log.push(`ctxTakeMissed(ctx${op.c}) -> ${r}`);
      rangeStart = list.length;
      if (C[op.c].block === 0) flush(C[op.c]);
    } else if (op.t === 'publish') {
      const entries = [];
      for (const e of op.evs) {
        const fds = [...H.values()].filter((h) => h.kind === 'fd');
        if (e.stale === 0 && oldRegs.length) { const o = oldRegs[e.pick % oldRegs.length]; entries.push({ fd: o.fd, seq: o.seq, bits: e.bits }); }
        else if (e.stale === 1) entries.push({ fd: 50 + (e.pick % 3), seq: 7, bits: e.bits });
        else if (fds.length) { const h = fds[e.pick % fds.length]; entries.push({ fd: h.fd, seq: e.seq0 ? 0 : h.seq, bits: e.bits }); }
      }
      if (producer.free < entries.length) continue;
      producer.publish(entries, now);
      log.push(`publish(${JSON.stringify(entries)})`);
      // model: entries are processed at the next drain
      pendingRing.push(...entries);
    } else if (op.t === 'drain') {
      now += op.step;
      rangeStart = list.length;
      for (const e of pendingRing) {
        const h = fdOwner.get(e.fd);
        if (!h || (e.seq !== 0 && e.seq !== h.seq)) { C[0].st.sd++; continue; }
        const v = e.bits & eff(h.interest);
        if (v === 0) { C[h.c].st.sd++; continue; }
        deliver(h, v);
      }
      pendingRing.length = 0;
      const fired = [...H.values()].filter((h) => h.kind === 'timer' && !(h.once && h.fired) && h.deadline <= now).sort((a, b) => a.deadline - b.deadline);
      for (const h of fired) {
        let count = 1;
        if (!h.once) { count = 1 + Math.floor((now - h.deadline) / h.interval); h.deadline += count * h.interval; } else h.fired = true;
        deliver(h, count);
      }
      const r = x.drain(loop, now); log.push(`drain(${now}) -> ${r}`);
    } else if (op.t === 'run') {
      const i = takeEntry(op.pick);
      if (i >= 0) list[i].slot = -1;
    } else if (op.t === 'defer') {
      // TS took the entry and found its context blocked meanwhile: it hands it back as missed.
      const i = takeEntry(op.pick);
      if (i < 0) continue;
      const e = { ...list[i] };
      list[i].slot = -1;
      x.defer(e.slot, e.gen, e.value); log.push(`defer(${e.slot}, ${e.gen}, ${e.value})`);
      const h = H.get(e.slot);
      if (h && h.gen === e.gen) { C[h.c].st.d--; addMissed(h, e.value); }
    } else if (op.t === 'reset') {
      x.dispatchReset(); log.push('dispatchReset()'); list = [];
    }
    // checks
    const got = dispatched(core, 0, x.drainStart());
    if (JSON.stringify(got) !== JSON.stringify(list)) fail(`dispatch list\n got ${JSON.stringify(got)}\n exp ${JSON.stringify(list)}`);
    for (let i = 0; i < 3; i++) {
      const c = C[i];
      const s = { d: x.ctxStat(c.idx, STAT.dispatched), m: x.ctxStat(c.idx, STAT.missed), co: x.ctxStat(c.idx, STAT.coalesced), sd: x.ctxStat(c.idx, STAT.staleDropped), h: x.ctxStat(c.idx, STAT.handlers), mp: x.ctxStat(c.idx, STAT.missedPending), bc: x.ctxBlockCount(c.idx), md: x.ctxMustDefer(c.idx) };
      const e = { ...c.st, h: c.handlers, mp: c.missed.length, bc: c.block, md: c.block > 0 || c.missed.length > 0 ? 1 : 0 };
      if (JSON.stringify(s) !== JSON.stringify(e)) fail(`ctx${i} stats got ${JSON.stringify(s)} exp ${JSON.stringify(e)}`);
    }
    for (const h of H.values()) if (x.handlerGen(h.slot) !== h.gen) fail('gen changed');
  }
}
const pendingRing = [];

test('the core matches the model after every step', () => {
  fc.assert(fc.property(fc.array(arbOp, { minLength: 20, maxLength: 150, size: 'max' }), (ops) => {
    pendingRing.length = 0;
    run(ops);
  }), { numRuns: Number(process.env.EVW_MODEL_RUNS ?? 400) });
});

test.run();
