/**
 * A clock on the kernel layer's time base that costs no FFI call per read.
 * performance.now() and the shim both read CLOCK_MONOTONIC; only their origins differ, so the
 * offset is measured once, from the tightest of a few bracketing samples.
 */
export function calibratedClock(kernelNs: () => number): () => number {
  let bestWidth = Infinity;
  let offsetNs = 0;
  for (let i = 0; i < 32; i++) {
    const before = performance.now();
    const kernel = kernelNs();
    const after = performance.now();
    if (after - before < bestWidth) {
      bestWidth = after - before;
      offsetNs = kernel - ((before + after) / 2) * 1e6;
    }
  }
  // Node's global `performance` is a lazy getter: reading it once saves a call per clock read.
  const perf = performance;
  return () => Math.round(perf.now() * 1e6 + offsetNs);
}
