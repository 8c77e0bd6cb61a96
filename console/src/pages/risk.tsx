import { useState } from 'preact/hooks';
import { api, ok, type paths, type Schemas } from '../api/client.ts';
import { downloadCsv } from '../api/csv.ts';
import { DataTable, FilterBar, Pager } from '../components/DataTable.tsx';
import { useAction, usePagedList } from '../components/hooks.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { Link } from '../components/Link.tsx';
import { useFilters } from '../components/useFilters.ts';
import { useAdminAlerts, type AdminAlert } from '../live/admin-alerts.ts';
import type { PageProps } from '../routes.ts';
import { given, When } from './ops-nav.tsx';
import { RiskNav, Severity, Status } from './risk-nav.tsx';
import { useIncidentWorkflow } from './risk-actions.tsx';

export { IncidentPage } from './risk-incident.tsx';
export { LocksPage } from './risk-locks.tsx';
export { LoginsPage } from './risk-logins.tsx';

type Incident = Schemas['Incident'];
type Query = NonNullable<paths['/risk/incidents']['get']['parameters']['query']>;

const FILTERS = ['status', 'severity', 'rule', 'user', 'country', 'date_from', 'date_to', 'ordering'];
const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const opts = (values: string[]) => values.map((v) => ({ value: v, label: v }));

/** Risk incidents: filters, pages, acknowledge / resolve, and critical alerts arriving live. */
export function RiskPage(_: PageProps) {
  const { values, apply, key } = useFilters(FILTERS);
  const [minPosition, setMinPosition] = useState<string | undefined>(undefined);
  const [alerts, setAlerts] = useState<AdminAlert[]>([]);
  const query = given(values) as Query;
  const list = usePagedList(
    async (cursor) => {
      const page = ok(await api.GET('/risk/incidents', { params: { query: { ...query, ...(cursor ? { cursor } : {}), ...(minPosition ? { min_position: minPosition } : {}), limit: 25 } } }));
      // The same path answers CSV when asked (downloadCsv); JSON here.
      return typeof page === 'string' ? { results: [] as Incident[], next_cursor: null } : page;
    },
    [key, minPosition],
  );
  const live = useAdminAlerts((alert) => {
    setAlerts((a) => [alert, ...a].slice(0, 5));
    // The list waits until the read model has the alert's event.
    setMinPosition(alert.position);
  });
  // After a step, the list waits until the read model has its event.
  const workflow = useIncidentWorkflow((position) => (position !== minPosition ? setMinPosition(position) : list.reload()));
  const csv = useAction(() => downloadCsv('/risk/incidents', given(values), 'risk-incidents.csv'));

  return (
    <section class="page">
      <h1>Risk</h1>
      <RiskNav />
      <section class="live" aria-labelledby="live-title">
        <h2 id="live-title" class="live-status">Live alerts: {live === 'live' ? 'connected' : live}</h2>
        <ul aria-live="polite" data-testid="live-alerts">
          {alerts.length === 0 ? <li>No alert since this page opened.</li> : null}
          {alerts.map((a, i) => <li class={i === 0 ? 'fresh' : undefined}><When at={a.notification.created_at} /> {a.notification.message}</li>)}
        </ul>
      </section>
      <FilterBar
        label="Filter incidents"
        fields={[
          { name: 'status', label: 'Status', type: 'select', options: opts(['open', 'acknowledged', 'resolved']) },
          { name: 'severity', label: 'Severity', type: 'select', options: opts(SEVERITIES) },
          { name: 'rule', label: 'Rule', placeholder: 'brute_force' },
          { name: 'user', label: 'User id' },
          { name: 'country', label: 'Country', placeholder: 'JO' },
          { name: 'date_from', label: 'From', type: 'date' },
          { name: 'date_to', label: 'To', type: 'date' },
          { name: 'ordering', label: 'Order', type: 'select', options: [{ value: '-timestamp', label: 'newest first' }, { value: 'timestamp', label: 'oldest first' }, { value: '-severity', label: 'most severe first' }, { value: 'severity', label: 'least severe first' }] },
        ]}
        values={values}
        onApply={apply}
      />
      <div class="toolbar">
        <button type="button" onClick={() => void csv.act()} disabled={csv.busy}>Download CSV</button>
      </div>
      <ProblemAlert problem={csv.error} />
      {workflow.dialog}
      <DataTable<Incident>
        caption="Incidents"
        testId="incidents-table"
        rows={list.rows}
        rowKey={(i) => i.id}
        loading={list.loading}
        error={list.error}
        empty="No incident matches these filters."
        columns={[
          { header: 'Raised', cell: (i) => <Link to={`/risk/incidents/${i.id}`}><When at={i.raised_at} /></Link> },
          { header: 'Severity', cell: (i) => <Severity value={i.severity} /> },
          { header: 'Rule', cell: (i) => i.rule },
          { header: 'Status', cell: (i) => <Status value={i.status} /> },
          { header: 'User', cell: (i) => (i.user_id ? <Link to={`/users/${i.user_id}`}>{i.user_id.slice(0, 8)}…</Link> : '—') },
          { header: 'IP', cell: (i) => i.ip ?? '—' },
          { header: 'Country', cell: (i) => i.country ?? '—' },
          { header: 'Actions', cell: (i) => workflow.buttons(i) },
        ]}
      />
      <Pager {...list} />
    </section>
  );
}
