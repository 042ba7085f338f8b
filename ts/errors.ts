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

/** The errno the shim's -EBUSY results carry (its meaning depends on the call). */
export const EBUSY = 16;

const ERRNO_NAMES: Record<number, string> = {
  1: 'EPERM', 2: 'ENOENT', 4: 'EINTR', 9: 'EBADF', 11: 'EAGAIN', 12: 'ENOMEM', 17: 'EEXIST',
  22: 'EINVAL', 23: 'ENFILE', 24: 'EMFILE', 28: 'ENOSPC', 38: 'ENOSYS', 95: 'EOPNOTSUPP',
};

/** Turns a shim result (`-errno`) into the error the API promises for it. */
export function errnoError(negErrno: number, syscall: string, subject: string): EvwheelError {
  const errno = -negErrno;
  const name = ERRNO_NAMES[errno] ?? `errno ${errno}`;
  const detail = { errno, syscall };
  switch (errno) {
    case 9: return new EvwheelError('ERR_BAD_FD', `${subject}: not an open file descriptor (EBADF)`, detail);
    case 1: return new EvwheelError('ERR_FD_NOT_POLLABLE', `${subject}: the file descriptor does not support readiness notification (EPERM; regular files and directories never block)`, detail);
    case 17: return new EvwheelError('ERR_HANDLER_EXISTS', `${subject}: the file descriptor already has a handler in this process`, detail);
    case 2: return new EvwheelError('ERR_HANDLER_NOT_FOUND', `${subject}: no such handler (ENOENT)`, detail);
    case 38: case 95: return new EvwheelError('ERR_NOT_SUPPORTED', `${subject}: not supported by this kernel (${name})`, detail);
    default: return new EvwheelError('ERR_SYSTEM', `${subject}: ${syscall} failed (${name})`, detail);
  }
}
