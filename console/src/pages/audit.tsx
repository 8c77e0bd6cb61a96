import { api, ok } from '../api/client.ts';
import { FilterBar, Pager } from '../components/DataTable.tsx';
import { usePagedList } from '../components/hooks.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { useFilters } from '../components/useFilters.ts';
import { navigate } from '../router.ts';
import type { PageProps } from '../routes.ts';
import { AuditNav, REDACTION_NOTE } from './audit-nav.tsx';
import { EventCard } from './audit-event.tsx';

export { BalancePage } from './audit-balance.tsx';
export { CheckpointsPage } from './audit-checkpoints.tsx';
export { ProjectionsPage } from './audit-projections.tsx';
export { StreamPage } from './audit-stream.tsx';
export { VerifyPage } from './audit-verify.tsx';

/** The global log ($all) in position order, from a position, optionally one event type; or go to one stream. */
export function AuditPage(_: PageProps) {
  const { values, apply, key } = useFilters(['from_position', 'type']);
  const list = usePagedList(
    async (cursor) =>
      ok(await api.GET('/audit/events', {
        params: { query: { ...(cursor ? { cursor } : values.from_position ? { from_position: values.from_position } : {}), ...(values.type ? { type: values.type } : {}), limit: 20 } },
      })),
    [key],
  );
  return (
    <section class="page">
      <h1>Event log</h1>
      <AuditNav />
      <p>{REDACTION_NOTE}</p>
      <FilterBar
        label="Go to a stream"
        fields={[{ name: 'stream', label: 'Stream id', type: 'search', placeholder: 'account-100000000017' }]}
        values={{}}
        onApply={(v) => v.stream && navigate(`/audit/streams/${encodeURIComponent(v.stream)}`)}
      />
      <FilterBar
        label="Filter the log"
        fields={[
          { name: 'from_position', label: 'After position', placeholder: '0' },
          { name: 'type', label: 'Event type', placeholder: 'IncidentRaised' },
        ]}
        values={values}
        onApply={apply}
      />
      <ProblemAlert problem={list.error} />
      {list.loading ? <p role="status">Loading…</p> : null}
      {!list.loading && list.rows.length === 0 && !list.error ? <p>No event on this page{values.type ? ' of that type (the next page scans on)' : ''}.</p> : null}
      <ol class="events" aria-label="Events in position order">
        {list.rows.map((e) => <EventCard event={e} />)}
      </ol>
      <Pager {...list} />
    </section>
  );
}
