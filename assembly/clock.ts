// Times reach the core as f64 nanoseconds (TS has no cheap i64). Past 2^53 ns (104 days after the
// clock's epoch) an f64 cannot name every nanosecond: it stands for the nearest time it can.

/**
 * The latest nanosecond `ns` can stand for. A timer added at a reading rounded down could be due
 * before its interval has passed; counted from the latest, it never is (at most one spacing of
 * doubles late). Exact below 2^53. The shim arms timers the same way (shim/timer.c latest_ns).
 */
export function latestNs(ns: f64): i64 {
  const whole = <i64>ns;
  const exponent = <i32>((reinterpret<u64>(ns) >> 52) & 0x7ff) - 1023;
  return exponent >= 53 ? whole + (<i64>1 << <i64>(exponent - 53)) : whole;
}
