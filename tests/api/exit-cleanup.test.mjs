// Handlers removed and contexts closed in a user's 'exit' listener run after evwheel's exit
// shutdown has freed the native loops: no call may reach a freed loop. A read of freed memory does
// not crash by itself, so the children run on a copy of the package whose shim is built with
// AddressSanitizer, when the compiler has it (gcc does), and any report fails the test.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODES } from './support.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The runtime library of AddressSanitizer, or null if the compiler has none. */
function asanRuntime() {
  try {
    const path = execFileSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
    return isAbsolute(path) && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/**
 * A copy of the package (dist, core, its tests' support) with its own shim, built by the
 * package's build script, sanitized if possible.
 */
function packageCopy(asan) {
  const dir = mkdtempSync(join(tmpdir(), 'evwheel-asan-'));
  for (const path of ['package.json', 'dist', 'build/core.wasm', 'sim/evwheel-sim.wasm', 'shim', 'scripts/build.mjs',
    'tests/api/support.mjs', 'tests/api/fixtures/exit-cleanup.mjs']) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    cpSync(join(root, path), join(dir, path), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const CFLAGS = asan ? '-fsanitize=address -fno-omit-frame-pointer -O1' : '';
  execFileSync(process.execPath, [join(dir, 'scripts/build.mjs'), 'shim'], { env: { ...process.env, CFLAGS } });
  return dir;
}

const asan = asanRuntime();
const dir = packageCopy(asan);
const test = suite(`cleanup in an 'exit' listener${asan ? ' (AddressSanitizer)' : ''}`);
test.after(() => rmSync(dir, { recursive: true, force: true }));

for (const mode of MODES) {
  for (const where of ['main', 'worker']) {
    test(`${mode} mode, ${where} thread: remove() and close() after the shutdown touch no freed loop`, () => {
      const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };
      if (asan) env.LD_PRELOAD = asan;
      const r = spawnSync(process.execPath, [join(dir, 'tests/api/fixtures/exit-cleanup.mjs'), mode, where],
        { encoding: 'utf8', env, timeout: 30000 });
      assert.not.match(r.stderr, 'AddressSanitizer', r.stderr);
      assert.is(r.status, 0, r.stderr);
      assert.match(r.stdout, 'cleaned up');
    });
  }
}

test.run();
