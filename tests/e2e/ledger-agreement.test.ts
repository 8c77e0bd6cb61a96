import { expect } from 'chai';
import pg from 'pg';
import { prng } from '../../bench/lib/workload.js';
import type { AccountEvent } from '../../src/domain/accounts/events.js';
import { heldTotal } from '../../src/domain/accounts/ledger-effect.js';
import { accountOfStream } from '../../src/domain/accounts/sub-streams.js';
import { evolveAccount, initialAccountState, type AccountState } from '../../src/domain/accounts/state.js';
import { formatAmount } from '../../src/domain/money/amount.js';
import { bankSteps, startBank, type BankFixture } from '../helpers/bank.js';
import { writtenHead } from '../helpers/service.js';

const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000);

interface Acct {
  number: string;
  owner: 'alice' | 'bob';
  currency: 'JOD' | 'USD' | 'EUR';
}

/** The read model of every account at one point: the accounts projection's checkpoint and rows, read in one snapshot. */
interface Point {
  position: bigint;
  rows: Map<string, { balance: bigint; held: bigint }>;
}

/**
 * After a random workload over HTTP (deposits, internal, external and FX
 * transfers, bills, high-value transfers confirmed, locked and left to expire,
 * and transfers reversed because their receiver was frozen behind the
 * service's back), every account stream, the bank's own included, agrees three
 * ways at the head and at three earlier points: the auditors' replay
 * (GET /audit/accounts/{n}/balance), the read model (rm.accounts, and the
 * statement row the audit view compares with) and the account decider's state
 * folded from the stream, for the balance and for the held amount.
 */
