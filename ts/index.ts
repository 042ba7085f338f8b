export { AsyncContext, type ContextStats } from './context.js';
export { EvwheelError, type ErrorCode } from './errors.js';
export { Events, type ContextOptions, type HandlerOptions, type Mode } from './events.js';
export { FdHandler, Timer, type FdCallback, type Handler, type TimerCallback } from './handler.js';
export { addTimer, modifyHandler, poll, removeHandler, setEventHandler } from './global.js';
export { TimerGroup, type TimerGroupCallback } from './timer-group.js';
