// The core alone (build/core.wasm, instantiated as ts/core.ts does, minus the runtime around it):
// for the measures that must leave the API's JS objects out — the wheel without Timer objects,
// the Wasm memory the core's records take per handler.
import { readFileSync } from 'node:fs';

const coreModule = new WebAssembly.Module(readFileSync(new URL('../../build/core.wasm', import.meta.url)));

/** A fresh core with its own memory: `{ x, memory }`, x the exports, already initialised. */
export function bareCore() {
  const memory = new WebAssembly.Memory({ shared: true, initial: 16, maximum: 16384 });
  const x = new WebAssembly.Instance(coreModule, { env: { memory, abort: () => { throw new Error('core abort'); } } }).exports;
  x.init();
  return { x, memory };
}
