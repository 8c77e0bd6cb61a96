/**
 * The invariants checked after a fault run, read straight from the event
 * store (es.events) and the read models (rm.*) of the service's database, and
 * set against what the workload's clients were told:
 *
 * - money: per currency every account (bank cash included) sums to zero, and
 *   customers + fees + billers + FX position equal the deposits (nothing leaves
 *   this bank), from the store and from rm.accounts; each stream's
 *   balance_after follows from the one before;
 * - no customer balance ever negative (every balance_after in the history);
 * - every acknowledged command's debit present exactly once (and naming the
 *   acknowledged id), every unknown one at most once, every refused one never;
 *   no transfer debited twice, no debit that no command asked for;
 * - every debit has its credit (plus fee and FX legs) or its reversal, not both;
 * - holds: every held transfer acknowledged has its one hold, refused ones none;
 *   every hold ended exactly once (posted or voided) and none is open past its
 *   expiry + grace; posted holds belong to confirmed transfers, voided ones to
 *   expired, locked or failed ones; a confirmation acknowledged posted its hold;
 *   no customer's available balance (balance less open holds) ever below zero;
 * - rm.accounts and rm.account_entries equal a replay computed here from
 *   position 0, and rebuilding every projection from 0 gives the live tables back;
 * - every stream's hash chain verifies.
 */
import pg from 'pg';
import { verifyChain } from '../../src/eventstore/hash-chain.js';
import type { RecordedEvent } from '../../src/eventstore/port.js';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { postgresDb } from '../../src/infra/db.js';
import { Keyring } from '../../src/privacy/keyring.js';
import { PersonalData } from '../../src/privacy/personal-data.js';
import { PrivateEventStore } from '../../src/privacy/private-event-store.js';
import { E2E_KEYS } from '../../tests/helpers/service.js';
import { allProjections } from '../../src/projections/registry.js';
import { rebuildProjection } from '../../src/projections/runtime/rebuild.js';
import { formatMinor, type Currency, type Workload } from './workload.js';
import { accountOfStream, isSplitAccount } from '../../src/domain/accounts/sub-streams.js';

export interface Check {
  name: string;
  violations: string[];
  /** What was checked (counts), printed beside the result. */
  detail: string;
}

export interface LedgerReport {
  checks: Check[];
  figures: Record<string, string | number>;
  violations: number;
}

type Data = Record<string, any>;
interface Ev {
  position: bigint;
  stream_id: string;
  revision: bigint;
  event_id: string;
  type: string;
  data: Data;
  metadata: Data;
  prev_hash: string;
  hash: string;
  recorded_at: Date;
}

const MONEY_TYPES = new Set(['FundsDeposited', 'AccountDebited', 'AccountCredited', 'FxPositionPosted', 'DebitReversed']);
/** Statement entries: the money events, and holds placed and released (balance unchanged). */
const ENTRY_TYPES = new Set([...MONEY_TYPES, 'FundsHeld', 'HoldReleased']);
/** How long after its expiry a hold may still be open (the expiry process acts 2 s after; restarts take longer). */
const HOLD_GRACE_MS = 15_000;
const isCash = (n: string) => /^90000000000\d$/.test(n);
/** The account of a stream: the bank's own accounts are split into sub-streams (account-<n>.<k>). */
const acct = (stream: string) => accountOfStream(stream);
const MAX_LISTED = 8;

function push(list: string[], text: string): void {
  list.push(text);
}

/** The change a money event makes to its account's balance. */
function delta(e: Ev): bigint {
  const d = e.data;
  switch (e.type) {
    case 'AccountDebited':
      return -(BigInt(d.amount) + BigInt(d.fee));
    case 'AccountCredited':
    case 'FundsDeposited':
    case 'FxPositionPosted':
    case 'DebitReversed':
      return BigInt(d.amount);
    default:
      return 0n;
  }
}

