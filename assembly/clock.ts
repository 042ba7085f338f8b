// Times reach the core as f64 nanoseconds (TS has no cheap i64). Past 2^53 ns (104 days after the
// clock's epoch) an f64 cannot name every nanosecond: it stands for the nearest time it can.

/**
 * The latest nanosecond `ns` can stand for: a clock reading rounded down could stay below a
 * deadline it has passed, and the loop would arm that expiry again and again (the shim arms
 * timers the same way, shim/timer.c latest_ns). Exact below 2^53.
 */
export function latestNs(ns: f64): i64 {
  const whole = <i64>ns;
  const exponent = <i32>((reinterpret<u64>(ns) >> 52) & 0x7ff) - 1023;
  return exponent >= 53 ? whole + (<i64>1 << <i64>(exponent - 53)) : whole;
}
