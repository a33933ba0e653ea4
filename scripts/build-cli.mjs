#!/usr/bin/env node
// Compiles the seatwise command (src/cli/main.ts and everything it imports from src/) into one JavaScript
// JavaScript entry, dist/seatwise.mjs, and the chunks it imports when a command needs them (dist/seatwise-*.mjs),
// so that a command does not compile TypeScript every time it runs.
// `npm install` (prepare) builds it; bin/seatwise.js rebuilds it when the sources changed since.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
export const CLI_BUNDLE = join(dist, 'seatwise.mjs');
const stamp = `${CLI_BUNDLE}.sources-hash`;

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return files(path);
    return /\.test\.ts$/.test(e.name) ? [] : [path];
  });
}

/** A hash of what the bundle is made of: the server's sources and this script (its build options). */
export function sourcesHash() {
  const hash = createHash('sha256');
  for (const f of [...files(src), import.meta.filename].sort()) {
    hash.update(relative(root, f));
    hash.update(readFileSync(f));
  }
  return hash.digest('hex');
}

/** True when dist/seatwise.mjs was built from the sources as they are now. */
export function cliUpToDate(wanted = sourcesHash()) {
  return existsSync(CLI_BUNDLE) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted;
}

/**
 * `import.meta.dirname` in a source file means that file's directory (e.g. src/app finds catalog/ at
 * ../../catalog); in the bundle it would mean dist/ (where every output file is). Each use is rewritten to the
 * source directory as seen from dist/, so the paths still resolve, wherever the repository is moved.
 */
const sourceDirname = {
  name: 'source-dirname',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.dirname')) return undefined;
      const fromDist = relative(dist, dirname(args.path)).split('\\').join('/');
      return {
        contents: text.replaceAll(
          'import.meta.dirname',
          `(import.meta.dirname + ${JSON.stringify(`/${fromDist}`)})`,
        ),
        loader: 'ts',
      };
    });
  },
};

/** Builds dist/seatwise.mjs unless it is up to date; returns what it did. */
export async function ensureCliBuilt() {
  const wanted = sourcesHash();
  if (cliUpToDate(wanted)) return 'up to date';
  // esbuild comes with tsx (a dependency), so it is there in every install, production ones included.
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { seatwise: join(src, 'cli', 'main.ts') },
    outdir: dist,
    outExtension: { '.js': '.mjs' },
    // What only some commands use (the database, the server) goes in chunks loaded when they run.
    splitting: true,
    chunkNames: 'seatwise-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    packages: 'external',
    sourcemap: 'linked',
    write: false,
    logLevel: 'warning',
    plugins: [sourceDirname],
  });
  mkdirSync(dist, { recursive: true });
  // Written aside and renamed, so that a command starting meanwhile reads the old bundle or the new one whole;
  // the chunks (named by their content) before the entry that imports them.
  const isEntry = (out) => out.path.startsWith(CLI_BUNDLE);
  for (const out of result.outputFiles.sort((a, b) => Number(isEntry(a)) - Number(isEntry(b)))) {
    const tmp = `${out.path}.${process.pid}.tmp`;
    writeFileSync(tmp, out.contents);
    renameSync(tmp, out.path);
  }
  const tmp = `${stamp}.${process.pid}.tmp`;
  writeFileSync(tmp, wanted);
  renameSync(tmp, stamp);
  const written = new Set(result.outputFiles.map((o) => o.path));
  for (const f of readdirSync(dist)) {
    if (/^seatwise-.*\.mjs(\.map)?$/.test(f) && !written.has(join(dist, f)))
      rmSync(join(dist, f), { force: true });
  }
  return 'built';
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  try {
    const started = Date.now();
    const what = await ensureCliBuilt();
    if (!process.argv.includes('--quiet'))
      console.log(
        what === 'built'
          ? `seatwise: command built in ${Date.now() - started} ms`
          : 'seatwise: command up to date',
      );
  } catch (e) {
    console.error(`seatwise: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
