/**
 * A seeded random banking workload over HTTP, for the fault suite
 * (tests/faults) and the soak run (bench/soak.ts): users and accounts made
 * through the real API, then N concurrent clients sending deposits, internal
 * and external transfers, bill payments and high-value transfers (their money
 * held until the mailed code confirms them; some are locked by wrong codes,
 * some left to expire), each with its own Idempotency-Key
 * and X-Request-Id (which the service records as the events' correlation id).
 * A request that gets no answer (connection error, timeout, 5xx) is "unknown"
 * and is retried later with the same key and body; every command's fate is
 * kept for the checks in workload-checks.ts.
 */
import { performance } from 'node:perf_hooks';
import type { ApiClient } from '../../tests/helpers/http-client.js';
import type { RunningService } from '../../tests/helpers/service.js';
import { createStaff, login, registerUser } from '../../tests/helpers/users.js';

export type Currency = 'JOD' | 'USD' | 'EUR';
export const DECIMALS: Record<Currency, number> = { JOD: 3, USD: 2, EUR: 2 };
export const CURRENCIES: readonly Currency[] = ['JOD', 'USD', 'EUR'];

/** A small seeded PRNG (mulberry32): the same seed gives the same workload choices. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    between: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}
export type Rng = ReturnType<typeof prng>;

/** Minor units to the wire's decimal string ("125.50"). */
export function formatMinor(minor: bigint, currency: Currency): string {
  const d = DECIMALS[currency];
  const neg = minor < 0n;
  const s = (neg ? -minor : minor).toString().padStart(d + 1, '0');
  return `${neg ? '-' : ''}${s.slice(0, -d)}.${s.slice(-d)}`;
}

export interface Account {
  number: string;
  currency: Currency;
  owner: number;
}

export interface Customer {
  index: number;
  email: string;
  id: string;
  token: string;
  accounts: Account[];
}

/** `held`: a high-value transfer request (202, money held); `confirm`: a code sent for one. */
export type CommandKind = 'deposit' | 'internal' | 'external' | 'bill' | 'held' | 'confirm';

/** What the customer does with a held transfer once its code arrives. */
export type HeldPlan = 'confirm' | 'lock' | 'expire';

export interface Command {
  /** Sent as X-Request-Id (the events' correlation id) and part of the Idempotency-Key. */
  id: string;
  kind: CommandKind;
  path: string;
  token: string;
  key: string;
  body: Record<string, unknown>;
  /** For deposits: the amount in minor units and its currency (what entered the bank). */
  amount: bigint;
  currency: Currency;
  state: 'new' | 'acked' | 'refused' | 'unknown';
  /** Some attempt got no answer (so it may have had an effect before the answer was lost). */
  everUnknown: boolean;
  attempts: number;
  /** 409 idempotency_in_progress answers (a retry while a crashed attempt's claim is held). */
  inProgress: number;
  status?: number;
  code?: string;
  ackBody?: Record<string, unknown>;
  /** The transfer/deposit/bill id the acknowledgement named. */
  effectId?: string;
  /** `held`: what to do once acknowledged; `confirm`: the transfer it confirms. */
  plan?: HeldPlan;
  transferId?: string;
  firstSentAt: number;
  ackedAt?: number;
  nextRetryAt: number;
}

export interface FaultRecord {
  kind: 'api-kill' | 'projector-kill' | 'api-pause' | 'projector-pause' | 'pg-restart';
  atMs: number;
  /** Process back and answering (API /health, projector "running", PostgreSQL accepting connections). */
  restartMs?: number;
  /** From the fault to the first command acknowledged after it. */
  recoveryMs?: number;
  /** Projector only: from its restart until every read model reached the head seen at restart. */
  catchUpMs?: number;
  note?: string;
}

export interface WorkloadOptions {
  seed: number;
  /** Customer accounts (three per user). */
  accounts: number;
  clients: number;
  /** Opening deposit per account, in major units. */
  openingDeposit: number;
  requestTimeoutMs: number;
  log: (line: string) => void;
}

