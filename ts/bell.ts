import { Socket } from 'node:net';

/** Watches the doorbell's read end: ref'd, it keeps the process alive like any Node handle. */
export interface Bell {
  ref(): void;
  unref(): void;
  close(): void;
}

/** Starts watching a doorbell pipe (both ends' fds given); `onRing` runs on this JS thread. */
export type BellFactory = (readFd: number, writeFd: number, onRing: () => void) => Bell;

/** The shim's doorbell reader (shim/napi_bell.h), on its Node-API exports: 0 or -errno. */
export interface BellAddon {
  bellWatch(readFd: number, writeFd: number, onRing: () => void): number;
  bellRef(readFd: number, ref: boolean): number;
  bellClose(readFd: number): number;
}

/**
 * The shim reads the doorbell in C on Node's loop and calls `onRing` straight from there, and a
 * watched epoll set (thread mode) calls it with no byte rung at all. Where the shim cannot watch
 * (no Node loop recorded on this thread), the socket below does. The bell owns the read end.
 */
export function addonBell(addon: BellAddon): BellFactory {
  return (readFd, writeFd, onRing) => {
    if (addon.bellWatch(readFd, writeFd, onRing) < 0) return socketBell(readFd, writeFd, onRing);
    addon.bellRef(readFd, true); // like a socket: ref'd until told otherwise
    return {
      ref: () => { addon.bellRef(readFd, true); },
      unref: () => { addon.bellRef(readFd, false); },
      close: () => { addon.bellClose(readFd); },
    };
  };
}

/**
 * The doorbell over the stream machinery: Node's own loop watches the pipe, so a byte written by
 * the progress thread or a signal handler wakes it without any JS running on a foreign thread.
 * Wakes coalesce: one read (up to 256 bytes) may stand for many rings.
 */
export const socketBell: BellFactory = (readFd, _writeFd, onRing) => {
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
