import { api, ok, type Schemas } from '../api/client.ts';
import { DataTable, FilterBar, Pager } from '../components/DataTable.tsx';
import { usePagedList } from '../components/hooks.ts';
import { Link } from '../components/Link.tsx';
import { useFilters } from '../components/useFilters.ts';
import type { PageProps } from '../routes.ts';
import { given, When } from './ops-nav.tsx';
import { RiskNav } from './risk-nav.tsx';

type LoginEvent = Schemas['LoginEvent'];
const FILTERS = ['user_id', 'ip', 'country', 'success', 'kind', 'from', 'to'];

/** Every sign-in, refresh and logout attempt, newest first, filtered. */
export function LoginsPage(_: PageProps) {
  const { values, apply, key } = useFilters(FILTERS);
  const list = usePagedList(
    async (cursor) => ok(await api.GET('/risk/logins', { params: { query: { ...given(values), ...(cursor ? { cursor } : {}), limit: 25 } } })),
    [key],
  );
  return (
    <section class="page">
      <h1>Login events</h1>
      <RiskNav />
      <FilterBar
        label="Filter login events"
        fields={[
          { name: 'user_id', label: 'User id' },
          { name: 'ip', label: 'IP', placeholder: '198.51.100.7' },
          { name: 'country', label: 'Country', placeholder: 'JO' },
          { name: 'success', label: 'Outcome', type: 'select', options: [{ value: 'true', label: 'successful' }, { value: 'false', label: 'not successful' }] },
          { name: 'kind', label: 'Kind', type: 'select', options: ['login', 'refresh', 'logout'].map((v) => ({ value: v, label: v })) },
          { name: 'from', label: 'From', type: 'date' },
          { name: 'to', label: 'To', type: 'date' },
        ]}
        values={values}
        onApply={apply}
      />
      <DataTable<LoginEvent>
        caption="Login events"
        testId="logins-table"
        rows={list.rows}
        rowKey={(l) => l.id}
        loading={list.loading}
        error={list.error}
        empty="No login event matches these filters."
        columns={[
          { header: 'When', cell: (l) => <When at={l.timestamp} /> },
          { header: 'Kind', cell: (l) => l.kind },
          { header: 'Outcome', cell: (l) => <span class={l.successful ? 'state-resolved' : 'state-open'}>{l.outcome}</span> },
          { header: 'E-mail tried', cell: (l) => l.attempted_email ?? <span class="redacted">erased</span> },
          { header: 'User', cell: (l) => (l.user_id ? <Link to={`/users/${l.user_id}`}>{l.user_id.slice(0, 8)}…</Link> : '—') },
          { header: 'IP', cell: (l) => (l.ip ? <Link to={`/risk/logins?ip=${encodeURIComponent(l.ip)}`}>{l.ip}</Link> : '—') },
          { header: 'Country', cell: (l) => l.country ?? '—' },
          { header: 'Reason', cell: (l) => l.failure_reason ?? '—' },
        ]}
      />
      <Pager {...list} />
    </section>
  );
}