/** The id an acknowledgement names: deposit_id, transfer.id, (pending) transfer_id or (bill) id. */
export function effectIdOf(body: any): string {
  return String(body?.deposit_id ?? body?.transfer?.id ?? body?.transfer_id ?? body?.id ?? '');
}

/** A held transfer acknowledged, waiting for its mailed code to be used as planned. */
interface CodeWait {
  transferId: string;
  token: string;
  plan: HeldPlan;
  since: number;
}

/** How long a held transfer's mail is looked for before it is left to expire (a crash can lose the mail). */
const MAIL_WAIT_MS = 10_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const BILL_REFERENCES: Record<string, string> = {
  'electricity-co': '12345678',
  'water-authority': '1234567',
  'fast-internet': 'NEXUS2026',
  'mobile-provider': '0791234567',
};

/** Runs `fn` over `items` with at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

/**
 * The workload's state: customers, their accounts, every command sent and its
 * fate, the acknowledgement times (for throughput) and the faults injected.
 */
export class Workload {
  readonly rng: Rng;
  readonly customers: Customer[] = [];
  readonly accounts: Account[] = [];
  readonly commands: Command[] = [];
  readonly acks: number[] = [];
  readonly faults: FaultRecord[] = [];
  readonly refusals = new Map<string, number>();
  staff!: { id: string; access: string };
  private seq = 0;
  /** performance.now() at the start of the load: times are relative to it. */
  t0 = 0;
  private stopNew = false;

  constructor(
    readonly svc: RunningService,
    readonly options: WorkloadOptions,
  ) {
    this.rng = prng(options.seed);
  }

  now(): number {
    return performance.now() - this.t0;
  }

  get api(): ApiClient {
    return this.svc.api;
  }

  /** Staff user, customers (registered, activated, logged in) and their accounts, all through the API. */
  async setup(): Promise<void> {
    const staff = await createStaff(this.svc, `staff-${this.options.seed}@faults.test`);
    this.staff = { id: staff.id, access: staff.access };
    const users = Math.max(2, Math.ceil(this.options.accounts / 3));
    const slots = Array.from({ length: users }, (_, i) => i);
    const currencies = slots.map(() => [this.rng.pick(CURRENCIES), this.rng.pick(CURRENCIES)] as const);
    await pool(slots, 4, async (i) => {
      const email = `c${i}-${this.options.seed}@faults.test`;
      const user = await registerUser(this.svc, email);
      const tokens = await login(this.svc, email);
      const customer: Customer = { index: i, email, id: user.id, token: tokens.access, accounts: [] };
      // Every customer has a JOD account; the other two are random currencies (FX between them).
      const kinds: { type: string; currency: Currency }[] = [{ type: 'Basic', currency: 'JOD' }];
      for (const c of currencies[i]!) kinds.push({ type: c === 'JOD' ? 'Savings' : c, currency: c });
      for (const k of kinds) {
        if (this.accounts.length + customer.accounts.length >= this.options.accounts && customer.accounts.length >= 2) break;
        const res = await this.api.post('/accounts', k, { token: tokens.access });
        if (res.status !== 201) throw new Error(`opening an account: ${res.status} ${JSON.stringify(res.body)}`);
        customer.accounts.push({ number: res.body.account_number as string, currency: k.currency, owner: i });
      }
      this.customers[i] = customer;
      this.accounts.push(...customer.accounts);
    });
    this.accounts.sort((a, b) => a.owner - b.owner || a.number.localeCompare(b.number));
  }

  /** One opening deposit per account, through the same tracked path as the load. */
  async openingDeposits(): Promise<void> {
    this.t0 = performance.now();
    const cmds = this.accounts.map((a) => this.depositCommand(a, BigInt(this.options.openingDeposit) * 10n ** BigInt(DECIMALS[a.currency])));
    await pool(cmds, 8, async (c) => {
      // No answer or a 5xx is unknown, as under load: retried with the same key, a few times.
      for (let i = 0; i < 4; i++) {
        await this.send(c);
        if (c.state !== 'unknown') break;
        await sleep(200);
      }
    });
    const failed = cmds.filter((c) => c.state !== 'acked');
    if (failed.length > 0) throw new Error(`${failed.length} opening deposits failed, e.g. ${failed[0]!.status} ${failed[0]!.code}`);
  }

