import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/**
 * The folder of package.json. Files the service reads at run time (openapi/,
 * src/http/static/, the PGlite template in dist/) are found from here, so the
 * same paths hold whether the code runs compiled (dist/src/...) or from src
 * through tsx, and whatever the working directory.
 */
export const packageRoot = findRoot(dirname(fileURLToPath(import.meta.url)));

export const fromPackageRoot = (...parts: string[]): string => join(packageRoot, ...parts);
