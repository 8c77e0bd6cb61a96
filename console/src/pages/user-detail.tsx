import { useState } from 'preact/hooks';
import { api, jsonPage, ok, seen, type Schemas } from '../api/client.ts';
import { ActionResult } from '../components/ActionResult.tsx';
import { DataTable, FilterBar, Pager } from '../components/DataTable.tsx';
import { useAction, useLoad, usePagedList } from '../components/hooks.ts';
import { Link } from '../components/Link.tsx';
import { formatMoney } from '../components/money.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { ReasonDialog } from '../components/ReasonDialog.tsx';
import type { PageProps } from '../routes.ts';

type Action = 'block' | 'unblock' | 'terminate-session';
const ACTIONS: Record<Action, { label: string; title: string; message: string; danger: boolean }> = {
  block: { label: 'Block user', title: 'Block this user?', message: 'No login, refresh or access token will work for them, and every session is revoked.', danger: true },
  unblock: { label: 'Unblock user', title: 'Unblock this user?', message: 'They can sign in again.', danger: false },
  'terminate-session': { label: 'Terminate sessions', title: 'Terminate every session?', message: 'Every session of this user is revoked; they must sign in again.', danger: true },
};

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
const PAGE = 10;

/** One user: profile, accounts, sessions, login events, incidents; block, unblock and terminate sessions, each confirmed. */
export function UserDetailPage({ params }: PageProps) {
  const id = params.id!;
  /** The position of the last action here: reads wait until the read models have applied it (min_position). */
  const [version, setVersion] = useState('');
  const user = useLoad(async () => ok(await api.GET('/admin/users/{id}', { params: { path: { id }, query: seen(version) } })), [id, version]);
  const [pending, setPending] = useState<Action | null>(null);
  const [result, setResult] = useState<Schemas['AdminUserAction'] | null>(null);
  const action = useAction(async (kind: Action, reason: string) => {
    const body = reason ? { reason } : {};
    const path = { params: { path: { id } }, body };
    const done =
      kind === 'block'
        ? ok(await api.POST('/admin/users/{id}/block', path))
        : kind === 'unblock'
          ? ok(await api.POST('/admin/users/{id}/unblock', path))
          : ok(await api.POST('/admin/users/{id}/terminate-session', path));
    setResult(done);
    setPending(null);
    setVersion(done.position);
  });

  const u = user.data;
  return (
    <section class="page">
      <p><Link to="/users">← Users</Link></p>
      <h1>{u?.email ?? 'User'}</h1>
      <ProblemAlert problem={user.error} />
      {u ? (
        <>
          <dl class="facts" data-testid="user-facts">
            <dt>Id</dt><dd><code>{u.id}</code></dd>
            <dt>Name</dt><dd>{`${u.first_name} ${u.last_name}`.trim() || '—'}</dd>
            <dt>Role</dt><dd>{u.is_staff ? 'staff' : 'customer'}</dd>
            <dt>Status</dt><dd data-testid="user-status" class={u.is_blocked ? 'status-blocked' : 'status-active'}>{u.is_blocked ? 'blocked' : u.is_active ? 'active' : 'not activated'}</dd>
            <dt>Joined</dt><dd>{when(u.date_joined)}</dd>
          </dl>
          <div class="toolbar" role="group" aria-label="Actions on this user">
            {u.is_blocked ? (
              <button type="button" onClick={() => setPending('unblock')}>{ACTIONS.unblock.label}</button>
            ) : (
              <button type="button" class="danger" onClick={() => setPending('block')}>{ACTIONS.block.label}</button>
            )}
            <button type="button" onClick={() => setPending('terminate-session')}>{ACTIONS['terminate-session'].label}</button>
          </div>
        </>
      ) : null}
      <ActionResult result={result} extra={result ? `${result.sessions_revoked} session(s) revoked.` : undefined} />
      {pending ? (
        <ReasonDialog
          open
          title={ACTIONS[pending].title}
          message={ACTIONS[pending].message}
          confirmLabel={ACTIONS[pending].label}
          danger={ACTIONS[pending].danger}
          busy={action.busy}
          problem={action.error}
          onConfirm={(reason) => void action.act(pending, reason)}
          onCancel={() => {
            action.clearError();
            setPending(null);
          }}
        />
      ) : null}

      <UserAccounts id={id} version={version} />
      <UserSessions id={id} version={version} />
      <UserLogins id={id} version={version} />
      <UserIncidents id={id} version={version} />
    </section>
  );
}

function UserAccounts({ id, version }: { id: string; version: string }) {
  const list = usePagedList(async (cursor) => ok(await api.GET('/admin/accounts', { params: { query: { owner: id, limit: PAGE, ...seen(version), ...(cursor ? { cursor } : {}) } } })), [id, version]);
  return (
    <>
      <h2>Accounts</h2>
      <DataTable<Schemas['AdminAccount']>
        caption="Accounts of this user"
        testId="user-accounts"
        rows={list.rows}
        rowKey={(a) => a.account_number}
        loading={list.loading}
        error={list.error}
        empty="No accounts."
        columns={[
          { header: 'Number', cell: (a) => <Link to={`/accounts/${a.account_number}`}>{a.account_number}</Link> },
          { header: 'Type', cell: (a) => a.type },
          { header: 'Status', cell: (a) => <span class={`status-${a.status}`}>{a.status}</span> },
          { header: 'Balance', numeric: true, cell: (a) => formatMoney(a.balance, a.currency) },
          { header: 'Available', numeric: true, cell: (a) => formatMoney(a.available_balance, a.currency) },
        ]}
      />
      <Pager {...list} />
    </>
  );
}