  private newCommand(kind: CommandKind, path: string, token: string, body: Record<string, unknown>, amount: bigint, currency: Currency): Command {
    const id = `f${this.options.seed}-${++this.seq}`;
    const c: Command = {
      id,
      kind,
      path,
      token,
      key: `key-${id}`,
      body,
      amount,
      currency,
      state: 'new',
      everUnknown: false,
      attempts: 0,
      inProgress: 0,
      firstSentAt: 0,
      nextRetryAt: 0,
    };
    this.commands.push(c);
    return c;
  }

  /**
   * A command a test sent itself (outside the clients) with `key` as its Idempotency-Key and
   * X-Request-Id, acknowledged (201) with `ackBody`: the ledger checks count it from now on.
   */
  recordAcked(c: { key: string; kind: CommandKind; path: string; token: string; body: Record<string, unknown>; currency: Currency; ackBody: Record<string, unknown>; everUnknown?: boolean }): void {
    const amount = c.kind === 'deposit' ? BigInt(String(c.ackBody.amount).replace('.', '')) : 0n;
    const now = this.now();
    this.commands.push({ ...c, id: c.key, amount, status: 201, state: 'acked', everUnknown: c.everUnknown ?? false, attempts: 1, inProgress: 0, effectId: effectIdOf(c.ackBody), firstSentAt: now, ackedAt: now, nextRetryAt: 0 });
  }

  /** A deposit, an internal and an external transfer and a bill payment of one customer (for tests that send one command many times). */
  oneOfEach(): { label: string; kind: CommandKind; path: string; token: string; body: Record<string, unknown>; currency: Currency }[] {
    const customer = this.customers.find((c) => c.accounts.length >= 2)!;
    const [from, to] = customer.accounts as [Account, Account];
    const other = this.accounts.find((a) => a.owner !== customer.index)!;
    const jod = from.currency === 'JOD';
    const mine = { token: customer.token, currency: from.currency };
    return [
      { label: 'deposit', kind: 'deposit', path: `/admin/accounts/${from.number}/deposit`, token: this.staff.access, currency: from.currency, body: { amount: jod ? '3.141' : '3.14' } },
      { label: 'internal transfer', kind: 'internal', path: '/transfers/internal', ...mine, body: { sender_account: from.number, receiver_account: to.number, amount: jod ? '1.001' : '1.01' } },
      { label: 'external transfer', kind: 'external', path: '/transfers/external', ...mine, body: { sender_account: from.number, receiver_account: other.number, amount: jod ? '2.002' : '2.02' } },
      { label: 'bill payment', kind: 'bill', path: '/bill', ...mine, body: { biller_id: 'water-authority', account_number: from.number, reference: '7654321' } },
    ];
  }

  private depositCommand(a: Account, minor: bigint): Command {
    return this.newCommand('deposit', `/admin/accounts/${a.number}/deposit`, this.staff.access, { amount: formatMinor(minor, a.currency) }, minor, a.currency);
  }

