import express, { type Router } from 'express';
import { accountBalanceAsOf } from '../../audit/account-balance.js';
import { verifyAllStreams, verifyStream } from '../../audit/verify-chains.js';
import { accountStream } from '../../commands/accounts/account-aggregate.js';
import { parseAsOf, type AsOf } from '../../domain/audit/as-of.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import type { Queryable } from '../../infra/db.js';
import { viewEvents } from '../../privacy/event-view.js';
import type { AppDeps } from '../deps.js';
import { positionOf, positionProblem } from '../position-params.js';
import { requireRole } from '../middleware/auth-guards.js';
import { cursorFor, pageOf } from '../pagination.js';
import { HttpProblem, notFoundProblem } from '../problem.js';
import { requestedCheckpoint } from './audit-checkpoints.js';
import { auditEventView, balanceView, verifyView, type ReadModelPoint } from './audit-views.js';

export const requireAuditor = requireRole('staff', 'auditor');

/** The read model's statement balance at `position` (the last entry at or before it). */
async function readModelBalance(db: Queryable, accountNumber: string, position: bigint | null): Promise<ReadModelPoint> {
  if (position === null) return { balance: null, position: null };
  const [entry] = await db.query<{ balance_after: string; position: string }>(
    // Ordered by the bigint column (e.position): a bare `position` would name the text alias ('46' > '103').
    `select e.balance_after::text as balance_after, e.position::text as position from rm.account_entries e
      where e.account_number = $1 and e.position <= $2::bigint order by e.position desc limit 1`,
    [accountNumber, position.toString()],
  );
  if (entry) return { balance: BigInt(entry.balance_after), position: BigInt(entry.position) };
  const [account] = await db.query(`select 1 from rm.accounts where account_number = $1`, [accountNumber]);
  return account ? { balance: 0n, position: null } : { balance: null, position: null };
}

interface LogPage {
  events: RecordedEvent[];
  /** The position the page ended at (the next page reads after it). */
  last: bigint | undefined;
  /** Whether the page stopped before the log's end as read (another page may follow). */
  full: boolean;
}

async function readLog(store: EventStore, fromPosition: bigint, limit: number): Promise<LogPage> {
  const events = await store.readAll({ fromPosition, max: limit });
  return { events, last: events[events.length - 1]?.position, full: events.length === limit };
}

/** Events scanned per page of a `type` filter at most: a rare type gives short pages whose cursor goes on. */
const TYPE_SCAN_LIMIT = 5_000;
const TYPE_SCAN_BATCH = 500;

/** The next `limit` events of one type after `fromPosition`, scanning at most TYPE_SCAN_LIMIT events. */
async function readLogOfType(store: EventStore, fromPosition: bigint, limit: number, type: string): Promise<LogPage> {
  const events: RecordedEvent[] = [];
  let from = fromPosition;
  for (let scanned = 0; scanned < TYPE_SCAN_LIMIT; ) {
    const batch = await store.readAll({ fromPosition: from, max: TYPE_SCAN_BATCH });
    for (const e of batch) {
      from = e.position;
      if (e.type === type && events.push(e) === limit) return { events, last: from, full: true };
    }
    scanned += batch.length;
    if (batch.length < TYPE_SCAN_BATCH) return { events, last: from, full: false };
  }
  return { events, last: from, full: true };
}

/** The raw event log, hash-chain verification and balances replayed from the streams. */
export function auditRoutes(deps: AppDeps): Router {
  const router = express.Router();

  router.get('/audit/streams/:stream_id', requireAuditor, async (req, res) => {
    const stream = String(req.params.stream_id);
    const page = pageOf(req);
    // The cursor holds the next revision to read (pages go forwards).
    const from = page.before ?? 0n;
    const events = await deps.store.readStream(stream, { from, max: page.limit + 1 });
    if (events.length === 0 && from === 0n) throw notFoundProblem('Stream not found.');
    const shown = events.slice(0, page.limit);
    const more = events.length > page.limit;
    res.json({ stream_id: stream, results: (await viewEvents(deps.personal, shown)).map(auditEventView), next_cursor: more ? cursorFor(events[page.limit]!.revision) : null });
  });

  router.get('/audit/events', requireAuditor, async (req, res) => {
    const page = pageOf(req, 100);
    if (page.before !== undefined && req.query.from_position !== undefined) {
      throw new HttpProblem(400, 'validation_error', 'Give cursor or from_position, not both.');
    }
    const raw = req.query.from_position ?? '0';
    // A cursor of this list is the position its page ended at.
    const fromPosition = page.before ?? (typeof raw === 'string' ? positionOf(raw) : undefined);
    if (fromPosition === undefined) throw positionProblem('from_position');
    const type = typeof req.query.type === 'string' && req.query.type !== '' ? req.query.type : undefined;
    const [{ events, last, full }, head] = await Promise.all([
      type === undefined ? readLog(deps.store, fromPosition, page.limit) : readLogOfType(deps.store, fromPosition, page.limit, type),
      deps.store.headPosition(),
    ]);
    res.json({
      head_position: head.toString(),
      results: (await viewEvents(deps.personal, events)).map(auditEventView),
      next_cursor: last !== undefined && full && last < head ? cursorFor(last) : null,
    });
  });

  router.get('/audit/verify', requireAuditor, async (req, res) => {
    const stream = typeof req.query.stream_id === 'string' ? req.query.stream_id : undefined;
    const raw = typeof req.query.checkpoint === 'string' ? req.query.checkpoint : undefined;
    if (stream && raw) throw new HttpProblem(400, 'validation_error', 'checkpoint covers every stream: leave out stream_id.');
    const report = stream
      ? await verifyStream(deps.store, stream)
      : await verifyAllStreams(deps.store, { checkpoint: await requestedCheckpoint(deps, raw) });
    if (stream && report.events_checked === 0) throw notFoundProblem('Stream not found.');
    res.json(verifyView(report));
  });

  router.get('/audit/accounts/:account_number/balance', requireAuditor, async (req, res) => {
    const accountNumber = String(req.params.account_number);
    const asOf: AsOf | null = typeof req.query.as_of === 'string' && req.query.as_of !== '' ? parseAsOf(req.query.as_of) : null;
    const head = await deps.store.headPosition();
    const replay = await accountBalanceAsOf(deps.store, accountNumber, asOf ?? { kind: 'position', position: head });
    if (!replay.exists && replay.events_applied === 0) {
      const [first] = await deps.store.readStream(accountStream(accountNumber), { max: 1 });
      if (!first) throw notFoundProblem('Account not found.');
    }
    res.json(balanceView(replay, asOf, await readModelBalance(deps.db, accountNumber, replay.last_position)));
  });

  return router;
}