describe(`ledger agreement: replay = read model = decider state for every account (HTTP, SEED=${SEED})`, function () {
  this.timeout(300_000);
  let bank: BankFixture;
  let steps: ReturnType<typeof bankSteps>;
  let db: pg.Client;
  const accounts: Acct[] = [];
  const points: Point[] = [];
  const seen = { confirmed: 0, locked: 0, expired: 0, reversed: 0, bills: 0, fx: 0 };
  const rng = prng(SEED);

  before(async () => {
    bank = await startBank({ TRANSFER_CODE_TTL_SECONDS: '2' });
    steps = bankSteps(bank);
    db = new pg.Client({ connectionString: bank.svc.databaseUrl });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    await bank?.svc.stop();
  });

  const token = (owner: Acct['owner']) => bank[owner].access;
  const scale = (c: Acct['currency']) => (c === 'JOD' ? 1000 : 100);
  const amount = (c: Acct['currency'], lo: number, hi: number) => formatAmount(BigInt(rng.between(lo * scale(c), hi * scale(c))), c);
  const post = (path: string, body: Record<string, unknown>, owner: Acct['owner']) => bank.svc.api.post(path, body, { token: token(owner) });

  /** The code mailed for `transferId` (the mail names the transfer). */
  const codeFor = async (transferId: string) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const mail = bank.svc.mail.mails.find((m) => m.text.includes(transferId));
      if (mail) return /code is (\d{6})/.exec(mail.text)![1]!;
      if (Date.now() > deadline) throw new Error(`no code mailed for ${transferId}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  /** A high-value internal transfer of alice's, ended as asked: confirmed, locked by wrong codes, or left to expire. */
  const highValue = async (end: 'confirmed' | 'locked' | 'expired') => {
    const jod = accounts.filter((a) => a.owner === 'alice' && a.currency === 'JOD');
    const [from, to] = rng.next() < 0.5 ? [jod[0]!, jod[1]!] : [jod[1]!, jod[0]!];
    const res = await post('/transfers/internal/', { sender_account: from.number, receiver_account: to.number, amount: amount('JOD', 501, 700) }, 'alice');
    if (res.status === 422 && res.body.code === 'insufficient_funds') return;
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const id = res.body.transfer_id as string;
    const code = await codeFor(id);
    if (end === 'expired') {
      seen.expired++;
      return;
    }
    const attempts = end === 'confirmed' ? [code] : [wrong(code), wrong(code), wrong(code)];
    let last;
    for (const otp of attempts) last = await post('/transfers/confirm/', { transfer_id: id, otp }, 'alice');
    expect(last!.status, JSON.stringify(last!.body)).to.equal(end === 'confirmed' ? 200 : 423);
    seen[end]++;
  };

  /** A low-value command picked at random; refusals for funds are part of the game. */
  const randomCommand = async () => {
    const roll = rng.int(100);
    const from = rng.pick(accounts);
    if (roll < 20) return steps.fund(from.number, amount(from.currency, 1, 300));
    if (roll < 45) {
      const to = rng.pick(accounts.filter((a) => a.owner === from.owner && a.number !== from.number));
      const res = await post('/transfers/internal/', { sender_account: from.number, receiver_account: to.number, amount: amount(from.currency, 1, 120) }, from.owner);
      expect([201, 422], JSON.stringify(res.body)).to.include(res.status);
      if (res.status === 201 && from.currency !== to.currency) seen.fx++;
      return;
    }
    if (roll < 80) {
      const to = rng.pick(accounts.filter((a) => a.owner !== from.owner));
      const res = await post('/transfers/external/', { sender_account: from.number, receiver_account: to.number, amount: amount(from.currency, 1, 120) }, from.owner);
      expect([201, 422], JSON.stringify(res.body)).to.include(res.status);
      if (res.status === 201 && from.currency !== to.currency) seen.fx++;
      return;
    }
    const biller = rng.pick([['electricity-co', '12345678'], ['water-authority', '1234567'], ['fast-internet', 'NEXUS2026'], ['mobile-provider', '0791234567']] as const);
    const res = await post('/bill/', { biller_id: biller[0], account_number: from.number, reference: biller[1] }, from.owner);
    expect([201, 422], JSON.stringify(res.body)).to.include(res.status);
    if (res.status === 201) seen.bills++;
  };

  /** An external transfer whose receiver is frozen behind the service's back after the service remembered it active: reversed. */
  const reversed = async () => {
    const from = accounts.find((a) => a.owner === 'alice' && a.currency === 'JOD')!;
    const to = accounts.find((a) => a.owner === 'bob' && a.currency === 'JOD')!;
    const first = await post('/transfers/external/', { sender_account: from.number, receiver_account: to.number, amount: '1.000' }, 'alice');
    expect([201, 422]).to.include(first.status);
    await steps.freezeBehindTheService(to.number);
    const res = await post('/transfers/external/', { sender_account: from.number, receiver_account: to.number, amount: '2.000' }, 'alice');
    if (res.body.transfer_status === 'reversed') seen.reversed++;
    await steps.freeze(to.number, 'unfreeze');
  };

  /** Waits for the read models to apply everything written so far, then reads rm.accounts with its checkpoint in one snapshot. */
  const snapshot = async (): Promise<Point> => {
    const head = await writtenHead(bank.svc);
    const res = await bank.svc.api.get(`/accounts/?min_position=${head}`, { token: token('alice') });
    expect(res.status).to.equal(200);
    await db.query('begin isolation level repeatable read read only');
    try {
      const cp = await db.query<{ position: string }>(`select position::text as position from rm_meta.checkpoints where name = 'accounts'`);
      const rows = await db.query<{ account_number: string; balance: string; held: string }>(`select account_number, balance::text as balance, held::text as held from rm.accounts`);
      return { position: BigInt(cp.rows[0]!.position), rows: new Map(rows.rows.map((r) => [r.account_number, { balance: BigInt(r.balance), held: BigInt(r.held) }])) };
    } finally {
      await db.query('commit');
    }
  };

  it('agrees at the head and at three earlier points, balance and held, for every account stream', async () => {
    const shapes: Omit<Acct, 'number'>[] = [
      { owner: 'alice', currency: 'JOD' }, { owner: 'alice', currency: 'JOD' }, { owner: 'alice', currency: 'USD' },
      { owner: 'bob', currency: 'JOD' }, { owner: 'bob', currency: 'EUR' },
    ];
    for (const s of shapes) {
      const body = s.currency === 'JOD' ? {} : { type: s.currency, currency: s.currency };
      accounts.push({ ...s, number: await steps.open(token(s.owner), body) });
    }
    for (const a of accounts) await steps.fund(a.number, a.currency === 'JOD' ? '3000.000' : '2000.00');

    for (let phase = 0; phase < 4; phase++) {
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 14; i++) work.push(randomCommand());
      work.push(highValue('confirmed'), highValue('locked'), highValue('expired'));
      await Promise.all(work);
      await reversed();
      points.push(await snapshot());
    }
    // Let the last holds run out (2 s codes, then the expiry process), so the head has seen every end.
    await new Promise((r) => setTimeout(r, 5_000));
    points.push(await snapshot());
    expect(seen.confirmed + seen.locked + seen.expired, JSON.stringify(seen)).to.be.greaterThan(6);
    for (const k of ['confirmed', 'locked', 'expired', 'reversed', 'bills', 'fx'] as const) expect(seen[k], `${k}: ${JSON.stringify(seen)}`).to.be.greaterThan(0);

    // Every account stream, from the log itself.
    const { rows } = await db.query<{ stream_id: string; position: string; type: string; data: Record<string, unknown> }>(
      `select e.stream_id, e.position::text as position, e.type, e.data from es.events e where e.stream_id like 'account-%' order by e.position`,
    );
    const streams = new Map<string, { position: bigint; event: AccountEvent }[]>();
    for (const r of rows) {
      const list = streams.get(r.stream_id) ?? [];
      list.push({ position: BigInt(r.position), event: { type: r.type, data: r.data } as unknown as AccountEvent });
      streams.set(r.stream_id, list);
    }
    const types = new Set([...streams.values()].flat().map((e) => e.event.type));
    for (const t of ['FundsHeld', 'HoldReleased', 'FxPositionPosted', 'DebitReversed', 'CreditRefused']) expect(types.has(t as AccountEvent['type']), t).to.equal(true);
    const bankOwned = [...streams.keys()].filter((s) => /^account-9/.test(s));
    expect(bankOwned.length, 'cash, fees and FX accounts per currency, and the billers').to.be.at.least(13);

    const chosen = [points[0]!, points[1]!, points[2]!, points[points.length - 1]!];
    const heldMidway = chosen.slice(0, 3).some((p) => [...p.rows.values()].some((r) => r.held > 0n));
    expect(heldMidway, 'some hold open at an earlier point').to.equal(true);
    // The bank's own accounts are split into sub-streams (account-<n>.<k>): each account is the sum of its streams.
    const byAccount = new Map<string, { position: bigint; event: AccountEvent }[][]>();
    for (const [stream, events] of streams) {
      const n = accountOfStream(stream);
      byAccount.set(n, [...(byAccount.get(n) ?? []), events]);
    }
    expect([...byAccount.values()].some((subs) => subs.length > 1), 'some bank account split into sub-streams').to.equal(true);
    let compared = 0;
    for (const point of chosen) {
      for (const [n, subs] of byAccount) {
        const prefixes = subs.map((events) => events.filter((e) => e.position <= point.position)).filter((p) => p.length > 0);
        const rm = point.rows.get(n);
        if (prefixes.length === 0) {
          expect(rm, `${n} not yet opened at ${point.position}`).to.equal(undefined);
          continue;
        }
        const states: AccountState[] = prefixes.map((prefix) => prefix.reduce((s, e) => evolveAccount(s, e.event), initialAccountState));
        const decider = { ...states[0]!, balance: states.reduce((sum, s) => sum + s.balance, 0n) };
        const deciderHeld = states.reduce((sum, s) => sum + heldTotal(s), 0n);
        const money = (v: bigint) => formatAmount(v, decider.currency);
        const audit = await bank.svc.api.get(`/audit/accounts/${n}/balance/?as_of=${point.position}`, { token: bank.staff.access });
        expect(audit.status, JSON.stringify(audit.body)).to.equal(200);
        const where = `${n} (${decider.type}, ${subs.length} streams) at ${point.position}`;
        expect(audit.body.discrepancies, where).to.deep.equal([]);
        expect([audit.body.balance_minor, audit.body.held], `${where}: replay vs decider`).to.deep.equal([decider.balance.toString(), money(deciderHeld)]);
        expect(rm, `${where}: read model row`).to.not.equal(undefined);
        expect([rm!.balance, rm!.held], `${where}: read model vs decider`).to.deep.equal([decider.balance, deciderHeld]);
        expect(audit.body.read_model, `${where}: the statement at that point`).to.include({ balance: money(decider.balance), matches: true });
        compared++;
      }
    }
    expect(compared).to.be.greaterThan(60);
    // At the end every hold has ended: nothing is held anywhere.
    for (const [n, r] of points[points.length - 1]!.rows) expect(r.held, `${n} still holds money at the end`).to.equal(0n);
  });
});