function UserSessions({ id, version }: { id: string; version: string }) {
  const [filters, setFilters] = useState<Record<string, string>>({});
  const status = filters.status as Schemas['AdminSession']['status'] | undefined;
  const list = usePagedList(
    async (cursor) => ok(await api.GET('/admin/users/{id}/sessions', { params: { path: { id }, query: { limit: PAGE, ...(status ? { status } : {}), ...seen(version), ...(cursor ? { cursor } : {}) } } })),
    [id, version, status],
  );
  return (
    <>
      <h2>Sessions</h2>
      <FilterBar
        label="Filter sessions"
        values={filters}
        onApply={setFilters}
        fields={[{ name: 'status', label: 'Session status', type: 'select', options: ['active', 'expired', 'revoked'].map((v) => ({ value: v, label: v })) }]}
      />
      <DataTable<Schemas['AdminSession']>
        caption="Sessions, newest first"
        testId="user-sessions"
        rows={list.rows}
        rowKey={(s) => s.session_id}
        loading={list.loading}
        error={list.error}
        empty="No sessions."
        columns={[
          { header: 'Started', cell: (s) => when(s.started_at) },
          { header: 'Expires', cell: (s) => when(s.expires_at) },
          { header: 'Status', cell: (s) => <span class={`status-${s.status}`}>{s.status}{s.revoked_reason ? ` (${s.revoked_reason})` : ''}</span> },
          { header: 'Session', cell: (s) => <code>{s.session_id.slice(0, 8)}</code> },
        ]}
      />
      <Pager {...list} />
    </>
  );
}

function UserLogins({ id, version }: { id: string; version: string }) {
  const [filters, setFilters] = useState<Record<string, string>>({});
  const list = usePagedList(
    async (cursor) =>
      ok(
        await api.GET('/risk/logins', {
          params: {
            query: {
              user_id: id,
              limit: PAGE,
              ...seen(version),
              ...(filters.kind ? { kind: filters.kind as 'login' } : {}),
              ...(filters.success ? { success: filters.success } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    [id, version, filters.kind, filters.success],
  );
  return (
    <>
      <h2>Login events</h2>
      <FilterBar
        label="Filter login events"
        values={filters}
        onApply={setFilters}
        fields={[
          { name: 'kind', label: 'Kind', type: 'select', options: ['login', 'refresh', 'logout'].map((v) => ({ value: v, label: v })) },
          { name: 'success', label: 'Outcome', type: 'select', options: [{ value: 'true', label: 'succeeded' }, { value: 'false', label: 'failed' }] },
        ]}
      />
      <DataTable<Schemas['LoginEvent']>
        caption="Sign-in, refresh and logout attempts, newest first"
        testId="user-logins"
        rows={list.rows}
        rowKey={(e) => e.id}
        loading={list.loading}
        error={list.error}
        empty="No login events."
        columns={[
          { header: 'When', cell: (e) => when(e.timestamp) },
          { header: 'Kind', cell: (e) => e.kind },
          { header: 'Outcome', cell: (e) => <span class={e.successful ? 'status-active' : 'status-frozen'}>{e.outcome}{e.failure_reason ? ` (${e.failure_reason})` : ''}</span> },
          { header: 'IP', cell: (e) => e.ip ?? '—' },
          { header: 'Country', cell: (e) => e.country ?? '—' },
        ]}
      />
      <Pager {...list} />
    </>
  );
}

function UserIncidents({ id, version }: { id: string; version: string }) {
  const [filters, setFilters] = useState<Record<string, string>>({});
  const list = usePagedList(
    async (cursor) =>
      jsonPage(
        ok(
          await api.GET('/risk/incidents', {
            params: {
              query: {
                user: id,
                limit: PAGE,
              ...seen(version),
                ...(filters.status ? { status: filters.status as Schemas['IncidentStatus'] } : {}),
                ...(filters.severity ? { severity: filters.severity as Schemas['IncidentSeverity'] } : {}),
                ...(cursor ? { cursor } : {}),
              },
            },
          }),
        ),
      ),
    [id, version, filters.status, filters.severity],
  );
  return (
    <>
      <h2>Incidents</h2>
      <FilterBar
        label="Filter incidents"
        values={filters}
        onApply={setFilters}
        fields={[
          { name: 'status', label: 'Status', type: 'select', options: ['open', 'acknowledged', 'resolved'].map((v) => ({ value: v, label: v })) },
          { name: 'severity', label: 'Severity', type: 'select', options: ['low', 'medium', 'high', 'critical'].map((v) => ({ value: v, label: v })) },
        ]}
      />
      <DataTable<Schemas['Incident']>
        caption="Risk incidents about this user, newest first"
        testId="user-incidents"
        rows={list.rows}
        rowKey={(i) => i.id}
        loading={list.loading}
        error={list.error}
        empty="No incidents."
        columns={[
          { header: 'Raised', cell: (i) => when(i.raised_at) },
          { header: 'Rule', cell: (i) => <Link to={`/risk/incidents/${i.id}`}>{i.rule}</Link> },
          { header: 'Severity', cell: (i) => i.severity },
          { header: 'Status', cell: (i) => i.status },
        ]}
      />
      <Pager {...list} />
    </>
  );
}
