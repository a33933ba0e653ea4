#!/usr/bin/env node
// Builds the partner console (web/ → web/dist) with vite when its sources changed since the last build.
// `npm start` (prestart) and the test run call it; an unchanged console costs one hash of its sources.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const web = join(root, 'web');
const dist = join(web, 'dist');
const stamp = join(dist, '.sources-hash');

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'dist' || e.name === 'node_modules' ? [] : files(path);
    return /\.test\.tsx?$/.test(e.name) ? [] : [path];
  });
}

/** A hash of everything the build reads: the console's sources and the installed versions. */
export function sourcesHash() {
  const hash = createHash('sha256');
  const inputs = [...files(web), join(root, 'package-lock.json')].filter(existsSync).sort();
  for (const f of inputs) {
    hash.update(relative(root, f));
    hash.update(readFileSync(f));
  }
  return hash.digest('hex');
}

/** Builds web/dist unless it is up to date; returns what it did. */
export async function ensureConsoleBuilt({ quiet = false } = {}) {
  const wanted = sourcesHash();
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted && statSync(join(dist, 'index.html')))
    return 'up to date';
  let vite;
  try {
    vite = await import('vite');
  } catch {
    if (existsSync(join(dist, 'index.html'))) {
      console.warn(
        'seatwise: vite is not installed (npm install --omit=dev?); serving the console built earlier',
      );
      return 'kept';
    }
    throw new Error('the console is not built and vite is not installed: run `npm install` first');
  }
  const started = Date.now();
  await vite.build({
    configFile: join(web, 'vite.config.ts'),
    logLevel: quiet ? 'warn' : 'info',
  });
  writeFileSync(stamp, wanted);
  if (!quiet) console.log(`seatwise: console built in ${Date.now() - started} ms`);
  return 'built';
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  try {
    const what = await ensureConsoleBuilt({ quiet: process.argv.includes('--quiet') });
    if (what === 'up to date' && !process.argv.includes('--quiet'))
      console.log('seatwise: console up to date');
  } catch (e) {
    console.error(`seatwise: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
