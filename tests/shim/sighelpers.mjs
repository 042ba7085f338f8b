// libc through koffi for the signal-loop tests: fcntl state of an fd,
// dispositions, the thread's signal mask, rlimits, the realtime range.
import koffi from 'koffi';

const libc = koffi.load('libc.so.6');
const cFcntl = libc.func('int fcntl(int fd, int cmd, ...)');
const cSigaction = libc.func('int sigaction(int sig, const uint8_t *act, _Out_ uint8_t *old)');
const cSignal = libc.func('intptr_t signal(int sig, intptr_t handler)');
const cSigmask = libc.func('int pthread_sigmask(int how, const uint8_t *set, _Out_ uint8_t *old)');
const cGetrlimit = libc.func('int getrlimit(int resource, _Out_ uint64_t *rlim)');
const cSetrlimit = libc.func('int setrlimit(int resource, const uint64_t *rlim)');
const cRtmin = libc.func('int __libc_current_sigrtmin(void)');
const cRtmax = libc.func('int __libc_current_sigrtmax(void)');
const cGettid = libc.func('int gettid(void)');

export const SIGIO = 29;
export const SIGRTMIN = cRtmin();
export const SIGRTMAX = cRtmax();
export const O_ASYNC = 0o20000;
export const F_OWNER_TID = 0;
export const F_OWNER_PID = 1;
export const RLIMIT_SIGPENDING = 11;
export const SIG_DFL = 0;
export const SIG_IGN = 1;
const F_GETFL = 3, F_SETFL = 4, F_SETSIG = 10, F_GETSIG = 11, F_SETOWN_EX = 15, F_GETOWN_EX = 16;
const SIG_BLOCK = 0, SIG_UNBLOCK = 1;

export const gettid = () => cGettid();

/** The fcntl state signal mode changes: { async, sig, ownerType, ownerPid }. */
export function fdState(fd) {
  const owner = Buffer.alloc(8);
  cFcntl(fd, F_GETOWN_EX, 'void *', owner);
  return {
    async: (cFcntl(fd, F_GETFL) & O_ASYNC) !== 0,
    sig: cFcntl(fd, F_GETSIG),
    ownerType: owner.readInt32LE(0),
    ownerPid: owner.readInt32LE(4),
  };
}

/** Gives an fd a state of its own (to check that it is restored as found). */
export function setFdState(fd, { async, sig, ownerType, ownerPid }) {
  const owner = Buffer.alloc(8);
  owner.writeInt32LE(ownerType, 0);
  owner.writeInt32LE(ownerPid, 4);
  cFcntl(fd, F_SETOWN_EX, 'void *', owner);
  cFcntl(fd, F_SETSIG, 'int', sig);
  const flags = cFcntl(fd, F_GETFL);
  cFcntl(fd, F_SETFL, 'int', async ? flags | O_ASYNC : flags & ~O_ASYNC);
}

/** The installed handler of sig as a number: 0 SIG_DFL, 1 SIG_IGN, else an address. */
export function disposition(sig) {
  const old = Buffer.alloc(256);
  cSigaction(sig, null, old);
  return Number(old.readBigUInt64LE(0));
}

export const setDisposition = (sig, handler) => cSignal(sig, handler);

function sigset(...sigs) {
  const set = Buffer.alloc(128);
  for (const s of sigs) set[(s - 1) >> 3] |= 1 << ((s - 1) & 7);
  return set;
}
export const blockSignals = (...sigs) => cSigmask(SIG_BLOCK, sigset(...sigs), Buffer.alloc(128));
export const unblockSignals = (...sigs) => cSigmask(SIG_UNBLOCK, sigset(...sigs), Buffer.alloc(128));

/** 1 if sig is blocked in the calling thread. */
export function isBlocked(sig) {
  const old = Buffer.alloc(128);
  cSigmask(SIG_BLOCK, sigset(), old);
  return (old[(sig - 1) >> 3] >> ((sig - 1) & 7)) & 1;
}

export function setSoftRlimit(resource, soft) {
  const lim = new BigUint64Array(2);
  cGetrlimit(resource, lim);
  lim[0] = BigInt(soft);
  return cSetrlimit(resource, lim);
}

export function softRlimit(resource) {
  const lim = new BigUint64Array(2);
  cGetrlimit(resource, lim);
  return lim[0];
}
