import { useState } from 'preact/hooks';
import { api, ok } from '../api/client.ts';
import { useLoad } from '../components/hooks.ts';
import { Link } from '../components/Link.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import type { PageProps } from '../routes.ts';
import { When } from './ops-nav.tsx';
import { RiskNav, Severity, Status } from './risk-nav.tsx';
import { useIncidentWorkflow } from './risk-actions.tsx';

/** One incident: what raised it (its evidence), who handled it, and its next step. */
export function IncidentPage({ params }: PageProps) {
  const id = params.id ?? '';
  const [minPosition, setMinPosition] = useState<string | undefined>(undefined);
  const { data: incident, error, loading, reload } = useLoad(
    async () => ok(await api.GET('/risk/incidents/{id}', { params: { path: { id }, query: minPosition ? { min_position: minPosition } : {} } })),
    [id, minPosition],
  );
  // After a step, read the incident again once the read model has its event.
  const workflow = useIncidentWorkflow((position) => (position !== minPosition ? setMinPosition(position) : reload()));
  return (
    <section class="page">
      <h1>Incident</h1>
      <RiskNav />
      <ProblemAlert problem={error} />
      {loading && !incident ? <p role="status">Loading…</p> : null}
      {incident ? (
        <>
          <dl class="facts">
            <dt>Rule</dt><dd>{incident.rule}</dd>
            <dt>Severity</dt><dd><Severity value={incident.severity} /></dd>
            <dt>Status</dt><dd><Status value={incident.status} /></dd>
            <dt>Raised</dt><dd><When at={incident.raised_at} /></dd>
            <dt>User</dt><dd>{incident.user_id ? <Link to={`/users/${incident.user_id}`}>{incident.user_id}</Link> : '—'}</dd>
            <dt>Account</dt><dd>{incident.account_number ? <Link to={`/accounts/${incident.account_number}`}>{incident.account_number}</Link> : '—'}</dd>
            <dt>IP</dt><dd>{incident.ip ?? '—'}</dd>
            <dt>Country</dt><dd>{incident.country ?? '—'}</dd>
            <dt>Acknowledged</dt><dd>{incident.acknowledged ? <>by {incident.acknowledged.by}, <When at={incident.acknowledged.at} />{incident.acknowledged.note ? `: ${incident.acknowledged.note}` : ''}</> : '—'}</dd>
            <dt>Resolved</dt><dd>{incident.resolved ? <>by {incident.resolved.by}, <When at={incident.resolved.at} />{incident.resolved.note ? `: ${incident.resolved.note}` : ''}</> : '—'}</dd>
          </dl>
          <h2>Evidence</h2>
          <pre class="json" tabIndex={0} aria-label="Evidence">{JSON.stringify(incident.evidence, null, 2)}</pre>
          <h2>Next step</h2>
          {workflow.buttons(incident)}
          {incident.status === 'resolved' ? <p>Resolved: nothing left to do.</p> : null}
          {workflow.dialog}
          <p><Link to={`/audit/streams/incident-${incident.id}`}>This incident's events in the audit log</Link></p>
        </>
      ) : null}
    </section>
  );
}
