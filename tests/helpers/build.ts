/**
 * The suites that start real processes run the compiled build, as `npm start`
 * and the image do: what ships is what is tested. `npm test` (tests/run.mjs)
 * builds before mocha starts; a bench or a test started another way builds
 * here, once per process (`tsc -b` is a quick no-op when dist is current).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export const SERVICE_ENTRY = 'dist/src/main.js';
export const PROJECTOR_ENTRY = 'dist/src/projections/main.js';
export const CLI_ENTRY = 'dist/src/cli/main.js';

let built: Promise<void> | undefined;

export function ensureBuilt(): Promise<void> {
  if (process.env.NEXUS_TEST_BUILT === '1') return Promise.resolve();
  built ??= promisify(execFile)('npm', ['run', '--silent', 'build'], { maxBuffer: 16 * 1024 * 1024 }).then(
    () => undefined,
    (error: { stdout?: string; stderr?: string }) => {
      throw new Error(`npm run build failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    },
  );
  return built;
}