/** How an event moves the open holds, negated: a hold placed is negative, its release or posting gives it back. */
function holdDelta(e: Ev): bigint {
  if (e.type === 'FundsHeld') return -(BigInt(e.data.amount) + BigInt(e.data.fee));
  if (e.type === 'HoldReleased') return BigInt(e.data.amount);
  if (e.type === 'AccountDebited' && e.data.from_reservation === true) return BigInt(e.data.amount) + BigInt(e.data.fee);
  return 0n;
}

/** A statement entry's signed amount: the movement, or what a hold set aside or gave back. */
const entryAmount = (e: Ev): bigint => (e.type === 'FundsHeld' || e.type === 'HoldReleased' ? holdDelta(e) : delta(e));

async function readEvents(client: pg.Client): Promise<Ev[]> {
  const out: Ev[] = [];
  let from = 0n;
  for (;;) {
    const { rows } = await client.query(
      // Order by the column, not the text alias (which would sort '10' before '9').
      `select e.position::text as position, e.stream_id, e.revision::text as revision, e.event_id::text as event_id, e.type, e.data, e.metadata, e.prev_hash, e.hash, e.recorded_at
         from es.events e where e.position > $1::bigint order by e.position limit 5000`,
      [from.toString()],
    );
    for (const r of rows) out.push({ ...r, position: BigInt(r.position), revision: BigInt(r.revision) });
    if (rows.length < 5000) return out;
    from = out[out.length - 1]!.position;
  }
}

