// Shared by the benchmarks: contenders run interleaved (A B A B …) so that machine noise hits
// them alike, and results are medians and ratios of one run, never lone absolute times.

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Nearest rank: the smallest sample with at least a fraction `p` of the samples at or below it. NaN for none. */
export const percentile = (xs, p) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
};

/**
 * Runs every contender `rounds` times, interleaved, after one unrecorded warm-up round each (so
 * that neither is measured while the JIT still compiles it); each run returns one sample.
 * Returns { name: { samples, median } }.
 */
export async function interleave(contenders, rounds) {
  for (const run of Object.values(contenders)) await run();
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of Object.entries(contenders)) samples[name].push(await run());
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, { samples: v, median: median(v) }]));
}

/** One Markdown table from rows of cells. */
export function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}
