import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { fromPackageRoot } from '../../infra/package-root.js';

/** PGlite takes a folder with this file for an existing cluster and runs initdb otherwise. */
const MARKER = 'PG_VERSION';

/** The installed PGlite's version: a template is only used by the version that wrote it. */
function pgliteVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite'))); dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version;
  }
  throw new Error('the installed @electric-sql/pglite has no package.json');
}

/**
 * An empty PostgreSQL cluster as PGlite's initdb leaves it (about 40 MB, no
 * schema, no data), written once by `npm run build` to
 * dist/pglite-template/<PGlite version>/. initdb in WebAssembly is most of a
 * first start (several seconds); copying this folder takes milliseconds.
 */
export function clusterTemplateDir(): string {
  return fromPackageRoot('dist', 'pglite-template', pgliteVersion());
}

/** Writes the template for the installed PGlite unless it is there already. */
export async function writeClusterTemplate(): Promise<{ dir: string; written: boolean }> {
  const dir = clusterTemplateDir();
  if (existsSync(join(dir, MARKER))) return { dir, written: false };
  const partial = `${dir}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(dirname(partial), { recursive: true });
  const db = await PGlite.create(partial);
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return { dir, written: true };
}

/**
 * Fills a data folder that holds no cluster from the template, if one was
 * built for this PGlite; false when there is none (PGlite then runs initdb).
 * PG_VERSION is copied last, so a copy cut short is simply done again.
 */
export function fillFromClusterTemplate(dataDir: string): boolean {
  const template = clusterTemplateDir();
  if (!existsSync(join(template, MARKER))) return false;
  cpSync(template, dataDir, { recursive: true, filter: (source) => source !== join(template, MARKER) });
  copyFileSync(join(template, MARKER), join(dataDir, MARKER));
  return true;
}

/** Whether `dataDir` already holds a cluster. */
export function holdsCluster(dataDir: string): boolean {
  return existsSync(join(dataDir, MARKER));
}
