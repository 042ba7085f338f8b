import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EvwheelError } from './errors.js';

const compiled = new Map<string, WebAssembly.Module>();

/**
 * A Wasm file shipped in the package (`path` from the package root; the bundle lives in dist/),
 * read and compiled synchronously once per JS thread — AsyncContext.create() and
 * Simulation.create() are synchronous.
 */
export function packagedWasm(path: string, whenMissing: string): WebAssembly.Module {
  let module = compiled.get(path);
  if (!module) {
    const file = fileURLToPath(new URL(`../${path}`, import.meta.url));
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      throw new EvwheelError('ERR_NOT_SUPPORTED', `${whenMissing} (${file} is missing)`);
    }
    module = new WebAssembly.Module(new Uint8Array(bytes));
    compiled.set(path, module);
  }
  return module;
}