async function dumpTables(client: pg.Client, tables: string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of tables) {
    const { rows } = await client.query(`select * from rm.${t}`);
    out[t] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

export interface CheckOptions {
  /** Also rebuild every projection from position 0 and compare with the live tables (needs the projector stopped). */
  rebuild: boolean;
  log: (line: string) => void;
}

/** Runs every check; the read models must have caught up with the store before (see waitForReadModels). */
export async function checkLedger(databaseUrl: string, w: Workload, options: CheckOptions): Promise<LedgerReport> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const checks: Check[] = [];
  const figures: Record<string, string | number> = {};
  try {
    const t0 = Date.now();
    const events = await readEvents(client);
    figures['events in the store'] = events.length;
    const streams = new Map<string, Ev[]>();
    for (const e of events) {
      let s = streams.get(e.stream_id);
      if (!s) streams.set(e.stream_id, (s = []));
      s.push(e);
    }
    for (const s of streams.values()) s.sort((a, b) => (a.revision < b.revision ? -1 : a.revision > b.revision ? 1 : 0));
    figures['streams'] = streams.size;

    // Accounts as opened.
    const accounts = new Map<string, { owner: string; currency: Currency; type: string }>();
    for (const e of events) if (e.type === 'AccountOpened') accounts.set(e.data.account_number as string, { owner: e.data.owner_id, currency: e.data.currency, type: e.data.type });

    // 1. Hash chains.
    {
      const v: string[] = [];
      for (const [, s] of streams) {
        for (const b of verifyChain(s as unknown as RecordedEvent[])) push(v, `${b.stream_id}@${b.revision}: ${b.kind} (${b.detail})`);
      }
      checks.push({ name: 'hash chains verify', violations: v, detail: `${streams.size} streams, ${events.length} events` });
    }

    // 2. Balance histories: each balance_after follows from the previous one; customers never below zero.
    const finalBalance = new Map<string, bigint>();
    const finalHeld = new Map<string, bigint>();
    {
      const chain: string[] = [];
      const negative: string[] = [];
      let points = 0;
      for (const [stream, s] of streams) {
        if (!stream.startsWith('account-')) continue;
        const n = acct(stream);
        const info = accounts.get(n);
        let balance = 0n;
        let held = 0n;
        for (const e of s) {
          // Open holds: what a hold sets aside is given back by its release or consumed by its posting.
          held -= holdDelta(e);
          if (info && info.owner !== 'bank' && balance + delta(e) - held < 0n) push(negative, `${n}@${e.revision} ${e.type}: available ${balance + delta(e) - held} (held ${held})`);
          if (!MONEY_TYPES.has(e.type)) continue;
          points++;
          const after = BigInt(e.data.balance_after);
          if (after !== balance + delta(e)) push(chain, `${n}@${e.revision} ${e.type}: balance_after ${after}, expected ${balance} + ${delta(e)}`);
          balance = after;
          if (info && info.owner !== 'bank' && after < 0n) push(negative, `${n}@${e.revision} ${e.type}: balance_after ${after}`);
        }
        // A split account's balance is the sum of its sub-streams'.
        finalBalance.set(n, (finalBalance.get(n) ?? 0n) + balance);
        finalHeld.set(n, (finalHeld.get(n) ?? 0n) + held);
        if (!info) push(chain, `${n}: money events on an account that was never opened`);
      }
      checks.push({ name: 'each balance_after = previous + movement', violations: chain, detail: `${points} balance points` });
      checks.push({ name: 'no customer balance, nor available balance, ever negative', violations: negative, detail: `${[...accounts.values()].filter((a) => a.owner !== 'bank').length} customer accounts` });
    }

    // 3. Money conserved, from the store, against the deposits the harness knows took effect.
    const debits = events.filter((e) => e.type === 'AccountDebited');
    const debitsByCorrelation = new Map<string, Ev[]>();
    for (const d of debits) {
      const k = String(d.metadata.correlation_id);
      debitsByCorrelation.set(k, [...(debitsByCorrelation.get(k) ?? []), d]);
    }
    const depositsByCurrency = new Map<Currency, bigint>();
    for (const c of w.commands) {
      if (c.kind !== 'deposit' || (debitsByCorrelation.get(c.id)?.length ?? 0) === 0) continue;
      depositsByCurrency.set(c.currency, (depositsByCurrency.get(c.currency) ?? 0n) + c.amount);
    }
    const money = (balances: Map<string, bigint>, label: string): Check => {
      const v: string[] = [];
      const parts: string[] = [];
      for (const cur of ['JOD', 'USD', 'EUR'] as Currency[]) {
        let all = 0n;
        let held = 0n;
        for (const [n, b] of balances) {
          const info = accounts.get(n);
          if (info?.currency !== cur) continue;
          all += b;
          if (!isCash(n)) held += b;
        }
        const deposited = depositsByCurrency.get(cur) ?? 0n;
        parts.push(`${cur} ${formatMinor(held, cur)} = deposits ${formatMinor(deposited, cur)}`);
        figures[`${label}: ${cur} held (customers+fees+billers+fx)`] = formatMinor(held, cur);
        if (all !== 0n) push(v, `${cur}: all accounts sum to ${all} minor units, not 0`);
        if (held !== deposited) push(v, `${cur}: customers+fees+billers+fx hold ${held}, deposits that took effect ${deposited} (difference ${held - deposited})`);
      }
      return { name: `money conserved per currency (${label})`, violations: v, detail: parts.join('; ') };
    };
    checks.push(money(finalBalance, 'event store'));

    // 4. Commands: acknowledged exactly once, unknown at most once, refused never.
    {
      const v: string[] = [];
      const billPaid = new Map<string, number>();
      for (const e of events) if (e.type === 'BillPaid') billPaid.set(String(e.data.bill_id), (billPaid.get(String(e.data.bill_id)) ?? 0) + 1);
      const known = new Set(w.commands.map((c) => c.id));
      let acked = 0;
      let unknown = 0;
      let unknownPresent = 0;
      for (const c of w.commands) {
        if (c.kind === 'held' || c.kind === 'confirm') continue; // checked with the holds
        const found = debitsByCorrelation.get(c.id) ?? [];
        if (c.state === 'acked') {
          acked++;
          if (c.everUnknown) unknown++;
          if (found.length !== 1) push(v, `acknowledged ${c.kind} ${c.id} has ${found.length} debits`);
          else if (found[0]!.data.transfer_id !== c.effectId) push(v, `acknowledged ${c.kind} ${c.id} names ${c.effectId}, its debit is for ${found[0]!.data.transfer_id}`);
          if (c.kind === 'bill' && billPaid.get(c.effectId!) !== 1) push(v, `acknowledged bill ${c.id} has ${billPaid.get(c.effectId!) ?? 0} BillPaid events`);
        } else if (c.everUnknown) {
          unknown++;
          if (found.length > 0) unknownPresent++;
          if (found.length > 1) push(v, `unknown ${c.kind} ${c.id} has ${found.length} debits`);
        } else if (c.state === 'refused' && found.length > 0) {
          push(v, `refused ${c.kind} ${c.id} (${c.status} ${c.code}) has ${found.length} debits`);
        }
      }
      const perTransfer = new Map<string, number>();
      for (const d of debits) perTransfer.set(String(d.data.transfer_id), (perTransfer.get(String(d.data.transfer_id)) ?? 0) + 1);
      for (const [t, n] of perTransfer) if (n > 1) push(v, `transfer ${t} debited ${n} times`);
      // A posted hold's debit comes from its confirmation, or from the expiry process after a crash.
      const heldIds = new Set(w.commands.filter((c) => c.kind === 'held').map((c) => c.effectId).filter(Boolean));
      for (const e of events) if (e.type === 'FundsHeld') heldIds.add(String(e.data.transfer_id));
      for (const d of debits) {
        const fromHold = d.data.from_reservation === true && heldIds.has(String(d.data.transfer_id));
        if (!fromHold && !known.has(String(d.metadata.correlation_id))) push(v, `debit ${d.event_id} (${d.data.kind}, ${acct(d.stream_id)}) comes from no command of the workload`);
      }
      for (const [id, n] of billPaid) if (n > 1) push(v, `bill ${id} recorded ${n} times`);
      figures['commands with an unknown attempt, effect present'] = `${unknownPresent} (not acknowledged in the end)`;
      checks.push({ name: 'acknowledged once, unknown at most once, refused never', violations: v, detail: `${acked} acknowledged (${unknown} after an unknown attempt), ${debits.length} debits` });
    }

    // 5. Every debit has its credit (and fee and FX legs) or its reversal.
    {
      const v: string[] = [];
      const byTransfer = new Map<string, Ev[]>();
      for (const e of events) {
        if (!e.stream_id.startsWith('account-') || !MONEY_TYPES.has(e.type) || e.type === 'AccountDebited' || e.type === 'FundsDeposited') continue;
        const t = String(e.data.transfer_id);
        byTransfer.set(t, [...(byTransfer.get(t) ?? []), e]);
      }
      let reversed = 0;
      for (const d of debits) {
        const t = String(d.data.transfer_id);
        const legs = byTransfer.get(t) ?? [];
        const credit = legs.filter((e) => e.type === 'AccountCredited' && acct(e.stream_id) === d.data.counterparty_account);
        const reversal = legs.filter((e) => e.type === 'DebitReversed' && e.stream_id === d.stream_id);
        const fee = legs.filter((e) => e.type === 'AccountCredited' && d.data.fee_account && acct(e.stream_id) === d.data.fee_account);
        const fx = legs.filter((e) => e.type === 'FxPositionPosted');
        if (reversal.length === 1 && credit.length === 0) {
          reversed++;
          if (BigInt(reversal[0]!.data.amount) !== BigInt(d.data.amount) + BigInt(d.data.fee)) push(v, `${t}: reversal of ${reversal[0]!.data.amount} for a debit of ${d.data.amount}+${d.data.fee}`);
          if (fee.length + fx.length > 0) push(v, `${t}: reversed but has fee or FX legs`);
          continue;
        }
        if (credit.length !== 1 || reversal.length !== 0) {
          push(v, `${t} (${d.data.kind}): ${credit.length} credits and ${reversal.length} reversals`);
          continue;
        }
        if (String(credit[0]!.data.amount) !== String(d.data.credit_amount)) push(v, `${t}: credited ${credit[0]!.data.amount}, debit says ${d.data.credit_amount}`);
        const wantFee = BigInt(d.data.fee) > 0n ? 1 : 0;
        if (fee.length !== wantFee || (wantFee && String(fee[0]!.data.amount) !== String(d.data.fee))) push(v, `${t}: ${fee.length} fee credits for a fee of ${d.data.fee}`);
        if (d.data.fx) {
          const inLeg = fx.filter((e) => BigInt(e.data.amount) === BigInt(d.data.amount));
          const outLeg = fx.filter((e) => BigInt(e.data.amount) === -BigInt(d.data.credit_amount));
          if (fx.length !== 2 || inLeg.length !== 1 || outLeg.length !== 1) push(v, `${t}: FX legs ${fx.map((e) => e.data.amount).join(',')} for ${d.data.amount} -> ${d.data.credit_amount}`);
        } else if (fx.length > 0) push(v, `${t}: FX legs without a conversion`);
      }
      const debited = new Set(debits.map((d) => String(d.data.transfer_id)));
      for (const t of byTransfer.keys()) if (!debited.has(t)) push(v, `${t}: credit, fee, FX or reversal without a debit`);
      checks.push({ name: 'every debit has its credit (+fee, FX) or its reversal', violations: v, detail: `${debits.length} debits, ${reversed} reversed` });
    }

    // 5b. Holds.
    {
      const v: string[] = [];
      const placed = new Map<string, Ev[]>();
      const ended = new Map<string, Ev[]>();
      const add = (m: Map<string, Ev[]>, e: Ev) => m.set(String(e.data.transfer_id), [...(m.get(String(e.data.transfer_id)) ?? []), e]);
      for (const e of events) {
        if (e.type === 'FundsHeld') add(placed, e);
        else if (e.type === 'HoldReleased' || (e.type === 'AccountDebited' && e.data.from_reservation === true)) add(ended, e);
      }
      const transferStatus = (id: string): string => {
        let status = 'none';
        for (const e of streams.get(`transfer-${id}`) ?? []) {
          if (e.type === 'TransferRequested') status = 'pending_otp';
          else if (e.type === 'TransferConfirmed') status = 'confirmed';
          else if (e.type === 'TransferLocked') status = 'locked';
          else if (e.type === 'TransferExpired') status = 'expired';
          else if (e.type === 'TransferFailed') status = 'failed';
        }
        return status;
      };
      let posted = 0;
      let voided = 0;
      const now = Date.now();
      for (const [id, holds] of placed) {
        const ends = ended.get(id) ?? [];
        if (holds.length !== 1) push(v, `transfer ${id}: ${holds.length} holds`);
        if (ends.length > 1) push(v, `transfer ${id}: its hold ended ${ends.length} times (${ends.map((e) => e.type).join(', ')})`);
        if (ends.length === 0) {
          const expires = Date.parse(String(holds[0]!.data.expires_at));
          if (now > expires + HOLD_GRACE_MS) push(v, `transfer ${id}: hold still open ${Math.round((now - expires) / 1000)} s after its expiry`);
          continue;
        }
        const end = ends[0]!;
        const status = transferStatus(id);
        if (end.type === 'AccountDebited') {
          posted++;
          if (status !== 'confirmed') push(v, `transfer ${id}: hold posted but the transfer is ${status}`);
          if (BigInt(end.data.amount) + BigInt(end.data.fee) !== BigInt(holds[0]!.data.amount) + BigInt(holds[0]!.data.fee)) push(v, `transfer ${id}: posted ${end.data.amount}+${end.data.fee}, held ${holds[0]!.data.amount}+${holds[0]!.data.fee}`);
        } else {
          voided++;
          if (!['expired', 'locked', 'failed', 'none'].includes(status)) push(v, `transfer ${id}: hold voided (${end.data.reason}) but the transfer is ${status}`);
        }
      }
      for (const id of ended.keys()) if (!placed.has(id)) push(v, `transfer ${id}: a hold ended that was never placed`);
      for (const c of w.commands) {
        if (c.kind === 'held') {
          const mine = events.filter((e) => e.type === 'FundsHeld' && e.metadata.correlation_id === c.id);
          if (c.state === 'acked' && (placed.get(c.effectId!)?.length ?? 0) !== 1) push(v, `acknowledged held transfer ${c.id} (${c.effectId}) has ${placed.get(c.effectId!)?.length ?? 0} holds`);
          if (c.state === 'refused' && !c.everUnknown && mine.length > 0) push(v, `refused held transfer ${c.id} (${c.status} ${c.code}) placed a hold`);
        } else if (c.kind === 'confirm' && c.state === 'acked' && c.status === 200) {
          const end = ended.get(c.transferId!)?.[0];
          if (end?.type !== 'AccountDebited') push(v, `confirmation ${c.id} acknowledged, but the hold of ${c.transferId} was ${end ? 'voided' : 'not ended'}`);
        }
      }
      const acked = (k: string) => w.commands.filter((c) => c.kind === k && c.state === 'acked').length;
      checks.push({ name: 'every hold ends once (posted iff confirmed), none open past expiry', violations: v, detail: `${placed.size} holds: ${posted} posted, ${voided} voided; ${acked('held')} held and ${acked('confirm')} confirmations acknowledged` });
    }

    // 6. Read models equal a replay from position 0.
    {
      const v: string[] = [];
      const { rows } = await client.query<{ account_number: string; owner_id: string; currency: string; status: string; balance: string; held: string }>(
        `select account_number, owner_id, currency, status, balance::text as balance, held::text as held from rm.accounts`,
      );
      const rm = new Map(rows.map((r) => [r.account_number, r]));
      for (const [n, info] of accounts) {
        const r = rm.get(n);
        const want = finalBalance.get(n) ?? 0n;
        if (!r) push(v, `rm.accounts lacks ${n}`);
        else if (r.owner_id !== info.owner || r.currency !== info.currency || r.status !== 'active' || BigInt(r.balance) !== want || BigInt(r.held) !== (finalHeld.get(n) ?? 0n)) {
          push(v, `rm.accounts ${n}: ${JSON.stringify(r)}, replay: owner ${info.owner} ${info.currency} active balance ${want} held ${finalHeld.get(n) ?? 0n}`);
        }
      }
      for (const n of rm.keys()) if (!accounts.has(n)) push(v, `rm.accounts has ${n}, never opened`);
      const rmBalances = new Map(rows.map((r) => [r.account_number, BigInt(r.balance)]));
      checks.push(money(rmBalances, 'rm.accounts'));

      const entries = await client.query<{ event_id: string; account_number: string; position: string; transfer_id: string; direction: string; amount: string; balance_after: string }>(
        `select event_id::text as event_id, account_number, position::text as position, transfer_id, direction, amount::text as amount, balance_after::text as balance_after from rm.account_entries`,
      );
      const replay = new Map<string, string>();
      const direction: Record<string, string> = { AccountDebited: 'debit', AccountCredited: 'credit', FundsDeposited: 'credit', FxPositionPosted: 'fx', DebitReversed: 'reversal', FundsHeld: 'hold', HoldReleased: 'release' };
      // A split account's statement shows the running sum of its sub-streams, in position order.
      const running = new Map<string, bigint>();
      for (const e of [...events].sort((x, y) => (x.position < y.position ? -1 : 1))) {
        if (!e.stream_id.startsWith('account-') || !ENTRY_TYPES.has(e.type)) continue;
        const n = acct(e.stream_id);
        let after = String(e.data.balance_after);
        if (isSplitAccount(n)) {
          const sum = (running.get(n) ?? 0n) + (MONEY_TYPES.has(e.type) ? delta(e) : 0n);
          running.set(n, sum);
          after = sum.toString();
        }
        replay.set(e.event_id, [n, e.position, String(e.data.transfer_id ?? e.data.deposit_id), direction[e.type], entryAmount(e), after].join('|'));
      }
      let entryDiffs = 0;
      const seen = new Set<string>();
      for (const r of entries.rows) {
        seen.add(r.event_id);
        const got = [r.account_number, r.position, r.transfer_id, r.direction, r.amount, r.balance_after].join('|');
        const want = replay.get(r.event_id);
        if (got !== want) {
          entryDiffs++;
          push(v, `rm.account_entries ${r.event_id}: ${got}, replay: ${want ?? 'no such money event'}`);
        }
      }
      for (const id of replay.keys()) if (!seen.has(id)) {
        entryDiffs++;
        push(v, `rm.account_entries lacks ${id}: ${replay.get(id)}`);
      }
      checks.push({ name: 'rm.accounts and rm.account_entries = replay from 0', violations: v, detail: `${rm.size} accounts, ${entries.rows.length} entries (${entryDiffs} differ)` });
    }

    // 7. Rebuilding every projection from position 0 gives the live tables back.
    if (options.rebuild) {
      const v: string[] = [];
      const projections = allProjections();
      const tables = projections.flatMap((p) => p.tables);
      const live = await dumpTables(client, tables);
      const raw = await openPostgresEventStore(databaseUrl, 4);
      const db = postgresDb(databaseUrl, 4);
      // As the projector reads them: personal fields opened with the cluster's master key.
      const store = new PrivateEventStore(raw, new PersonalData(new Keyring(db, Buffer.from(E2E_KEYS.DATA_MASTER_KEY, 'hex')))).opened();
      const r0 = Date.now();
      let rebuiltEvents = 0;
      try {
        for (const p of projections) rebuiltEvents += (await rebuildProjection(store, db, p, { batchSize: 1000 })).events;
      } finally {
        await raw.close();
        await db.end();
      }
      figures['rebuild of every projection'] = `${rebuiltEvents} events in ${Date.now() - r0} ms`;
      const rebuilt = await dumpTables(client, tables);
      let rows = 0;
      for (const t of tables) {
        rows += live[t]!.length;
        const a = new Set(live[t]);
        const b = new Set(rebuilt[t]);
        const gone = live[t]!.filter((x) => !b.has(x));
        const added = rebuilt[t]!.filter((x) => !a.has(x));
        if (gone.length + added.length > 0) push(v, `rm.${t}: ${gone.length} rows only live (e.g. ${gone[0]?.slice(0, 300)}), ${added.length} only rebuilt (e.g. ${added[0]?.slice(0, 300)})`);
      }
      checks.push({ name: 'every read model = its rebuild from 0', violations: v, detail: `${tables.length} tables, ${rows} rows` });
    }
    figures['checks took'] = `${Date.now() - t0} ms`;
  } finally {
    await client.end();
  }
  return { checks, figures, violations: checks.reduce((n, c) => n + c.violations.length, 0) };
}

