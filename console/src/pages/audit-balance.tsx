import { api, ok, type Schemas } from '../api/client.ts';
import { DataTable, FilterBar } from '../components/DataTable.tsx';
import { useLoad } from '../components/hooks.ts';
import { Link } from '../components/Link.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { useFilters } from '../components/useFilters.ts';
import type { PageProps } from '../routes.ts';
import { AuditNav } from './audit-nav.tsx';
import { When } from './ops-nav.tsx';

type Balance = Schemas['BalanceAsOf'];
type Discrepancy = Balance['discrepancies'][number];

/** as_of from the form: a position, else a local date-time as an instant, else the head. */
function asOf(position: string, at: string): string | undefined {
  if (position) return position;
  if (at) {
    const t = new Date(at);
    return Number.isNaN(t.getTime()) ? at : t.toISOString();
  }
  return undefined;
}

/** An account's balance replayed from its stream as of a position or an instant, beside the statement's. */
export function BalancePage(_: PageProps) {
  const { values, apply, key } = useFilters(['account', 'position', 'at']);
  const account = values.account ?? '';
  const when = asOf(values.position ?? '', values.at ?? '');
  const { data, error, loading } = useLoad(
    async () => (account ? ok(await api.GET('/audit/accounts/{account_number}/balance', { params: { path: { account_number: account }, query: when ? { as_of: when } : {} } })) : undefined),
    [key],
  );
  return (
    <section class="page">
      <h1>Balance as of</h1>
      <AuditNav />
      <p>Replays the account's events up to the point asked (a global position, or a date and time) and compares each recorded balance with the computed one, and the result with the statement (read model).</p>
      <FilterBar
        label="Account and point in time"
        fields={[
          { name: 'account', label: 'Account number', placeholder: '100000000017' },
          { name: 'position', label: 'As of position', placeholder: 'empty: the head' },
          { name: 'at', label: 'Or as of date and time', type: 'datetime-local' },
        ]}
        values={values}
        onApply={apply}
      />
      <ProblemAlert problem={error} />
      {loading && account ? <p role="status">Replaying…</p> : null}
      {data ? <BalanceFacts balance={data} /> : null}
    </section>
  );
}

function BalanceFacts({ balance: b }: { balance: Balance }) {
  const matches = b.read_model.matches;
  return (
    <>
      <div class={`verdict ${b.discrepancies.length === 0 && matches ? 'verdict-ok' : 'verdict-bad'}`} role="status" data-testid="balance-result">
        <strong>
          {b.discrepancies.length === 0 ? 'No discrepancy in the replay' : `${b.discrepancies.length} discrepanc${b.discrepancies.length === 1 ? 'y' : 'ies'} in the replay`}
          {matches ? '; the statement agrees.' : '; the statement does NOT agree.'}
        </strong>
      </div>
      <dl class="facts">
        <dt>Account</dt><dd><Link to={`/audit/streams/account-${b.account_number}`}>{b.account_number}</Link></dd>
        <dt>As of</dt><dd>{b.as_of.kind === 'head' ? 'the head of the log' : `${b.as_of.kind} ${b.as_of.value}`}</dd>
        <dt>Existed then</dt><dd>{b.existed ? 'yes' : 'no (not yet opened)'}</dd>
        <dt>Balance</dt><dd>{b.balance} {b.currency ?? ''}</dd>
        <dt>Held</dt><dd>{b.held} {b.currency ?? ''}</dd>
        <dt>Available</dt><dd>{b.available} {b.currency ?? ''}</dd>
        <dt>Status</dt><dd>{b.status ?? '—'}</dd>
        <dt>Events replayed</dt><dd>{b.events_replayed} (last: revision {b.revision ?? '—'}, position {b.position ?? '—'}, <When at={b.occurred_at} />)</dd>
        <dt>Statement (read model)</dt>
        <dd class={matches ? undefined : 'mismatch'}>{b.read_model.balance ?? '—'} {b.currency ?? ''} at position {b.read_model.position ?? '—'}: {matches ? 'matches' : 'differs from the replay'}</dd>
      </dl>
      {b.discrepancies.length > 0 ? (
        <DataTable<Discrepancy>
          caption="Discrepancies: the balance an event recorded differs from the replay's"
          testId="discrepancies"
          rows={b.discrepancies}
          rowKey={(d) => `${d.revision ?? ''}:${d.position ?? ''}`}
          columns={[
            { header: 'Revision', cell: (d) => d.revision, numeric: true },
            { header: 'Position', cell: (d) => d.position, numeric: true },
            { header: 'Event', cell: (d) => d.type },
            { header: 'Recorded', cell: (d) => <span class="mismatch">{d.recorded}</span>, numeric: true },
            { header: 'Computed', cell: (d) => d.computed, numeric: true },
          ]}
        />
      ) : null}
    </>
  );
}
