import { Link } from './Link.tsx';

/** What a staff action produced: its message, the event's position in the log, and the incident that records it. */
export function ActionResult(props: { result: { detail: string; position: string; incident_id?: string | null } | null; extra?: string }) {
  const r = props.result;
  if (!r) return null;
  return (
    <div class="result" role="status" data-testid="action-result">
      <strong>{r.detail}</strong>
      {props.extra ? <div>{props.extra}</div> : null}
      <div>
        Event at position <code data-testid="result-position">{r.position}</code>
        {r.incident_id ? (
          <>
            {' '}· recorded as incident <Link to={`/risk/incidents/${r.incident_id}`}>{r.incident_id}</Link>
          </>
        ) : null}
      </div>
    </div>
  );
}
