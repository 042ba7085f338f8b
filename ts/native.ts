import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import koffi from 'koffi';
import { addonBell, socketBell, type BellAddon, type BellFactory } from './bell.js';
import { EvwheelError } from './errors.js';
import type { Kernel, LoopHandle } from './kernel.js';

/** build/libevwheel.so, next to dist/ in the package. */
function shimPath(): string {
  return fileURLToPath(new URL('../build/libevwheel.so', import.meta.url));
}

let loaded: Kernel | undefined;
let addon: Partial<BellAddon> = {};

/**
 * The shim is also a Node-API module. Its environment cleanup hook frees this JS thread's loops
 * when the thread's environment is torn down, which is the one moment `worker.terminate()`
 * leaves — no JS runs then — before the Wasm memory the progress thread writes into is freed; its
 * exports read the doorbell (nativeBell). Loaded once per JS thread (this module is instantiated
 * per thread).
 */
function loadAsNodeModule(path: string): Partial<BellAddon> {
  const module = { exports: {} } as NodeJS.Module;
  process.dlopen(module, path);
  return module.exports as Partial<BellAddon>;
}

/** How this thread reads the doorbell: the shim's reader where it offers one (nativeKernel first). */
export function nativeBell(): BellFactory {
  const { bellWatch, bellRef, bellClose } = addon;
  if (!bellWatch || !bellRef || !bellClose) return socketBell;
  return addonBell({ bellWatch, bellRef, bellClose });
}

/** The C shim, loaded once per process (koffi shares the library between worker threads). */
export function nativeKernel(): Kernel {
  if (loaded) return loaded;
  if (process.platform !== 'linux') {
    throw new EvwheelError('ERR_NOT_SUPPORTED', `evwheel's native delivery needs Linux (epoll, timerfd, eventfd); this is ${process.platform}`);
  }
  const path = shimPath();
  if (!existsSync(path)) {
    throw new EvwheelError('ERR_NOT_SUPPORTED', `evwheel's native shim is missing (${path}): its install script builds it, with a C compiler (npm rebuild evwheel; in a clone, npm install)`);
  }
  const lib = koffi.load(path);
  const Loop = koffi.pointer('evw_loop', koffi.opaque());
  const f = {
    clock: lib.func('double evw_clock_ns(void)'),
    doorbellNew: lib.func('int evw_doorbell_new(_Out_ int *fds)'),
    doorbellClose: lib.func('int evw_doorbell_close(int write_fd)'),
    loopNew: lib.func('evw_loop_new', Loop, ['uint8_t *', 'uint32_t', 'int', 'int', koffi.out(koffi.pointer('int'))]),
    loopFree: lib.func('evw_loop_free', 'int', [Loop]),
    fdAdd: lib.func('evw_fd_add', 'int', [Loop, 'int', 'uint32_t']),
    fdMod: lib.func('evw_fd_mod', 'int', [Loop, 'int', 'uint32_t', 'uint32_t']),
    fdDel: lib.func('evw_fd_del', 'int', [Loop, 'int']),
    rearm: lib.func('evw_loop_rearm', 'int', [Loop, 'uint32_t', 'int']),
    armTimer: lib.func('evw_loop_arm_timer', 'int', [Loop, 'double']),
    start: lib.func('evw_loop_start', 'int', [Loop]),
    stop: lib.func('evw_loop_stop', 'int', [Loop]),
    wake: lib.func('evw_loop_wake', 'int', [Loop]),
    poll: lib.func('evw_loop_poll', 'int', [Loop]),
    watch: lib.func('evw_loop_watch', 'int', [Loop]),
    fetch: lib.func('evw_loop_fetch', 'int', [Loop]),
    signalChoose: lib.func('int evw_signal_choose(int requested)'),
    loopNewSignal: lib.func('evw_loop_new_signal', Loop, ['uint8_t *', 'uint32_t', 'int', 'int', koffi.out(koffi.pointer('int'))]),
    rescan: lib.func('evw_loop_rescan', 'int', [Loop]),
    fdOwnerTid: lib.func('int evw_fd_owner_tid(int fd)'),
    gettid: koffi.load('libc.so.6').func('int gettid(void)'),
  };
  addon = loadAsNodeModule(path);
  const err = [0];
  loaded = {
    clockNs: () => f.clock(),
    doorbellNew: (out) => f.doorbellNew(out),
    doorbellClose: (writeFd) => f.doorbellClose(writeFd),
    loopNew(memory, ringOffset, bellFd, threaded) {
      const loop = f.loopNew(memory, ringOffset, bellFd, threaded ? 1 : 0, err) as LoopHandle | null;
      return loop ? loop : err[0] < 0 ? err[0] : -12;
    },
    loopFree: (loop) => f.loopFree(loop),
    fdAdd: (loop, fd, events) => f.fdAdd(loop, fd, events >>> 0),
    fdMod: (loop, fd, events, seq) => f.fdMod(loop, fd, events >>> 0, seq >>> 0),
    fdDel: (loop, fd) => f.fdDel(loop, fd),
    rearm: (loop, off, count) => f.rearm(loop, off, count),
    armTimer: (loop, deadline) => f.armTimer(loop, deadline),
    start: (loop) => f.start(loop),
    stop: (loop) => f.stop(loop),
    wake: (loop) => f.wake(loop),
    poll: (loop) => f.poll(loop),
    watch: (loop) => f.watch(loop),
    fetch: (loop) => f.fetch(loop),
    signalChoose: (requested) => f.signalChoose(requested),
    loopNewSignal(memory, ringOffset, bellFd, signo) {
      const loop = f.loopNewSignal(memory, ringOffset, bellFd, signo, err) as LoopHandle | null;
      return loop ? loop : err[0] < 0 ? err[0] : -12;
    },
    rescan: (loop) => f.rescan(loop),
    fdOwnerTid: (fd) => f.fdOwnerTid(fd),
    threadTid: () => f.gettid(),
  };
  return loaded;
}
