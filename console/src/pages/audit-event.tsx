import type { ComponentChildren } from 'preact';
import type { Schemas } from '../api/client.ts';
import { Link } from '../components/Link.tsx';
import { When } from './ops-nav.tsx';

type AuditEvent = Schemas['AuditEvent'];
const ERASED = '[erased]';
const GENESIS = '0'.repeat(64);

/** A payload value: a field whose personal data was erased is shown as redacted, never as its stored ciphertext. */
function Value({ value }: { value: unknown }): ComponentChildren {
  if (value === ERASED) return <span class="redacted" title="Erased personal data (its key was destroyed)">redacted</span>;
  if (value === null || typeof value !== 'object') return <code>{JSON.stringify(value)}</code>;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return <code>{Array.isArray(value) ? '[]' : '{}'}</code>;
  return (
    <dl>
      {entries.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd><Value value={v} /></dd>
        </>
      ))}
    </dl>
  );
}

export const eventAnchor = (e: { stream_id: string; revision: string }) => `ev-${e.stream_id}-${e.revision}`.replace(/[^A-Za-z0-9_-]/g, '_');

/**
 * One stored event: where it stands (stream, revision, global position), its
 * chain link (prev_hash to the previous event of its stream, which the page
 * links to when it shows it), its payload and metadata as the audit view redacts them.
 */
export function EventCard(props: { event: AuditEvent; previous?: AuditEvent | undefined; showStream?: boolean }) {
  const e = props.event;
  const linked = props.previous === undefined || props.previous.hash === e.prev_hash;
  return (
    <li class="event" id={eventAnchor(e)} data-testid="audit-event">
      <header>
        <strong>{e.type}</strong>
        <span>position {e.position}</span>
        <span>revision {e.revision}</span>
        {props.showStream !== false ? <Link to={`/audit/streams/${encodeURIComponent(e.stream_id)}`}>{e.stream_id}</Link> : null}
        <When at={e.recorded_at} />
      </header>
      <dl>
        <dt>Hash</dt>
        <dd class="hash">{e.hash}</dd>
        <dt>Previous</dt>
        <dd class="hash">
          {e.prev_hash === GENESIS ? (
            <>{e.prev_hash} (first of its stream)</>
          ) : props.previous ? (
            <a href={`#${eventAnchor(props.previous)}`}>{e.prev_hash}</a>
          ) : (
            e.prev_hash
          )}
          {linked ? null : <span class="chain-break" role="note"> does not match the previous event's hash</span>}
        </dd>
        <dt>Event id</dt>
        <dd class="hash">{e.event_id}</dd>
      </dl>
      <details>
        <summary>Payload and metadata</summary>
        <div class="event-body">
          <h3>Data</h3>
          <Value value={e.data} />
          <h3>Metadata</h3>
          <Value value={e.metadata} />
        </div>
      </details>
    </li>
  );
}
