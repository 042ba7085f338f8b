// The bench-only native peers (scripts/bench/native/pinger.c): built into build/ on first use
// (and again when the source changed), loaded with koffi, with the few libc calls the
// benchmarks need. Not part of the package.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import koffi from 'koffi';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = join(root, 'scripts/bench/native/pinger.c');
const libPath = join(root, 'build', 'bench-pinger.so');

let peers;

export function nativePeers() {
  if (peers) return peers;
  if (!existsSync(libPath) || statSync(libPath).mtimeMs < statSync(source).mtimeMs) {
    const cc = spawnSync('cc', ['-std=gnu11', '-O2', '-fPIC', '-shared', '-pthread', '-fvisibility=hidden',
      '-o', libPath, source], { stdio: 'inherit' });
    if (cc.status !== 0) throw new Error('building the bench peers failed');
  }
  const lib = koffi.load(libPath);
  const libc = koffi.load('libc.so.6');
  const pipe2 = libc.func('int pipe2(_Out_ int *fds, int flags)');
  const eventfd = libc.func('int eventfd(unsigned int initval, int flags)');
  const fds = new Int32Array(2);
  peers = {
    pingStart: lib.func('void *ping_start(int out_fd, int in_fd, int count, int gap_us, double *samples)'),
    pingDone: lib.func('int ping_done(void *run)'),
    pingJoin: lib.func('void ping_join(void *run)'),
    echoStart: lib.func('void *echo_start(int in_fd, int out_fd)'),
    echoStop: lib.func('void echo_stop(void *echo)'),
    sigechoStart: lib.func('void *sigecho_start(int in_fd, int out_fd)'),
    sigechoStop: lib.func('void sigecho_stop(void *echo)'),
    relayStart: lib.func('void *relay_start(int in_fd, int out_fd, int spin_us)'),
    relayStop: lib.func('void relay_stop(void *relay)'),
    sprayStart: lib.func('void *spray_start(const int *fds, int count, int duration_ms)'),
    sprayDone: lib.func('int spray_done(void *run)'),
    sprayJoin: lib.func('double spray_join(void *run)'),
    raiseOpenFiles: lib.func('long raise_open_files(long want)'),
    read: libc.func('long read(int fd, _Out_ uint8_t *buf, size_t n)'),
    write: libc.func('long write(int fd, const uint8_t *buf, size_t n)'),
    close: libc.func('int close(int fd)'),
    /** A non-blocking pipe: [read end, write end]. */
    pipe: () => { pipe2(fds, 0o4000 | 0o2000000); return [fds[0], fds[1]]; },
    /** A non-blocking eventfd at 0 (never readable until written): one fd, -1 if none is left. */
    eventfd: () => eventfd(0, 0o4000 | 0o2000000),
  };
  return peers;
}

/** Resolves once `done()` is true, polling every 2 ms (the peers run on their own threads). */
export async function whenDone(done) {
  while (!done()) await new Promise((res) => setTimeout(res, 2));
}
