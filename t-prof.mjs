import { AsyncContext } from 'evwheel';
const n = +process.argv[2] || 1e5;
let x = 1; const iv = Float64Array.from({length:n}, () => { x = (Math.imul(x ^ (x>>>15), 0x2c1b3c6d) + 0x6d2b79f5)>>>0; return 1000 + x % 3600000; });
const ctx = AsyncContext.create({ mode: 'thread', maxHandlers: n });
const h = new Array(n); const noop = () => {};
const reps = Math.max(1, Math.round(1e5/n));
const res = [];
for (let r = 0; r < 30; r++) {
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < reps; k++) {
    for (let i = 0; i < n; i++) h[i] = ctx.addTimer(iv[i], noop);
    for (let i = 0; i < n; i++) h[i].remove();
  }
  res.push(Number(process.hrtime.bigint() - t0) / (n*reps));
}
res.sort((a,b)=>a-b); console.log(n, 'median ns/pair', res[15].toFixed(0), 'min', res[0].toFixed(0));
ctx.close();
