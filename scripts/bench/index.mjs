// `npm run bench [-- --quick]`: every comparison in one process run. Writes docs/bench/results.json
// and docs/bench/results.md (the machine and the method included). --quick is the smoke run CI
// executes so the benchmarks never rot; its numbers are not worth reading.
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
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Linux ${release()}, Node ${process.version}`;

const sections = [];
for (const bench of [timersBench, precisionBench, roundtripBench, throughputBench, scaleBench]) {
  const r = await bench({ quick });
  console.log(`\n## ${r.name}\n\n${r.md}`);
  sections.push(r);
}

if (!quick) {
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
