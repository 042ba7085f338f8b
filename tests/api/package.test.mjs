import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The files `npm pack` would publish, as npm computes them from package.json (no build run). */
function packedFiles() {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', timeout: 60000 });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout)[0].files.map((f) => f.path);
}

/**
 * What a user gets from the registry: the packed files under node_modules/evwheel, its one
 * dependency beside it (koffi, linked from ours: no network), and no dev dependencies.
 */
function installPacked() {
  const project = mkdtempSync(join(tmpdir(), 'evwheel-consumer-'));
  const pkg = join(project, 'node_modules', 'evwheel');
  for (const file of packedFiles()) {
    mkdirSync(dirname(join(pkg, file)), { recursive: true });
    cpSync(join(root, file), join(pkg, file));
  }
  symlinkSync(join(root, 'node_modules', 'koffi'), join(project, 'node_modules', 'koffi'), 'dir');
  return { project, pkg };
}

/** Runs `source` as the project's main module; its stdout lines. */
function runInProject(project, source) {
  writeFileSync(join(project, 'main.mjs'), source);
  const run = spawnSync(process.execPath, ['main.mjs'], { cwd: project, encoding: 'utf8', timeout: 20000 });
  assert.is(run.status, 0, run.stderr);
  return run.stdout.trim().split('\n');
}

const installScript = (pkg) => spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: pkg, encoding: 'utf8', timeout: 120000 });

test('installed without dev dependencies, the package builds its shim and runs', () => {
  const { project, pkg } = installPacked();
  try {
    assert.not.ok(existsSync(join(pkg, 'node_modules')), 'no dev dependencies in a registry install');
    const install = installScript(pkg);
    assert.is(install.status, 0, install.stderr);
    assert.equal(readdirSync(join(pkg, 'build')).sort(), ['core.wasm', 'libevwheel.so']);
    const lines = runInProject(project, `
      import { AsyncContext } from 'evwheel';
      import { Simulation, Events } from 'evwheel/sim';
      const ctx = AsyncContext.create();
      ctx.addTimer(0.5, () => { ctx.close(); console.log('timer'); }, { once: true });
      const sim = Simulation.create({ seed: 1 });
      const [r, w] = sim.pipe();
      sim.createContext().setEventHandler(r, Events.IN, () => console.log('sim ' + sim.read(r).length));
      sim.write(w, 'abc');
      sim.advance(1);
    `);
    assert.equal(lines, ['sim 3', 'timer']);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test('installed with its install script skipped, the simulation works and native contexts say what to run', () => {
  const { project } = installPacked();
  try {
    const lines = runInProject(project, `
      import { AsyncContext } from 'evwheel';
      import { Simulation } from 'evwheel/sim';
      const sim = Simulation.create({ seed: 1 });
      sim.createContext().addTimer(1, () => console.log('sim timer'), { once: true });
      sim.advance(1);
      try {
        AsyncContext.create();
      } catch (err) {
        console.log(err.code + ' ' + /npm rebuild evwheel/.test(err.message));
      }
    `);
    assert.equal(lines, ['sim timer', 'ERR_NOT_SUPPORTED true']);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test('with neither the build tools nor a shipped artifact, the install fails and says which', () => {
  const { project, pkg } = installPacked();
  try {
    rmSync(join(pkg, 'build', 'core.wasm'));
    const install = installScript(pkg);
    assert.is(install.status, 1);
    assert.match(install.stderr, 'build/core.wasm is missing and its build tools are not installed');
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test.run();
