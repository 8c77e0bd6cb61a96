import { expect } from 'chai';
import type { EventData, EventMetadata, RecordedEvent } from '../../src/eventstore/port.js';
import { postgresDb } from '../../src/infra/db.js';
import { viewEvents } from '../../src/privacy/event-view.js';
import { Keyring } from '../../src/privacy/keyring.js';
import { PersonalData } from '../../src/privacy/personal-data.js';
import type { RunningService } from './service.js';

export interface AuditEvent {
  event_id: string;
  type: string;
  stream_id: string;
  revision: string;
  position: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown> & { actor: { user_id: string | null; role: string; ip: string | null } };
  prev_hash: string;
  hash: string;
}

/** Every event of /audit/events/, page by page. */
export async function auditEvents(svc: RunningService, token: string): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  let page = '/audit/events/?from_position=0&limit=200';
  for (;;) {
    const res = await svc.api.get(page, { token });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    out.push(...(res.body.results as AuditEvent[]));
    if (res.body.next_cursor === null) return out;
    page = `/audit/events/?cursor=${res.body.next_cursor as string}&limit=200`;
  }
}

/** Every event of /audit/streams/{stream}/, page by page. */
export async function auditStream(svc: RunningService, token: string, stream: string): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  let cursor = '';
  for (;;) {
    const res = await svc.api.get(`/audit/streams/${stream}/?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { token });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    out.push(...(res.body.results as AuditEvent[]));
    if (res.body.next_cursor === null) return out;
    cursor = res.body.next_cursor as string;
  }
}

/**
 * Every stored event of one type, read from the table as another process
 * would (committed rows, no wait for the readers' horizon) and redacted as
 * the audit views do (personal fields opened with the service's master key):
 * no HTTP, so no rate limit is spent.
 */
export async function storedEvents(svc: RunningService, type: string): Promise<RecordedEvent[]> {
  const db = postgresDb(svc.databaseUrl, 1);
  try {
    const rows = await db.query<{ event_id: string; stream_id: string; revision: string; position: string; data: EventData; metadata: EventMetadata; recorded_at: Date; prev_hash: string; hash: string }>(
      `select event_id::text, stream_id, revision::text, position::text, data, metadata, recorded_at, prev_hash, hash
         from es.events where type = $1 order by position`,
      [type],
    );
    const events: RecordedEvent[] = rows.map((r) => ({ ...r, type, revision: BigInt(r.revision), position: BigInt(r.position) }));
    return await viewEvents(new PersonalData(new Keyring(db, Buffer.from(svc.env.DATA_MASTER_KEY!, 'hex'))), events);
  } finally {
    await db.end();
  }
}

/** Fails naming the first of `secrets` (and of `names`, as JSON keys) found in `text`. */
export function expectNoneIn(text: string, what: string, secrets: string[], names: string[] = []): void {
  for (const secret of secrets) expect(text.includes(secret), `${what} contains the secret ${secret.slice(0, 12)}…`).to.equal(false);
  for (const name of names) expect(text.includes(`"${name}"`), `${what} contains the field ${name}`).to.equal(false);
}
