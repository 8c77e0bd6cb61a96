// Diagnostic preload for the service under a bench: counts the SQL statements
// it sends, by statement (first 400 characters), and writes them to
// $COUNT_QUERIES_FILE when the process exits.
//   SERVICE_NODE_ARGS="--import ./bench/lib/count-queries.mjs" COUNT_QUERIES_FILE=/tmp/q.json npm run bench:transfers
//   NODE_OPTIONS="--import $PWD/bench/lib/count-queries.mjs" COUNT_QUERIES_FILE=/tmp/q-%p.json npm run bench:scale-out
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const pg = require('pg');
const counts = new Map();
const original = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, ...rest) {
  const text = typeof config === 'string' ? config : (config?.text ?? String(config));
  const key = text.replace(/\s+/g, ' ').trim().slice(0, 400);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  return original.call(this, config, ...rest);
};
process.on('exit', () => {
  // "%p" in the name stands for the process id (several processes of a cluster each write their own).
  const file = process.env.COUNT_QUERIES_FILE?.replace('%p', String(process.pid));
  if (file) writeFileSync(file, JSON.stringify(Object.fromEntries([...counts].sort((a, b) => b[1] - a[1])), null, 1));
});
