/** Stable error codes of the public API (DESIGN.md), plus ERR_SYSTEM for an unexpected errno. */
export type ErrorCode =
  | 'ERR_INVALID_ARG'
  | 'ERR_BAD_FD'
  | 'ERR_FD_NOT_POLLABLE'
  | 'ERR_HANDLER_EXISTS'
  | 'ERR_HANDLER_NOT_FOUND'
  | 'ERR_CONTEXT_FULL'
  | 'ERR_CONTEXT_CLOSED'
  | 'ERR_NOT_BLOCKED'
  | 'ERR_WRONG_THREAD'
  | 'ERR_NOT_SUPPORTED'
  | 'ERR_SYSTEM';

export class EvwheelError extends Error {
  readonly code: ErrorCode;
  /** The errno behind the error, when a system call failed. */
  readonly errno?: number;
  /** The system call (or shim entry) that failed. */
  readonly syscall?: string;

  constructor(code: ErrorCode, message: string, detail?: { errno?: number; syscall?: string }) {
    super(message);
    this.name = 'EvwheelError';
    this.code = code;
    if (detail?.errno !== undefined) this.errno = detail.errno;
    if (detail?.syscall !== undefined) this.syscall = detail.syscall;
  }
}

/** Linux's errno numbers that the API tells apart or names in its messages (the shim returns them negated). */
export const Errno = {
  EPERM: 1, ENOENT: 2, EINTR: 4, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EBUSY: 16, EEXIST: 17,
  EINVAL: 22, ENFILE: 23, EMFILE: 24, ENOSPC: 28, ENOSYS: 38, EOPNOTSUPP: 95,
} as const;

const ERRNO_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Errno).map(([name, value]) => [value, name]));

/** Turns a shim result (`-errno`) into the error the API promises for it; `syscall` names what failed. */
export function errnoError(negErrno: number, syscall: string, subject: string): EvwheelError {
  const errno = -negErrno;
  const name = ERRNO_NAMES[errno] ?? `errno ${errno}`;
  // The shim's own refusal (its process-wide registry holds the fd, or this thread holds a
  // signal loop already): no system call failed, so none is named.
  const detail = errno === Errno.EEXIST ? { errno } : { errno, syscall };
  switch (errno) {
    case Errno.EBADF: return new EvwheelError('ERR_BAD_FD', `${subject}: not an open file descriptor (EBADF)`, detail);
    case Errno.EPERM: return new EvwheelError('ERR_FD_NOT_POLLABLE', `${subject}: the file descriptor does not support readiness notification (EPERM: its file cannot be polled, as disk files, directories and /dev/null cannot; they never block)`, detail);
    case Errno.EEXIST: return new EvwheelError('ERR_HANDLER_EXISTS', `${subject}: the file descriptor already has a handler in this process`, detail);
    case Errno.ENOENT: return new EvwheelError('ERR_HANDLER_NOT_FOUND', `${subject}: no such handler (ENOENT)`, detail);
    case Errno.ENOSYS: case Errno.EOPNOTSUPP: return new EvwheelError('ERR_NOT_SUPPORTED', `${subject}: not supported by this kernel (${name})`, detail);
    default: return new EvwheelError('ERR_SYSTEM', `${subject}: ${syscall} failed (${name})`, detail);
  }
}
