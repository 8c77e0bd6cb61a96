/**
 * Soak run (the long tier of the fault suite, on demand): the same seeded
 * workload and checks as tests/faults, bigger and longer, with more faults.
 *
 *   npm run bench:soak                      # 300 accounts, 48 clients, 5 minutes
 *   SOAK_MINUTES=1 SOAK_ACCOUNTS=120 npm run bench:soak
 *   SEED=123 npm run bench:soak             # replay a run's choices
 *
 * Variables: SEED, SOAK_MINUTES, SOAK_ACCOUNTS, SOAK_CLIENTS, SOAK_API_KILLS,
 * SOAK_PROJECTOR_KILLS, SOAK_PAUSES (each process), SOAK_LOG_DIR (api.log and
 * projector.log). PostgreSQL (127.0.0.1:5432, shared) is restarted once, in
 * immediate mode, for about a second. Exits 1 when any invariant is broken.
 */
import { mkdirSync } from 'node:fs';
import { startCluster } from '../tests/helpers/processes.js';
import { runScenario } from './lib/workload-run.js';

const num = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number, got "${raw}"`);
  return n;
};

const seed = num('SEED', Date.now() % 1_000_000);
const minutes = num('SOAK_MINUTES', 5);
const logDir = process.env.SOAK_LOG_DIR;
if (logDir) mkdirSync(logDir, { recursive: true });
const log = (line: string) => console.log(line);

const started = Date.now();
console.log(`soak: SEED=${seed}, ${minutes} min of load`);
const cluster = await startCluster({ logDir, env: { TRANSFER_CODE_TTL_SECONDS: '8' } });
let violations = 1;
try {
  const pauses = num('SOAK_PAUSES', Math.max(1, Math.round(minutes)));
  const result = await runScenario(cluster, {
    seed,
    accounts: num('SOAK_ACCOUNTS', 300),
    clients: num('SOAK_CLIENTS', 48),
    loadMs: minutes * 60_000,
    drainMs: 90_000,
    faults: {
      apiKills: num('SOAK_API_KILLS', Math.max(2, Math.round(minutes * 2))),
      projectorKills: num('SOAK_PROJECTOR_KILLS', Math.max(1, Math.round(minutes))),
      apiPauses: pauses,
      projectorPauses: pauses,
      pgRestarts: 1,
    },
    faultWindow: [0.1, 0.8],
    rebuild: true,
    replaySample: 200,
    log,
  });
  console.log('');
  for (const line of result.lines) console.log(line);
  violations = result.violations;
} finally {
  await cluster.stop();
}
console.log(`soak finished in ${((Date.now() - started) / 1000).toFixed(0)} s: ${violations === 0 ? 'every invariant held' : `${violations} invariant violations`}`);
process.exit(violations === 0 ? 0 : 1);
