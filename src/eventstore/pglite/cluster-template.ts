import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

const TEMPLATES = () => fromPackageRoot('dist', 'pglite-template');

/**
 * The cluster a first start copies into its new data folder, written by
 * `npm run build` (dist/pglite-template/<PGlite version>/, about 40 MB): what
 * initdb leaves plus the service's empty schema, as the compiled code beside
 * it makes it. initdb and the schema's DDL in WebAssembly were most of a first
 * start; copying the folder takes a fraction of a second.
 */
export function clusterTemplateDir(): string {
  return join(TEMPLATES(), pgliteVersion());
}

/** initdb's output for this PGlite, kept outside dist (not shipped) so a rebuild of the template skips initdb. */
function baseClusterDir(): string {
  return fromPackageRoot('node_modules', '.cache', 'nexus-bank', `pglite-${pgliteVersion()}`);
}

function replaceDir(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  renameSync(from, to);
}

async function initdb(dir: string): Promise<void> {
  const partial = `${dir}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(dirname(partial), { recursive: true });
  const db = await PGlite.create(partial);
  await db.close();
  replaceDir(partial, dir);
}

/**
 * Writes the template unless the one there was made by the same build
 * (`buildId`): initdb's output (cached), then `prepare` creates the schema in
 * it. Templates of other PGlite versions are removed.
 */
export async function writeClusterTemplate(buildId: string, prepare: (dataDir: string) => Promise<void>): Promise<{ dir: string; written: boolean }> {
  const dir = clusterTemplateDir();
  const stamp = `${dir}.build`;
  if (existsSync(join(dir, MARKER)) && existsSync(stamp) && readFileSync(stamp, 'utf8') === buildId) return { dir, written: false };
  const base = baseClusterDir();
  if (!existsSync(join(base, MARKER))) await initdb(base);
  const partial = `${dir}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  cpSync(base, partial, { recursive: true });
  await prepare(partial);
  rmSync(stamp, { force: true });
  replaceDir(partial, dir);
  writeFileSync(stamp, buildId);
  for (const entry of readdirSync(TEMPLATES())) {
    if (entry !== `${pgliteVersion()}` && entry !== `${pgliteVersion()}.build`) rmSync(join(TEMPLATES(), entry), { recursive: true, force: true });
  }
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
