#!/usr/bin/env -S node --max-semi-space-size=64 --no-memory-reducer
// The flags, which Node reads only at start (hence here: `npm start` and an installed `seatwise` run this file
// directly; `node bin/seatwise.js` runs without them; docs/benchmarks.md has the figures):
// --max-semi-space-size=64: a young generation of up to 64 MB per semi-space instead of 16, so that the many
//   short-lived objects of each request die before a scavenge copies them.
// --no-memory-reducer: V8 otherwise shrinks the heap of a server left idle for 8 s, and the load after it
//   then met major GCs of up to 40 ms. Access decisions at 5,000/s after a minute idle, p99: 3-62 ms over
//   ten server turns in five bench:access runs without it; with it 2.7-6.4 ms in nine turns of ten, 44 in
//   the tenth. The cost: an idle server keeps the heap its load grew (about 85 MB used instead of 55).
// Runs the compiled command (dist/seatwise.mjs, built by `npm install`), and builds it first when the
// sources changed since; compiling TypeScript at every run cost seconds per command.
import { pathToFileURL } from 'node:url';
import { CLI_BUNDLE, ensureCliBuilt } from '../scripts/build-cli.mjs';

let entry;
try {
  await ensureCliBuilt();
  entry = pathToFileURL(CLI_BUNDLE).href;
} catch (e) {
  // A checkout where dist/ cannot be written: run the sources through tsx, slower but the same program.
  process.stderr.write(
    `seatwise: cannot build the command (${e instanceof Error ? e.message : e}); running the sources\n`,
  );
  const { register } = await import('tsx/esm/api');
  register();
  entry = new URL('../src/cli/main.ts', import.meta.url).href;
}
process.setSourceMapsEnabled(true);
const { main } = await import(entry);
await main(process.argv);
