import express, { type Router } from 'express';
import { accountBalanceAsOf } from '../../audit/account-balance.js';
import { verifyAllStreams, verifyStream } from '../../audit/verify-chains.js';
import { accountStream } from '../../commands/accounts/account-aggregate.js';
import { parseAsOf, type AsOf } from '../../domain/audit/as-of.js';
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
    const [events, head] = await Promise.all([
      deps.store.readAll({ fromPosition, max: page.limit }),
      deps.store.headPosition(),
    ]);
    const last = events[events.length - 1]?.position;
    res.json({
      head_position: head.toString(),
      results: (await viewEvents(deps.personal, events)).map(auditEventView),
      next_cursor: last !== undefined && events.length === page.limit && last < head ? cursorFor(last) : null,
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
