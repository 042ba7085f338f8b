import { Socket } from 'node:net';

/** Watches the doorbell's read end: ref'd, it keeps the process alive like any Node handle. */
export interface Bell {
  ref(): void;
  unref(): void;
  close(): void;
}

export type BellFactory = (readFd: number, onRing: () => void) => Bell;

/**
 * The real doorbell: Node's own loop watches the pipe, so a byte written by the progress thread
 * or a signal handler wakes it without any JS running on a foreign thread. Wakes coalesce: one
 * read (up to 256 bytes) may stand for many rings.
 */
export const socketBell: BellFactory = (readFd, onRing) => {
  // onread: libuv reads into one reused buffer and calls back directly; the stream path ('data')
  // would allocate a Buffer and run the stream machinery on every wake-up. (The cast: Node has
  // taken onread in the constructor since v12, but @types/node lists it only for connect().)
  const socket = new Socket({
    fd: readFd, readable: true, writable: false,
    onread: { buffer: Buffer.allocUnsafe(256), callback: () => { onRing(); return true; } },
  } as ConstructorParameters<typeof Socket>[0]);
  return {
    ref: () => socket.ref(),
    unref: () => socket.unref(),
    close: () => socket.destroy(),
  };
};