/**
 * Sends acknowledged commands again with their keys after recovery: each must
 * answer 2xx with the same body as the first acknowledgement and change nothing.
 */
export async function checkReplays(w: Workload, sample: number): Promise<Check> {
  const acked = w.commands.filter((c) => c.state === 'acked');
  const picked = [...acked.filter((c) => c.everUnknown).slice(0, Math.ceil(sample / 2))];
  while (picked.length < Math.min(sample, acked.length)) {
    const c = w.rng.pick(acked);
    if (!picked.includes(c)) picked.push(c);
  }
  const v: string[] = [];
  await Promise.all(
    picked.map(async (c) => {
      const res = await w.api.post(c.path, c.body, { token: c.token, headers: { 'idempotency-key': c.key, 'x-request-id': c.id } });
      if (res.status !== c.status || JSON.stringify(res.body) !== JSON.stringify(c.ackBody)) {
        push(v, `${c.kind} ${c.id} replayed ${res.status} ${JSON.stringify(res.body).slice(0, 200)}, first ${c.status} ${JSON.stringify(c.ackBody).slice(0, 200)}`);
      }
    }),
  );
  return { name: 'acknowledged commands replay the same response after recovery', violations: v, detail: `${picked.length} replayed (${picked.filter((c) => c.everUnknown).length} had an unknown attempt)` };
}

/** The checks as printable lines. */
export function formatChecks(checks: readonly Check[]): string[] {
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`  ${c.violations.length === 0 ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}${c.violations.length ? ` — ${c.violations.length} violations` : ''}`);
    for (const x of c.violations.slice(0, MAX_LISTED)) lines.push(`         ${x}`);
    if (c.violations.length > MAX_LISTED) lines.push(`         … ${c.violations.length - MAX_LISTED} more`);
  }
  return lines;
}
