#!/usr/bin/env node
// Creates an empty embedded database once, at `npm install` (prepare), and keeps it as a tarball,
// dist/pglite-template.tar.gz: the first start on an empty data directory then unpacks it instead of
// running PostgreSQL's initdb inside PGlite, which took most of the first start's time.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
export const PGLITE_TEMPLATE = join(dist, 'pglite-template.tar.gz');
const stamp = `${PGLITE_TEMPLATE}.version`;

/** The installed PGlite's version: a template is only used by the PGlite that made it. */
function pgliteVersion() {
  const pkg = join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json');
  return JSON.parse(readFileSync(pkg, 'utf8')).version;
}

/** Builds the template unless the one there was made by the installed PGlite; returns what it did. */
export async function ensurePgliteTemplate() {
  const version = pgliteVersion();
  if (existsSync(PGLITE_TEMPLATE) && existsSync(stamp) && readFileSync(stamp, 'utf8') === version)
    return 'up to date';
  const { PGlite } = await import('@electric-sql/pglite');
  const scratch = mkdtempSync(join(tmpdir(), 'seatwise-pglite-template-'));
  try {
    const pglite = await PGlite.create({ dataDir: join(scratch, 'pgdata') });
    const dump = await pglite.dumpDataDir('gzip');
    await pglite.close();
    mkdirSync(dist, { recursive: true });
    const tmp = `${PGLITE_TEMPLATE}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, PGLITE_TEMPLATE);
    writeFileSync(stamp, version);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return 'built';
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  try {
    const started = Date.now();
    const what = await ensurePgliteTemplate();
    if (!process.argv.includes('--quiet'))
      console.log(
        what === 'built'
          ? `seatwise: empty database template made in ${Date.now() - started} ms`
          : 'seatwise: empty database template up to date',
      );
  } catch (e) {
    // Not fatal: without the template, the first start runs initdb itself.
    console.error(`seatwise: no empty database template (${e instanceof Error ? e.message : String(e)})`);
  }
}
