// The module's interface: exactly the documented imports (no WASI), every export of the native
// shim plus the sim's own, and fresh instances that share no state.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { IN, makeSim, simPath } from './helpers.mjs';

const module = new WebAssembly.Module(readFileSync(simPath));

test('imports: the four host functions and the memory-growth notification, nothing else', () => {
  const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}:${i.kind}`).sort();
  assert.equal(imports, [
    'env.emscripten_notify_memory_growth:function',
    'env.evw_host_load_u32:function',
    'env.evw_host_store_i64:function',
    'env.evw_host_store_u32:function',
    'env.evw_host_xchg_u32:function',
  ]);
});

test('exports: every evw_* of the native shim and the sim API', () => {
  const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  for (const name of [
    'evw_clock_ns', 'evw_doorbell_new', 'evw_doorbell_close', 'evw_close', 'evw_loop_new', 'evw_loop_free', 'evw_fd_add',
    'evw_fd_mod', 'evw_fd_del', 'evw_loop_rearm', 'evw_loop_arm_timer', 'evw_loop_start', 'evw_loop_stop',
    'evw_loop_wake', 'evw_loop_poll', 'evw_signal_choose', 'evw_loop_new_signal', 'evw_loop_rescan',
    'evw_fd_owner_tid', 'sim_init', 'sim_pipe', 'sim_write', 'sim_read', 'sim_close', 'sim_now',
    'sim_next_timer', 'sim_set_now', 'sim_advance_begin', 'sim_step_to_timer', 'sim_advance_end', 'sim_run',
    'sim_inject_write', 'sim_injections_pending', 'malloc', 'free',
    'memory',
  ]) assert.ok(names.has(name), name);
  assert.not.ok([...names].some((n) => n.startsWith('napi_')), 'no Node-API hook in the sim');
});

test('instances are independent: same fd numbers, separate registries and clocks', () => {
  const a = makeSim(), b = makeSim();
  const pa = a.pipe(), pb = b.pipe();
  assert.equal(pa, pb);
  const la = a.loopNew(a.makeRing(16)), lb = b.loopNew(b.makeRing(16));
  assert.ok(a.x.evw_fd_add(la, pa.r, IN) > 0);
  assert.ok(b.x.evw_fd_add(lb, pb.r, IN) > 0, 'not EEXIST: another kernel');
  a.x.sim_set_now(5);
  assert.is(b.x.sim_now(), 0);
});

test.run();
