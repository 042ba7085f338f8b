/**
 * Runs one generated sequence of operations against the simulation and against the reference
 * model, and compares every delivery. Shared by `npm test` (fixed seeds) and `npm run fuzz`.
 */
import fc from 'fast-check';
import { Events, EvwheelError, Simulation, type AsyncContext, type FdHandler, type Timer } from 'evwheel/sim';
import { IN, Model, type Delivery, type Mode } from './model.js';

// Few handlers and long sequences: what matters is many operations on the same handler.
export const PIPES = 2;
/** Even-numbered timers are Timer objects (addTimer), odd ones ids of a TimerGroup: the model is the same. */
const TIMERS = 2;
const INTERVALS_MS = [0.1, 0.25, 0.4, 1];

export type Op =
  | { op: 'write'; p: number; n: number }
  | { op: 'add'; p: number; interest: number; edge?: boolean }
  | { op: 'modify'; p: number; interest: number }
  | { op: 'remove'; p: number }
  | { op: 'addTimer'; t: number; ms: number }
  | { op: 'removeTimer'; t: number }
  | { op: 'block' }
  | { op: 'unblock' }
  | { op: 'checkMissed' }
  | { op: 'advance'; ms: number };

export interface Scenario {
  seed: number;
  faults: { eintr: number; enomem: number; spurious: number; signalQueue: number };
  ops: Op[];
}

const pipe = fc.integer({ min: 0, max: PIPES - 1 });
const interest = fc.constantFrom(0, IN);

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('write' as const), p: pipe, n: fc.integer({ min: 1, max: 5 }) }) },
  // edge: callbacks drain their pipe, so an edge-triggered handler must be delivered exactly like a
  // level-triggered one; what differs is the path through the kernel layer (no re-arm).
  { weight: 3, arbitrary: fc.record({ op: fc.constant('add' as const), p: pipe, interest, edge: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('modify' as const), p: pipe, interest }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), p: pipe }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('addTimer' as const), t: fc.integer({ min: 0, max: TIMERS - 1 }), ms: fc.constantFrom(...INTERVALS_MS) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('removeTimer' as const), t: fc.integer({ min: 0, max: TIMERS - 1 }) }) },
  { weight: 2, arbitrary: fc.constant({ op: 'block' as const }) },
  { weight: 2, arbitrary: fc.constant({ op: 'unblock' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'checkMissed' as const }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.constantFrom(0, 0.05, 0.1, 0.3, 1) }) },
);

export const scenarioArb = (faulty: boolean): fc.Arbitrary<Scenario> => fc.record({
  seed: fc.integer({ min: 0, max: 0xffffffff }),
  faults: faulty
    ? fc.record({
      eintr: fc.constantFrom(0, 0.2, 0.5),
      enomem: fc.constantFrom(0, 0.1, 0.3),
      spurious: fc.constantFrom(0, 0.2),
      signalQueue: fc.constantFrom(0, 1, 2),
    })
    : fc.constant({ eintr: 0, enomem: 0, spurious: 0, signalQueue: 0 }),
  ops: fc.array(opArb, { maxLength: 80, size: 'max' }), // 'small' (the default) would keep them to ~10 ops
});

/** Deliveries grouped by virtual instant; within one instant the kernel's order is not the contract. */
function canonical(list: Delivery[]): string[] {
  return list.map((d) => `${d.t}:${d.key}=${d.value}${d.bytes === undefined ? '' : `/${d.bytes}b`}`)
    .sort((a, b) => {
      const ta = Number(a.slice(0, a.indexOf(':')));
      const tb = Number(b.slice(0, b.indexOf(':')));
      return ta - tb || (a < b ? -1 : a > b ? 1 : 0);
    });
}

/** What each handler received in all: bytes per pipe, expirations per timer. */
function totals(list: Delivery[]): string {
  const sums = new Map<string, number>();
  for (const d of list) sums.set(d.key, (sums.get(d.key) ?? 0) + (d.bytes ?? d.value));
  return [...sums].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(' ');
}

const faultFree = (s: Scenario) => s.faults.eintr === 0 && s.faults.enomem === 0 && s.faults.spurious === 0 && s.faults.signalQueue === 0;

