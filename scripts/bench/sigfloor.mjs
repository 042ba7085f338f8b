// Child process of the round-trip benchmark: the native signal echo, interleaved with the native
// echo thread, in a process where no evwheel signal loop exists. There, Node's loop watches a
// signalfd (docs/INTERNALS.md), and the kernel wakes every signalfd watcher of a process for every
// signal of that process: the echo's signals would wake the JS thread too, and the floor would be
// measured under that load. Prints { samples, cpuUs } as JSON.
import { nativeFloors, pingRounds } from './pingpong.mjs';

const [rounds, count, gapUs] = process.argv.slice(2).map(Number);
process.stdout.write(JSON.stringify(await pingRounds(nativeFloors(), { rounds, count, gapUs })));
