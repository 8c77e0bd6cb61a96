// Part of `npm run build`: builds the staff console (Vite) into dist/console/, unless
// dist/console is newer than every source it is built from (so `npm test`, which builds
// first, does not pay for it again). The built files are not committed.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const output = join(root, 'dist', 'console', 'index.html');
const sources = [join(root, 'console'), join(root, 'src', 'http', 'generated', 'openapi.ts'), join(root, 'package-lock.json')];

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((e) => newest(join(path, e))));
}

if (existsSync(output) && statSync(output).mtimeMs >= Math.max(...sources.map(newest))) process.exit(0);
const { build } = await import('vite');
const started = Date.now();
await build({ configFile: join(root, 'console', 'vite.config.ts') });
console.log(`console built into dist/console in ${Date.now() - started} ms`);
