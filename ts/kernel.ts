/**
 * What the API needs from the system-call layer. The real one is the C shim loaded with koffi
 * (native.ts); the simulation (issue 4) will provide another. Results are `>= 0` or `-errno`,
 * exactly as the shim returns them (docs/INTERNALS.md), so both backends share error mapping.
 */
/** Opaque: a native pointer (koffi) or a simulated one; errors are returned as negative numbers. */
export type LoopHandle = bigint | number;

export interface Kernel {
  /** Nanoseconds since the kernel layer's epoch, on CLOCK_MONOTONIC. */
  clockNs(): number;
  /** A non-blocking pipe for the doorbell: read end, write end — or a negative errno. */
  doorbellNew(out: Int32Array): number;
  /**
   * Closes a doorbell's write end, once: `-ENOENT` if it is not a live doorbell (already closed,
   * e.g. by the thread's cleanup hook), `-EBUSY` while a live loop still rings it.
   */
  doorbellClose(writeFd: number): number;
  /** A loop over `memory` with its ring at `ringOffset`; threaded loops write `bellFd`. */
  loopNew(memory: Uint8Array, ringOffset: number, bellFd: number, threaded: boolean): LoopHandle | number;
  loopFree(loop: LoopHandle): number;
  fdAdd(loop: LoopHandle, fd: number, epollEvents: number): number;
  fdMod(loop: LoopHandle, fd: number, epollEvents: number, seq: number): number;
  fdDel(loop: LoopHandle, fd: number): number;
  rearm(loop: LoopHandle, listOffset: number, count: number): number;
  armTimer(loop: LoopHandle, deadlineNs: number): number;
  start(loop: LoopHandle): number;
  stop(loop: LoopHandle): number;
  wake(loop: LoopHandle): number;
  poll(loop: LoopHandle): number;
  /**
   * Threaded loops, before the thread starts: the calling thread's Node loop watches the epoll set
   * and fetches itself (one wake-up per event instead of the thread's and then JS's). Signal loops:
   * it watches the signalfd, the signals blocked, and takes them itself (no handler, no doorbell).
   * `-ENOTSUP` where it cannot (not loaded as a Node-API module here, e.g. the simulation).
   */
  watch(loop: LoopHandle): number;
  /**
   * A watched loop (above), on its JS thread: what the watch would fetch, fetched now into the
   * ring with no doorbell, for poll() in a JS thread that does not yield. Entries published; 0
   * where nothing watches (the thread or the signal handler publishes by itself).
   */
  fetch(loop: LoopHandle): number;

  // ---- signal mode (docs/INTERNALS.md "Signal loops") ----
  /** The realtime signal to use: `requested`, or 0 for the default. Installs nothing. */
  signalChoose(requested: number): number;
  /** This thread's signal loop; the kernel signals the calling thread. */
  loopNewSignal(memory: Uint8Array, ringOffset: number, bellFd: number, signo: number): LoopHandle | number;
  /** After an overflow: flush queued signals, poll every fd into the ring. */
  rescan(loop: LoopHandle): number;
  /** The OS thread whose loop holds `fd`, 0 if none. */
  fdOwnerTid(fd: number): number;
  /** The calling OS thread. */
  threadTid(): number;
}