  /** A random command: 20% deposits, 25% internal, 35% external transfers (1 in 8 of them high-value), 20% bills. */
  randomCommand(): Command {
    const r = this.rng;
    const roll = r.int(100);
    const from = r.pick(this.accounts);
    const owner = this.customers[from.owner]!;
    const scale = 10n ** BigInt(DECIMALS[from.currency]);
    const units = (lo: number, hi: number) => BigInt(r.between(lo, hi)) * scale + BigInt(r.int(Number(scale)));
    if (roll < 20) return this.depositCommand(from, units(20, 400));
    if (r.int(8) === 0 && roll < 80) {
      // Above the 500-unit step-up threshold: held until confirmed, locked or expired.
      const mine = roll < 45 && owner.accounts.length > 1;
      let to = mine ? r.pick(owner.accounts.filter((a) => a.number !== from.number)) : r.pick(this.accounts);
      while (!mine && to.owner === from.owner) to = r.pick(this.accounts);
      const amount = units(501, 650);
      const c = this.newCommand('held', `/transfers/${mine ? 'internal' : 'external'}`, owner.token, { sender_account: from.number, receiver_account: to.number, amount: formatMinor(amount, from.currency) }, amount, from.currency);
      const plan = r.int(10);
      c.plan = plan < 5 ? 'confirm' : plan < 7 ? 'lock' : 'expire';
      return c;
    }
    if (roll < 45 && owner.accounts.length > 1) {
      const to = r.pick(owner.accounts.filter((a) => a.number !== from.number));
      const amount = units(1, 120);
      return this.newCommand('internal', '/transfers/internal', owner.token, { sender_account: from.number, receiver_account: to.number, amount: formatMinor(amount, from.currency) }, amount, from.currency);
    }
    if (roll < 80) {
      let to = r.pick(this.accounts);
      while (to.owner === from.owner) to = r.pick(this.accounts);
      const amount = units(1, 150);
      return this.newCommand('external', '/transfers/external', owner.token, { sender_account: from.number, receiver_account: to.number, amount: formatMinor(amount, from.currency) }, amount, from.currency);
    }
    const biller = r.pick(Object.keys(BILL_REFERENCES));
    return this.newCommand('bill', '/bill', owner.token, { biller_id: biller, account_number: from.number, reference: BILL_REFERENCES[biller] }, 0n, from.currency);
  }

