import { expect } from 'chai';
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
  let from = '0';
  for (;;) {
    const res = await svc.api.get(`/audit/events/?from_position=${from}&limit=200`, { token });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    out.push(...(res.body.results as AuditEvent[]));
    if (res.body.next_from_position === null) return out;
    from = res.body.next_from_position as string;
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

/** Fails naming the first of `secrets` (and of `names`, as JSON keys) found in `text`. */
export function expectNoneIn(text: string, what: string, secrets: string[], names: string[] = []): void {
  for (const secret of secrets) expect(text.includes(secret), `${what} contains the secret ${secret.slice(0, 12)}…`).to.equal(false);
  for (const name of names) expect(text.includes(`"${name}"`), `${what} contains the field ${name}`).to.equal(false);
}
