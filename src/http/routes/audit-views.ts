import type { BalanceReplay } from '../../domain/audit/balance-as-of.js';
import type { AsOf } from '../../domain/audit/as-of.js';
import { formatAmount } from '../../domain/money/amount.js';
import type { ChainBreak } from '../../eventstore/hash-chain.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import type { VerifyReport } from '../../audit/verify-chains.js';
import type { components } from '../generated/openapi.js';
import { checkpointCheckView } from './audit-checkpoint-views.js';

type Schemas = components['schemas'];

/**
 * An event as stored (envelope, payload, metadata and its chain link), after
 * src/privacy/event-view.ts redacted it: personal fields opened or `[erased]`,
 * credential material removed. `verify` checks the chain on the stored bytes.
 */
export function auditEventView(e: RecordedEvent): Schemas['AuditEvent'] {
  return {
    event_id: e.event_id,
    type: e.type,
    stream_id: e.stream_id,
    revision: e.revision.toString(),
    position: e.position.toString(),
    recorded_at: e.recorded_at.toISOString(),
    data: e.data,
    metadata: { ...e.metadata },
    prev_hash: e.prev_hash,
    hash: e.hash,
  };
}

const breakView = (b: ChainBreak): Schemas['ChainBreak'] => ({ ...b, revision: b.revision.toString() });

export function verifyView(r: VerifyReport): Schemas['VerifyReport'] {
  return { ...r, head_position: r.head_position.toString(), breaks: r.breaks.map(breakView), checkpoint: r.checkpoint && checkpointCheckView(r.checkpoint) };
}

export interface ReadModelPoint {
  balance: bigint | null;
  position: bigint | null;
}

export function balanceView(r: BalanceReplay, asOf: AsOf | null, rm: ReadModelPoint): Schemas['BalanceAsOf'] {
  const money = (v: bigint) => (r.currency ? formatAmount(v, r.currency) : v.toString());
  return {
    account_number: r.account_number,
    as_of: asOf === null ? { kind: 'head', value: null } : asOf.kind === 'position' ? { kind: 'position', value: asOf.position.toString() } : { kind: 'time', value: asOf.at.toISOString() },
    existed: r.exists,
    currency: r.currency,
    balance: money(r.balance),
    balance_minor: r.balance.toString(),
    held: money(r.held),
    available: money(r.balance - r.held),
    status: r.status,
    events_replayed: r.events_applied,
    revision: r.last_revision?.toString() ?? null,
    position: r.last_position?.toString() ?? null,
    occurred_at: r.last_occurred_at,
    discrepancies: r.discrepancies.map((d) => ({
      revision: d.revision.toString(),
      position: d.position.toString(),
      type: d.type,
      recorded: money(d.recorded),
      computed: money(d.computed),
    })),
    read_model: {
      balance: rm.balance === null ? null : money(rm.balance),
      position: rm.position?.toString() ?? null,
      matches: rm.balance === r.balance,
    },
  };
}
