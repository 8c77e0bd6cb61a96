/**
 * How many source files, and which layers, one flow of the bank runs through.
 *
 * Starts the real service (compiled, on PostgreSQL) with the inspector open, sets up
 * the flow's preconditions, resets V8's precise coverage, runs the flow, waits for its
 * processes and projections, and lists every file of src/ with a function that ran
 * during the flow (V8 call counts, not a guess). Layer = the first folder under src/.
 *
 *   npm run flows                 # both flows
 *   npm run flows -- transfer     # one
 */
import { randomUUID } from 'node:crypto';
import { startService, freePort, type RunningService } from '../tests/helpers/service.js';
import { createStaff, login, registerUser, type Tokens } from '../tests/helpers/users.js';

interface Cdp {
  send<T = any>(method: string, params?: Record<string, unknown>): Promise<T>;
  close(): void;
}

async function connect(port: number): Promise<Cdp> {
  const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(target!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let next = 1;
  const pending = new Map<number, (msg: any) => void>();
  ws.onmessage = (m) => {
    const msg = JSON.parse(String(m.data));
    pending.get(msg.id)?.(msg);
    pending.delete(msg.id);
  };
  return {
    send: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, (msg) => (msg.error ? reject(new Error(msg.error.message)) : resolve(msg.result)));
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

interface ScriptCoverage {
  url: string;
  functions: { functionName: string; ranges: { count: number }[] }[];
}

/** Files under dist/src with a function called since the last take, as src/... paths. */
function filesRun(result: ScriptCoverage[]): string[] {
  const files = new Set<string>();
  for (const script of result) {
    const m = /\/dist\/(src\/.*)\.js$/.exec(script.url);
    if (!m) continue;
    // The first function of a script is its top level: it counts only when the module loads.
    if (script.functions.some((f, i) => i > 0 && (f.ranges[0]?.count ?? 0) > 0)) files.add(`${m[1]}.ts`);
  }
  return [...files].sort();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Flow {
  name: string;
  setup(svc: RunningService): Promise<() => Promise<void>>;
}

const flows: Flow[] = [
  {
    name: 'transfer',
    async setup(svc) {
      const staff = await createStaff(svc, 'staff@example.com');
      await registerUser(svc, 'alice@example.com');
      await registerUser(svc, 'bob@example.com');
      const alice: Tokens = await login(svc, 'alice@example.com');
      const bob: Tokens = await login(svc, 'bob@example.com');
      const a = (await svc.api.post('/accounts/', {}, { token: alice.access })).body.account_number as string;
      const b = (await svc.api.post('/accounts/', {}, { token: bob.access })).body.account_number as string;
      await svc.api.post(`/admin/accounts/${a}/deposit/`, { amount: '500' }, { token: staff.access });
      // A first transfer warms every cache the flow uses (the measured one is a steady-state transfer).
      await svc.api.post('/transfers/external/', { sender_account: a, receiver_account: b, amount: '1' }, { token: alice.access, headers: { 'Idempotency-Key': randomUUID() } });
      await sleep(1500);
      return async () => {
        const res = await svc.api.post('/transfers/external/', { sender_account: a, receiver_account: b, amount: '10' }, { token: alice.access, headers: { 'Idempotency-Key': randomUUID() } });
        if (res.status !== 201) throw new Error(`transfer: ${res.status} ${JSON.stringify(res.body)}`);
        const seen = await svc.api.get(`/transfers/external?min_position=${res.body.position}`, { token: bob.access });
        if (seen.status !== 200) throw new Error(`statement: ${seen.status}`);
      };
    },
  },
  {
    name: 'failed-login-incident',
    async setup(svc) {
      const staff = await createStaff(svc, 'staff@example.com');
      await registerUser(svc, 'victim@example.com');
      await svc.api.post('/auth/jwt/create/', { email: 'victim@example.com', password: 'wrong-password-0' });
      await sleep(1500);
      return async () => {
        for (let i = 1; i <= 5; i++) await svc.api.post('/auth/jwt/create/', { email: 'victim@example.com', password: `wrong-password-${i}` });
        const deadline = Date.now() + 15_000;
        while (Date.now() < deadline) {
          const res = await svc.api.get('/risk/incidents?rule=brute_force', { token: staff.access });
          if (res.body.results?.length > 0) return;
          await sleep(100);
        }
        throw new Error('no brute_force incident');
      };
    },
  },
];

async function measure(flow: Flow): Promise<void> {
  const inspect = await freePort();
  process.env.SERVICE_NODE_ARGS = `--inspect=127.0.0.1:${inspect}`;
  const svc = await startService({ RISK_BRUTE_FORCE_FAILURES: '5' });
  const cdp = await connect(inspect);
  try {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
    const run = await flow.setup(svc);
    await cdp.send('Profiler.takePreciseCoverage'); // resets the counts: only the flow counts from here
    await run();
    await sleep(1000); // the processes and projectors that follow the flow's events
    const { result } = await cdp.send<{ result: ScriptCoverage[] }>('Profiler.takePreciseCoverage');
    const files = filesRun(result);
    const layers = new Map<string, string[]>();
    for (const f of files) {
      const layer = f.split('/')[1]!.replace(/\.ts$/, '');
      layers.set(layer, [...(layers.get(layer) ?? []), f]);
    }
    console.log(`\n== ${flow.name}: ${files.length} files in ${layers.size} layers`);
    for (const [layer, list] of [...layers].sort()) console.log(`  ${layer} (${list.length}): ${list.map((f) => f.slice(`src/${layer}/`.length) || f).join(', ')}`);
  } finally {
    cdp.close();
    await svc.stop();
  }
}

const wanted = process.argv.slice(2);
for (const flow of flows) if (wanted.length === 0 || wanted.includes(flow.name)) await measure(flow);