  /**
   * One attempt. 2xx: acknowledged. 409 idempotency_in_progress: a crashed
   * attempt's claim is still held, try again later. Other 4xx: refused. No
   * answer, a timeout or a 5xx: unknown, retried later with the same key.
   */
  async send(c: Command): Promise<void> {
    c.attempts++;
    if (c.firstSentAt === 0) c.firstSentAt = this.now();
    let status = 0;
    let body: any;
    try {
      const res = await fetch(this.api.baseUrl + c.path, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${c.token}`,
          'idempotency-key': c.key,
          'x-request-id': c.id,
        },
        body: JSON.stringify(c.body),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      status = res.status;
      const text = await res.text();
      body = text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
    } catch {
      status = 0;
    }
    c.status = status;
    c.code = typeof body === 'object' && body ? (body.code as string | undefined) : undefined;
    if (status >= 200 && status < 300) {
      c.state = 'acked';
      c.ackBody = body;
      c.effectId = effectIdOf(body);
      c.ackedAt = this.now();
      this.acks.push(c.ackedAt);
      if (c.kind === 'held' && c.plan !== 'expire') this.codeWaits.push({ transferId: c.effectId, token: c.token, plan: c.plan!, since: this.now() });
      return;
    }
    if (status === 409 && c.code === 'idempotency_in_progress') {
      c.inProgress++;
      c.state = 'unknown';
      c.nextRetryAt = this.now() + 1000;
      return;
    }
    if (status >= 400 && status < 500) {
      c.state = 'refused';
      const label = `${status} ${c.code ?? ''}`.trim();
      this.refusals.set(label, (this.refusals.get(label) ?? 0) + 1);
      return;
    }
    const label = status === 0 ? 'no answer' : `${status} ${c.code ?? ''}`.trim();
    this.unanswered.set(label, (this.unanswered.get(label) ?? 0) + 1);
    c.state = 'unknown';
    c.everUnknown = true;
    c.nextRetryAt = this.now() + Math.min(4000, 300 * 2 ** Math.min(c.attempts, 4));
  }

  private dueRetry(): Command | undefined {
    const now = this.now();
    let best: Command | undefined;
    for (const c of this.pending) if (c.nextRetryAt <= now && (!best || c.nextRetryAt < best.nextRetryAt)) best = c;
    return best;
  }

  /** Attempts that got no answer or a 5xx, by status and problem code ("no answer", "503 service_unavailable"). */
  readonly unanswered = new Map<string, number>();
  /** Commands sent whose fate is not known yet. */
  private readonly pending = new Set<Command>();
  /** Held transfers whose code is still to be used. */
  private readonly codeWaits: CodeWait[] = [];
  /** Confirmations made from codes, waiting for a client. */
  private readonly confirmations: Command[] = [];

  /**
   * Turns the held transfers whose mail has arrived into confirmations: the
   * right code, or three wrong ones (a lock). A mail not found in time (a crash
   * between recording the transfer and sending it) leaves the transfer to expire.
   */
  private collectCodes(): void {
    for (let i = this.codeWaits.length - 1; i >= 0; i--) {
      const wait = this.codeWaits[i]!;
      const mail = this.svc.mail.mails.find((m) => m.text.includes(wait.transferId));
      const code = mail ? /code is (\d{6})/.exec(mail.text)?.[1] : undefined;
      if (!code && this.now() - wait.since < MAIL_WAIT_MS) continue;
      this.codeWaits.splice(i, 1);
      if (!code) continue;
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      for (const otp of wait.plan === 'confirm' ? [code] : [wrong, wrong, wrong]) {
        const c = this.newCommand('confirm', '/transfers/confirm', wait.token, { transfer_id: wait.transferId, otp }, 0n, 'JOD');
        c.transferId = wait.transferId;
        this.confirmations.push(c);
      }
    }
  }

  private async client(index: number, until: number): Promise<void> {
    while (this.now() < until) {
      this.collectCodes();
      let c = this.dueRetry() ?? this.confirmations.shift();
      if (c) this.pending.delete(c);
      else if (this.stopNew) {
        if (this.pending.size === 0 && this.codeWaits.length === 0) return;
        await sleep(100);
        continue;
      } else c = this.randomCommand();
      await this.send(c);
      if (c.state === 'unknown') {
        this.pending.add(c);
        // No answer at all usually means the API is down or paused: do not spin.
        if ((c.status ?? 0) === 0 || (c.status ?? 0) >= 500) await sleep(150 + (index % 8) * 10);
      }
    }
  }

  /** Runs the clients for `durationMs` (new commands), then only retries until none is left or `drainMs` passes. */
  async run(durationMs: number, drainMs: number): Promise<{ loadEndMs: number; drainedMs: number; unresolved: number }> {
    this.stopNew = false;
    const start = this.now();
    const loadEnd = start + durationMs;
    await Promise.all(Array.from({ length: this.options.clients }, (_, i) => this.client(i, loadEnd)));
    const loadEndMs = this.now();
    this.stopNew = true;
    const drainEnd = this.now() + drainMs;
    await Promise.all(Array.from({ length: this.options.clients }, (_, i) => this.client(i, drainEnd)));
    return { loadEndMs, drainedMs: this.now() - loadEndMs, unresolved: this.pending.size };
  }

  /** Acknowledgements per second between two load times (ms). */
  throughput(fromMs: number, toMs: number): number {
    if (toMs <= fromMs) return Number.NaN;
    const n = this.acks.filter((t) => t >= fromMs && t < toMs).length;
    return (n * 1000) / (toMs - fromMs);
  }

  /** First acknowledgement at or after `ms`, relative to `ms`. */
  firstAckAfter(ms: number): number | undefined {
    let best: number | undefined;
    for (const t of this.acks) if (t >= ms && (best === undefined || t < best)) best = t;
    return best === undefined ? undefined : best - ms;
  }

  /** Acknowledgements per second for each second of the load, as one line. */
  timeline(fromMs: number, toMs: number): string {
    const out: number[] = [];
    for (let s = Math.floor(fromMs / 1000); s * 1000 < toMs; s++) out.push(this.acks.filter((t) => t >= s * 1000 && t < (s + 1) * 1000).length);
    return out.join(' ');
  }
}
