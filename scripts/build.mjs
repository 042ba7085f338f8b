// Builds the three artifacts: build/core.wasm (AssemblyScript), build/libevwheel.so (C shim)
// and dist/ (bundled ESM + .d.ts). `node scripts/build.mjs [core|shim|ts]...` builds a subset.
//
// It is also the package's install script. In a clone, the dev dependencies are there and
// everything is built. Installed from the registry, they are not: the package ships core.wasm
// and dist/ (they are the same on every machine, `prepack` builds them), and only the shim is
// compiled, for this machine.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.error && r.error.code === 'ENOENT') return false;
  if (r.status !== 0) {
    console.error(`evwheel: building ${what} failed (${cmd} exited with ${r.status ?? r.signal})`);
    process.exit(1);
  }
  return true;
}

/**
 * False when a step's tools are not installed but its artifact came with the package: nothing to
 * do. Neither there: the install cannot go on, and says why.
 */
function toolsOrShipped(tools, artifact, what) {
  if (tools.every((tool) => existsSync(tool))) return true;
  if (existsSync(join(root, artifact))) return false;
  console.error(`evwheel: cannot build ${what}: ${artifact} is missing and its build tools are not installed (in a clone, run npm install)`);
  process.exit(1);
}

const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');

function buildCore() {
  if (!toolsOrShipped([asc], 'build/core.wasm', 'the core (assembly/)')) return;
  run(process.execPath, [asc,
    'assembly/index.ts', '--config', 'asconfig.json', '--target', 'release'], 'the core (assembly/)');
}

function findCompiler() {
  for (const cc of [process.env.CC, 'cc', 'gcc', 'clang'].filter(Boolean)) {
    const r = spawnSync(cc, ['--version'], { stdio: 'ignore' });
    if (!r.error && r.status === 0) return cc;
  }
  return null;
}

function buildShim() {
  if (process.platform !== 'linux') {
    console.warn('evwheel: the native shim is Linux-only; skipping it on ' + process.platform);
    return;
  }
  const cc = findCompiler();
  if (!cc) {
    console.error('evwheel: no C compiler found: install one (Debian/Ubuntu: apt-get install gcc) and run npm install again');
    process.exit(1);
  }
  const sources = readdirSync(join(root, 'shim')).filter((f) => f.endsWith('.c')).map((f) => join('shim', f));
  // CFLAGS, as usual, come after ours and so win (a sanitizer build, another -O).
  const extra = (process.env.CFLAGS ?? '').split(/\s+/).filter(Boolean);
  run(cc, ['-std=gnu11', '-O2', '-g', '-fPIC', '-shared', '-pthread', '-Wall', '-Wextra',
    '-fvisibility=hidden', ...extra, '-o', 'build/libevwheel.so', ...sources], 'the shim (shim/)');
}

function buildTs() {
  if (!toolsOrShipped([bin('esbuild'), bin('tsc')], 'dist/index.js', 'the API bundle (ts/)')) return;
  // Chunk names are content hashes: without a clean start, every rebuild would leave old chunks behind.
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  // Two entries, one shared chunk: evwheel and evwheel/sim share their classes (instanceof holds).
  run(bin('esbuild'), ['ts/index.ts', 'ts/sim.ts', '--bundle', '--splitting', '--platform=node', '--format=esm',
    '--target=node20', '--external:koffi', '--sourcemap', '--outdir=dist'], 'the API bundle (ts/)');
  run(bin('tsc'), ['-p', 'tsconfig.json', '--emitDeclarationOnly', '--declaration', '--outDir', 'dist/types'],
    'the type declarations');
}

/** The model-based tests are TypeScript (tests/model): bundled for uvu into build/tests/model. */
function buildModelTests() {
  run(bin('esbuild'), ['tests/model/model-based.test.ts', 'tests/model/runner.ts', '--bundle', '--platform=node',
    '--format=esm', '--target=node20', '--packages=external', '--outdir=build/tests/model', '--out-extension:.js=.js'],
    'the model-based tests');
}

const steps = { core: buildCore, shim: buildShim, ts: buildTs };
const extra = { 'model-tests': buildModelTests };
const wanted = process.argv.slice(2);
mkdirSync(join(root, 'build'), { recursive: true });
for (const name of wanted.length ? wanted : Object.keys(steps)) {
  const step = steps[name] ?? extra[name];
  if (!step) { console.error(`evwheel: unknown build step ${name}`); process.exit(2); }
  step();
}
