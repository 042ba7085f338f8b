// A dependency-free SVG of latency distributions: one curve per contender, latency (µs, log
// scale) against the fraction of round trips at or below it. A contender with no samples (one
// that was not available) draws no curve. Colours go in order of the curves, except for an
// optional contender's own, so the others keep theirs whether or not it ran.
const COLORS = ['#444444', '#7f7f7f', '#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#e377c2', '#17becf', '#bcbd22'];
const OWN_COLORS = { 'epoll (npm)': '#8c564b' };

export function latencyChart(title, allCurves) {
  const curves = allCurves.filter((c) => c.points.length > 0);
  // The legend's column fits the longest name (about 6.7 px a character at 12 px sans-serif).
  const legend = 44 + Math.ceil(Math.max(0, ...curves.map((c) => c.name.length)) * 6.7);
  const m = { left: 60, right: legend, top: 40, bottom: 50 };
  const width = m.left + 520 + m.right;
  const height = Math.max(400, m.top + curves.length * 20 + m.bottom);
  const all = curves.flatMap((c) => c.points.map((p) => p.us));
  const lo = Math.max(1, Math.min(...all));
  const hi = Math.max(...all);
  const lx = (us) => m.left + ((Math.log10(us) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (width - m.left - m.right);
  const ly = (f) => height - m.bottom - f * (height - m.top - m.bottom);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${m.left}" y="22" font-size="14">${title}</text>`,
    `<line x1="${m.left}" y1="${ly(0)}" x2="${width - m.right}" y2="${ly(0)}" stroke="black"/>`,
    `<line x1="${m.left}" y1="${ly(0)}" x2="${m.left}" y2="${ly(1)}" stroke="black"/>`,
  ];
  for (let e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) {
    for (const k of [1, 2, 5]) {
      const v = k * 10 ** e;
      if (v < lo || v > hi) continue;
      out.push(`<line x1="${lx(v)}" y1="${ly(0)}" x2="${lx(v)}" y2="${ly(1)}" stroke="#ddd"/>`,
        `<text x="${lx(v)}" y="${ly(0) + 16}" text-anchor="middle">${v}</text>`);
    }
  }
  for (const f of [0, 0.25, 0.5, 0.75, 0.99]) {
    out.push(`<text x="${m.left - 6}" y="${ly(f) + 4}" text-anchor="end">${f === 0.99 ? 'p99' : `p${f * 100}`}</text>`,
      `<line x1="${m.left}" y1="${ly(f)}" x2="${width - m.right}" y2="${ly(f)}" stroke="#eee"/>`);
  }
  out.push(`<text x="${(m.left + width - m.right) / 2}" y="${height - 12}" text-anchor="middle">round trip (µs, log scale)</text>`);
  let next = 0;
  curves.forEach((c, i) => {
    const color = OWN_COLORS[c.name] ?? COLORS[next++ % COLORS.length];
    const d = c.points.map((p, j) => `${j ? 'L' : 'M'}${lx(Math.max(lo, p.us)).toFixed(1)},${ly(p.fraction).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`,
      `<rect x="${width - m.right + 14}" y="${m.top + i * 20}" width="14" height="3" fill="${color}"/>`,
      `<text x="${width - m.right + 34}" y="${m.top + i * 20 + 5}">${c.name}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
