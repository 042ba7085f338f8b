import { EvwheelError } from './errors.js';
import {
  checkCallback, checkEvents, checkFd, checkHandlerOptions, checkInterval, checkMode, invalid,
  type HandlerOptions, type Mode,
} from './events.js';
import { FdHandler, Timer, type FdCallback, type Handler, type TimerCallback } from './handler.js';
import type { Loop } from './loop.js';
import { runtime } from './runtime.js';

function globalLoop(mode: Mode): Loop {
  const rt = runtime();
  return mode === 'poll' ? rt.globalPoll() : mode === 'signal' ? rt.signal(undefined) : rt.thread();
}

/** A handler with no context: never blocked, dispatched at once. */
export function setEventHandler(mode: Mode, fd: number, events: number, callback: FdCallback, options?: HandlerOptions): FdHandler {
  checkMode(mode);
  checkFd(fd);
  checkEvents(events);
  checkCallback(callback);
  const { edge, once } = checkHandlerOptions(options);
  return runtime().addFd(runtime().globalPlacement(globalLoop(mode)), fd, events, callback, edge, once);
}

/** A timer with no context. */
export function addTimer(mode: Mode, interval: number, callback: TimerCallback, options?: HandlerOptions): Timer {
  checkMode(mode);
  checkInterval(interval);
  checkCallback(callback);
  const { once } = checkHandlerOptions(options);
  return runtime().addTimer(runtime().globalPlacement(globalLoop(mode)), interval, callback, once);
}

/** Removes a handler (global or in a context) by id or object; also a timer group's timer by id. */
export function removeHandler(idOrHandler: number | Handler): void {
  let h: Handler | undefined;
  if (idOrHandler instanceof FdHandler || idOrHandler instanceof Timer) {
    h = idOrHandler.active ? idOrHandler : undefined;
  } else if (typeof idOrHandler === 'number' && Number.isInteger(idOrHandler)) {
    h = runtime().findById(idOrHandler);
    if (!h && runtime().groupAtId(idOrHandler)?.remove(idOrHandler)) return;
  } else {
    throw invalid('removeHandler expects a handler id or a handler');
  }
  if (!h) throw new EvwheelError('ERR_HANDLER_NOT_FOUND', `no handler ${typeof idOrHandler === 'number' ? idOrHandler : idOrHandler.id}`);
  h.remove();
}

/** Changes the interest set of the handler of `fd`. */
export function modifyHandler(fd: number, events: number): void {
  checkFd(fd);
  checkEvents(events);
  const rt = runtime();
  const h = rt.findByFd(fd);
  if (!h) {
    const owner = rt.kernel.fdOwnerTid(fd);
    if (owner > 0 && owner !== rt.kernel.threadTid()) {
      throw new EvwheelError('ERR_WRONG_THREAD', `fd ${fd}: its handler belongs to another thread; modify it there`);
    }
    throw new EvwheelError('ERR_HANDLER_NOT_FOUND', `fd ${fd} has no handler`);
  }
  h.modify(events);
}

/** Dispatches whatever is ready for global handlers of every mode. */
export function poll(): void {
  const rt = runtime();
  for (const loop of rt.globalLoops()) rt.deliver(loop, true);
}
