#!/usr/bin/env -S node --max-semi-space-size=64
// The flag: a young generation of up to 64 MB per semi-space instead of 16, so that the many short-lived
// objects of each request die before a scavenge copies them; an access decision's server CPU fell by about a
// quarter in one set of runs (a later, steadier check saw no difference), orders unchanged (docs/benchmarks.md).
// Node reads it only at start, hence here: `npm start` and an installed `seatwise` run this file directly;
// `node bin/seatwise.js` runs without it.
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
