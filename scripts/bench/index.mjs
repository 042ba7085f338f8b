// `npm run bench [-- --quick] [-- --only timers,throughput]`: every comparison in one process run.
// Writes docs/bench/results.json and docs/bench/results.md (the machine and the method included).
// --quick is the smoke run CI executes so the benchmarks never rot; its numbers are not worth
// reading. --only runs some benchmarks and writes nothing (for working on one of them).
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timersBench } from './timers.mjs';
import { precisionBench } from './precision.mjs';
import { roundtripBench } from './roundtrip.mjs';
import { throughputBench } from './throughput.mjs';
import { scaleBench } from './scale.mjs';
import { latencyChart } from './svg.mjs';
import { updateReadme } from './readme.mjs';

const quick = process.argv.includes('--quick');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? process.argv[onlyAt + 1]?.split(',') : undefined;
const benches = { timers: timersBench, precision: precisionBench, roundtrip: roundtripBench, throughput: throughputBench, scale: scaleBench };
if (only?.some((name) => !(name in benches))) {
  console.error(`--only takes a comma-separated list of: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Linux ${release()}, Node ${process.version}`;

const sections = [];
for (const [name, bench] of Object.entries(benches)) {
  if (only && !only.includes(name)) continue;
  const r = await bench({ quick });
  console.log(`\n## ${r.name}\n\n${r.md}`);
  sections.push(r);
}

if (!quick && !only) {
  const out = join(root, 'docs', 'bench');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'results.json'), JSON.stringify({ machine, date: new Date().toISOString(), sections }, null, 2));
  const rt = sections.find((s) => s.name === 'round trip');
  writeFileSync(join(out, 'roundtrip.svg'), latencyChart(`Round trip, native peer ↔ callback (${machine})`,
    rt.results.map((r) => ({ name: r.name, points: r.distribution }))));
  writeFileSync(join(out, 'results.md'), [
    `# evwheel benchmarks`,
    ``,
    `Machine: ${machine}. Produced by \`npm run bench\`; contenders interleaved in one process, medians of rounds.`,
    ...sections.map((s) => `\n## ${s.name}\n\n${s.md}`),
    ``,
  ].join('\n'));
  updateReadme(join(root, 'README.md'), machine, sections);
  console.log(`\nwrote docs/bench/results.json, results.md, roundtrip.svg and the README's performance section`);
}
