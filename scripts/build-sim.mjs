// Builds sim/evwheel-sim.wasm: the shim's shared C (shim/*.c without the Linux-only files) over
// the simulated kernel (sim/*.c), compiled by Emscripten as a standalone Wasm module (no JS glue).
// `node scripts/build-sim.mjs --check` rebuilds into a temp file and exits 1 if it differs from
// the committed sim/evwheel-sim.wasm. Needs emcc (Debian: apt-get install -y emscripten).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join('sim', 'evwheel-sim.wasm');

// Linux-only: pthreads and atexit, libc syscalls, libuv and Node-API (napi_*.c).
const linuxOnly = (f) => f.endsWith('_linux.c') || f.startsWith('napi_');

export const simExports = [
  'evw_clock_ns', 'evw_doorbell_new', 'evw_doorbell_close', 'evw_close', 'evw_loop_new', 'evw_loop_free',
  'evw_fd_add', 'evw_fd_mod', 'evw_fd_del', 'evw_loop_rearm', 'evw_loop_arm_timer',
  'evw_loop_start', 'evw_loop_stop', 'evw_loop_wake', 'evw_loop_poll', 'evw_loop_watch', 'evw_loop_fetch',
  'evw_signal_choose', 'evw_loop_new_signal', 'evw_loop_rescan', 'evw_fd_owner_tid',
  'sim_init', 'sim_pipe', 'sim_write', 'sim_read', 'sim_close', 'sim_now', 'sim_next_timer', 'sim_set_now', 'sim_advance_begin', 'sim_step_to_timer',
  'sim_advance_end', 'sim_run', 'sim_inject_write', 'sim_injections_pending', 'malloc', 'free',
];

function sources() {
  const list = (dir, keep) => readdirSync(join(root, dir)).filter((f) => f.endsWith('.c') && keep(f))
    .sort().map((f) => `${dir}/${f}`);
  return [...list('shim', (f) => !linuxOnly(f)), ...list('sim', () => true)];
}

function build(out) {
  const args = [
    '-std=gnu11', '-O2', '-Wall', '-Wextra', '-fvisibility=hidden',
    '-include', 'sim/linux_abi.h',
    '--no-entry', '-sSTANDALONE_WASM', '-sALLOW_MEMORY_GROWTH', '-sFILESYSTEM=0',
    '-sERROR_ON_UNDEFINED_SYMBOLS=0', // the env.evw_host_* imports
    `-sEXPORTED_FUNCTIONS=${simExports.map((f) => '_' + f).join(',')}`,
    '-o', out, ...sources(),
  ];
  const env = { ...process.env, NODE_PATH: process.env.NODE_PATH || '/usr/share/nodejs' };
  const r = spawnSync('emcc', args, { cwd: root, env, encoding: 'utf8' });
  if (r.error && r.error.code === 'ENOENT') {
    console.error('evwheel: emcc not found: install Emscripten (Debian/Ubuntu: apt-get install -y emscripten)');
    process.exit(2);
  }
  // The only expected warnings are the host imports left undefined on purpose.
  const noise = (r.stderr || '').split('\n').filter((l) => l.trim() &&
    !/undefined symbol: evw_host_|LLD_REPORT_UNDEFINED|ERROR_ON_UNDEFINED_SYMBOLS|may need to be added to EXPORTED_FUNCTIONS/.test(l));
  if (noise.length) process.stderr.write(noise.join('\n') + '\n');
  if (r.status !== 0 || !existsSync(out)) {
    console.error(`evwheel: building the sim failed (emcc exited with ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

// Built in a temporary directory (emcc decides what to emit from the output's extension: it
// must end in .wasm), then compared or copied.
const dir = mkdtempSync(join(tmpdir(), 'evwheel-sim-'));
try {
  const fresh = join(dir, 'evwheel-sim.wasm');
  build(fresh);
  const committed = join(root, output);
  if (process.argv.includes('--check')) {
    if (!existsSync(committed) || !readFileSync(committed).equals(readFileSync(fresh))) {
      console.error(`evwheel: ${output} is out of date: it differs from a fresh build of shim/ + sim/.` +
        ' Run `node scripts/build-sim.mjs` and commit the result.');
      process.exitCode = 1;
    } else {
      console.log(`${output} is up to date`);
    }
  } else {
    copyFileSync(fresh, committed);
    console.log(`built ${output}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
