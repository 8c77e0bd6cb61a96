/**
 * Internal transfers over HTTP for the benches (bench/transfers.ts,
 * bench/scale-out.ts): a tiny keep-alive JSON client, a set of funded account
 * pairs (one per worker, so workers never share a sender), and the transfer
 * operation a closed or open loop runs.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { RunningService } from '../../tests/helpers/service.js';
import { createStaff, login, registerUser } from '../../tests/helpers/users.js';
import type { Operation } from './load.js';

const USERS = 8;

/** A tiny keep-alive JSON client (fetch adds overhead that is not the service's). */
export class Client {
  private readonly agent: http.Agent;
  private readonly url: URL;
  constructor(base: string, sockets: number) {
    this.url = new URL(base);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }
  post(path: string, body: unknown, token: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.url.hostname,
          port: this.url.port,
          path,
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: `Bearer ${token}`, ...headers },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
  close(): void {
    this.agent.destroy();
  }
}

export interface Pair {
  token: string;
  from: string;
  to: string;
}

export async function setUp(svc: RunningService, pairs: number): Promise<Pair[]> {
  const staff = await createStaff(svc, 'bench-staff@example.com');
  const tokens: string[] = [];
  for (let u = 0; u < USERS; u++) {
    const email = `bench-${u}@example.com`;
    await registerUser(svc, email);
    tokens.push((await login(svc, email)).access);
  }
  const out: Pair[] = [];
  for (let i = 0; i < pairs; i++) {
    const token = tokens[i % USERS]!;
    const open = async () => {
      const res = await svc.api.post('/accounts/', {}, { token });
      if (res.status !== 201) throw new Error(`open account: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.account_number as string;
    };
    const from = await open();
    const to = await open();
    const dep = await svc.api.post(`/admin/accounts/${from}/deposit/`, { amount: '100000.000' }, { token: staff.access });
    if (dep.status !== 201) throw new Error(`deposit: ${dep.status} ${JSON.stringify(dep.body)}`);
    out.push({ token, from, to });
  }
  return out;
}

/** BENCH_IDEMPOTENCY_KEYS=1: every transfer carries its own Idempotency-Key, as a careful client's do. */
const WITH_KEYS = process.env.BENCH_IDEMPOTENCY_KEYS === '1';

export function transferOp(client: Client, pair: Pair): Operation {
  return async () => {
    const headers: Record<string, string> = WITH_KEYS ? { 'idempotency-key': randomUUID() } : {};
    const res = await client.post('/transfers/internal', { sender_account: pair.from, receiver_account: pair.to, amount: '0.001' }, pair.token, headers);
    if (res.status !== 201) throw new Error(`transfer: ${res.status} ${res.body}`);
  };
}
