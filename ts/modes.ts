import { EvwheelError } from './errors.js';
import type { Mode } from './events.js';

/** Signal delivery arrives with the signal issue; until then it is refused, never faked. */
export function assertModeSupported(mode: Mode): void {
  if (mode === 'signal') {
    throw new EvwheelError('ERR_NOT_SUPPORTED', "mode 'signal' is not available yet: use 'thread' or 'poll'");
  }
}
