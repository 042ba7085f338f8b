// `evwheel/sim`: the deterministic simulation (docs/INTERNALS.md "The simulation").
export { Simulation, type Faults, type SimulationOptions } from './sim/simulation.js';
export { AsyncContext, type ContextStats } from './context.js';
export { Events, type ContextOptions, type HandlerOptions, type Mode } from './events.js';
export { EvwheelError, type ErrorCode } from './errors.js';
export { FdHandler, Timer } from './handler.js';
export { TimerGroup, type TimerGroupCallback } from './timer-group.js';