/**
 * Fails (throws) when the simulation breaks the model. Without faults every delivery must match,
 * time included. With faults a delivery may come later than the model says (a re-arm refused
 * with ENOMEM is retried on the next step or poll) — possibly after the handler was paused or
 * removed meanwhile — but nothing is lost: after a final flush that unblocks and re-enables
 * every handler, every watched pipe has been read empty and every timer credited with exactly
 * the model's expirations. At all times: no callback while blocked or paused.
 */
export function runScenario(mode: Mode, scenario: Scenario): void {
  const sim = Simulation.create({ seed: scenario.seed, faults: scenario.faults });
  const ctx: AsyncContext = sim.createContext({ mode, maxHandlers: PIPES + TIMERS });
  const model = new Model(mode, PIPES);
  const actual: Delivery[] = [];
  const nowNs = () => Math.round(sim.now * 1e6);
  const pipes = Array.from({ length: PIPES }, () => sim.pipe());
  const fdHandlers: (FdHandler | undefined)[] = [];
  const timers: (Timer | undefined)[] = [];
  const groupIds: (number | undefined)[] = [];

  const whileBlocked: string[] = [];
  const edge: boolean[] = [];
  /** Pipes that ever had an edge-triggered handler, and the bytes written to each. */
  const everEdge = new Set<string>();
  const written = new Map<string, number>();
  const onFd = (p: number) => (events: number) => {
    if (ctx.isBlocked || fdHandlers[p]!.events === 0) whileBlocked.push(`p${p}`);
    const bytes = sim.read(pipes[p][0]).length;
    // Edge-triggered readiness is reported when it happens; an earlier callback may have read the
    // bytes before this one runs (a signal-mode modify reports what is ready at once, say): the
    // call is redundant, and harmless to a callback that reads until EAGAIN as edge ones must.
    // Nothing is lost either way: the bytes are in some delivery, which the comparison checks.
    if (edge[p] && bytes === 0) return;
    actual.push({ t: nowNs(), key: `p${p}`, value: events, bytes });
  };
  const timerFired = (t: number, n: number) => {
    if (ctx.isBlocked) whileBlocked.push(`t${t}`);
    actual.push({ t: nowNs(), key: `t${t}`, value: n });
  };
  const onTimer = (t: number) => (n: number) => timerFired(t, n);
  const group = ctx.createTimerGroup((n, id) => {
    const t = groupIds.indexOf(id);
    if (t < 0) throw new Error(`the group delivered id ${id}, which is none of its live timers`);
    timerFired(t, n);
  });
  const inGroup = (t: number) => t % 2 === 1;
  /** A system call failed by an injected fault: the call must have changed nothing. */
  const faulted = (err: unknown) => err instanceof EvwheelError && err.code === 'ERR_SYSTEM';

  const exact = faultFree(scenario);
  const flush: Op[] = exact ? [] : [
    { op: 'unblock' }, { op: 'unblock' },
    ...Array.from({ length: PIPES }, (_, p) => ({ op: 'modify' as const, p, interest: IN })),
    { op: 'checkMissed' },
    ...Array.from({ length: 8 }, () => ({ op: 'advance' as const, ms: 0 })),
  ];
  let opIndex = 0;
  for (const o of [...scenario.ops, ...flush]) {
    const inFlush = opIndex++ >= scenario.ops.length;
    switch (o.op) {
      case 'write':
        sim.write(pipes[o.p][1], 'x'.repeat(o.n));
        model.write(o.p, o.n);
        written.set(`p${o.p}`, (written.get(`p${o.p}`) ?? 0) + o.n);
        break;
      case 'add':
        if (model.hasHandler(o.p)) break;
        try {
          fdHandlers[o.p] = ctx.setEventHandler(pipes[o.p][0], o.interest === IN ? Events.IN : 0, onFd(o.p), { edge: o.edge ?? false });
          edge[o.p] = o.edge ?? false;
          if (edge[o.p]) everEdge.add(`p${o.p}`);
          model.addFd(o.p, o.interest);
        } catch (err) {
          if (!faulted(err)) throw err;
        }
        break;
      case 'modify':
        if (!model.hasHandler(o.p)) break;
        // The flush only resumes paused handlers: one that wants IN must get it without help.
        if (inFlush && !model.isPaused(o.p)) break;
        // The final flush must re-enable every handler: an injected ENOMEM is simply retried.
        for (let attempt = 0; attempt < (inFlush ? 64 : 1); attempt++) {
          try {
            fdHandlers[o.p]!.modify(o.interest);
            model.modify(o.p, o.interest);
            break;
          } catch (err) {
            if (!faulted(err)) throw err;
          }
        }
        break;
      case 'remove':
        if (!model.hasHandler(o.p)) break;
        fdHandlers[o.p]!.remove();
        model.removeFd(o.p);
        break;
      case 'addTimer':
        if (model.hasTimer(`t${o.t}`)) break;
        if (inGroup(o.t)) groupIds[o.t] = group.add(o.ms);
        else timers[o.t] = ctx.addTimer(o.ms, onTimer(o.t));
        model.now = nowNs();
        model.addTimer(`t${o.t}`, Math.round(o.ms * 1e6));
        break;
      case 'removeTimer':
        if (!model.hasTimer(`t${o.t}`)) break;
        if (!inGroup(o.t)) timers[o.t]!.remove();
        else if (!group.remove(groupIds[o.t]!)) throw new Error(`t${o.t}: the group no longer had its timer`);
        groupIds[o.t] = undefined;
        model.removeTimer(`t${o.t}`);
        break;
      case 'block':
        // Nesting beyond 2 adds nothing but keeps the context blocked for most of a sequence.
        if (model.blockDepth >= 2) break;
        ctx.block();
        model.block();
        break;
      case 'unblock':
        if (!model.isBlocked) break;
        ctx.unblock();
        model.unblock();
        break;
      case 'checkMissed':
        ctx.checkMissed();
        model.checkMissed();
        break;
      case 'advance':
        if (mode === 'poll') {
          sim.advance(o.ms);
          model.advancePoll(Math.round(o.ms * 1e6));
          ctx.poll();
          model.run();
        } else {
          sim.advance(o.ms);
          model.advanceAsync(Math.round(o.ms * 1e6));
        }
        break;
    }
  }
  if (whileBlocked.length > 0) throw new Error(`callbacks ran while the context was blocked: ${whileBlocked.join(', ')}`);
  if (!exact) {
    const left = pipes.map(([r], p) => (model.hasHandler(p) ? sim.read(r).length : 0));
    if (left.some((n) => n > 0)) throw new Error(`bytes never delivered under faults: ${left.map((n, p) => `p${p}=${n}`).join(' ')}`);
    const timerTotals = (list: Delivery[]) => totals(list.filter((d) => d.key.startsWith('t')));
    if (timerTotals(actual) !== timerTotals(model.deliveries)) {
      throw new Error(`timer expirations differ under faults:\n  simulation: ${timerTotals(actual)}\n  model:      ${timerTotals(model.deliveries)}`);
    }
    while (ctx.isBlocked) ctx.unblock();
    ctx.close();
    return;
  }
  // An edge-triggered report that an earlier callback made redundant (see onFd) is still delivered
  // later; if bytes were written meanwhile, that callback reads them before the model would. So an
  // edge pipe's deliveries may come early: for those pipes, every byte the model delivered must
  // have been delivered, none twice (never more than was written); the rest is compared exactly.
  for (const key of everEdge) {
    const bytes = (list: Delivery[]) => list.filter((d) => d.key === key).reduce((sum, d) => sum + (d.bytes ?? 0), 0);
    const [sim, want] = [bytes(actual), bytes(model.deliveries)];
    if (sim < want || sim > (written.get(key) ?? 0)) {
      throw new Error(`${key} (edge-triggered): ${sim} bytes delivered, the model ${want}, ${written.get(key) ?? 0} written`);
    }
  }
  const exactly = (list: Delivery[]) => list.filter((d) => !everEdge.has(d.key));
  const got = canonical(exactly(actual));
  const want = canonical(exactly(model.deliveries));
  if (got.join('\n') !== want.join('\n')) {
    let first = 0;
    while (first < Math.min(got.length, want.length) && got[first] === want[first]) first++;
    throw new Error(`deliveries differ from the model at #${first}:\n  simulation: ${got.slice(first, first + 4).join(', ')}\n  model:      ${want.slice(first, first + 4).join(', ')}`);
  }
  while (ctx.isBlocked) ctx.unblock();
  ctx.close();
}
