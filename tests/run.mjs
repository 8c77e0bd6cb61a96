#!/usr/bin/env node
// Builds the service (npm run build), then runs every tests/**/*.test.ts with mocha
// (TypeScript through tsx) and ends with the line CI reads: "N passed, N failed, N skipped".
// Usage: npm test [-- <folder or file> ...] [--grep pattern]
import { register } from 'tsx/esm/api';
import Mocha from 'mocha';
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

register();

// The suites that start processes run the compiled build (tests/helpers/build.ts): build it
// here, outside any test's time limit (a no-op when dist is current).
execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
process.env.NEXUS_TEST_BUILT = '1';

function collect(path, out) {
  const st = statSync(path);
  if (st.isFile()) {
    if (path.endsWith('.test.ts')) out.push(resolve(path));
    return out;
  }
  for (const entry of readdirSync(path).sort()) {
    if (entry === 'node_modules') continue;
    collect(join(path, entry), out);
  }
  return out;
}

const args = process.argv.slice(2);
let grep;
const roots = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--grep') grep = args[++i];
  else roots.push(args[i]);
}
const files = (roots.length ? roots : ['tests']).flatMap((r) => collect(r, []));

const mocha = new Mocha({ timeout: 60_000, reporter: 'spec', grep });
for (const f of files) mocha.addFile(f);
await mocha.loadFilesAsync();
const runner = mocha.run((failures) => {
  const { passes = 0, failures: failed = 0, pending = 0 } = runner.stats ?? {};
  console.log(`\n${passes} passed, ${failed} failed, ${pending} skipped`);
  process.exitCode = failures > 0 ? 1 : 0;
  // Open handles (pools, timers) must not keep CI waiting.
  setTimeout(() => process.exit(process.exitCode), 500).unref();
});
