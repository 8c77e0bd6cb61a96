import { useState } from 'preact/hooks';
import { api, newIdempotencyKey, ok, seen, type Schemas } from '../api/client.ts';
import { ActionResult } from '../components/ActionResult.tsx';
import { DataTable, Pager } from '../components/DataTable.tsx';
import { useAction, useLoad, usePagedList } from '../components/hooks.ts';
import { Link } from '../components/Link.tsx';
import { formatMoney } from '../components/money.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { ReasonDialog } from '../components/ReasonDialog.tsx';
import type { PageProps } from '../routes.ts';

type Entry = Schemas['StatementEntry'];
const when = (iso: string) => new Date(iso).toLocaleString();

/** One account: its facts, freeze/unfreeze (confirmed), a staff deposit, and its statement with holds. */
export function AccountDetailPage({ params }: PageProps) {
  const number = params.number!;
  /** The position of the last action here: reads wait until the read models have applied it (min_position). */
  const [version, setVersion] = useState('');
  const account = useLoad(async () => ok(await api.GET('/admin/accounts/{account_number}', { params: { path: { account_number: number }, query: seen(version) } })), [number, version]);
  const [pending, setPending] = useState<'freeze' | 'unfreeze' | null>(null);
  const [result, setResult] = useState<{ detail: string; position: string; incident_id?: string | null } | null>(null);
  const freeze = useAction(async (kind: 'freeze' | 'unfreeze', reason: string) => {
    const req = { params: { path: { account_number: number } }, body: reason ? { reason } : {} };
    const done = kind === 'freeze' ? ok(await api.POST('/admin/accounts/{account_number}/freeze', req)) : ok(await api.POST('/admin/accounts/{account_number}/unfreeze', req));
    setResult(done);
    setPending(null);
    setVersion(done.position);
  });
  const a = account.data;

  return (
    <section class="page">
      <p><Link to="/accounts">← Accounts</Link></p>
      <h1>Account {number}</h1>
      <ProblemAlert problem={account.error} />
      {a ? (
        <>
          <dl class="facts" data-testid="account-facts">
            <dt>Owner</dt><dd><Link to={`/users/${a.owner.id}`}>{a.owner.email ?? a.owner.id}</Link>{a.owner.is_blocked ? ' (blocked)' : ''}</dd>
            <dt>Type</dt><dd>{a.type}</dd>
            <dt>Status</dt><dd data-testid="account-status" class={`status-${a.status}`}>{a.status}</dd>
            <dt>Balance</dt><dd data-testid="account-balance">{formatMoney(a.balance, a.currency)}</dd>
            <dt>Available</dt><dd>{formatMoney(a.available_balance, a.currency)}{a.available_balance !== a.balance ? <span class="hold"> (held: some money is set aside)</span> : null}</dd>
            <dt>Opened</dt><dd>{when(a.created_at)}</dd>
          </dl>
          <div class="toolbar" role="group" aria-label="Actions on this account">
            {a.status === 'frozen' ? (
              <button type="button" onClick={() => setPending('unfreeze')}>Unfreeze account</button>
            ) : a.status === 'active' ? (
              <button type="button" class="danger" onClick={() => setPending('freeze')}>Freeze account</button>
            ) : null}
          </div>
          <ActionResult result={result} />
          {pending ? (
            <ReasonDialog
              open
              title={pending === 'freeze' ? 'Freeze this account?' : 'Unfreeze this account?'}
              message={pending === 'freeze' ? 'No money can leave or enter it until it is unfrozen; transfers from it are refused.' : 'Transfers from and to it work again.'}
              confirmLabel={pending === 'freeze' ? 'Freeze account' : 'Unfreeze account'}
              danger={pending === 'freeze'}
              busy={freeze.busy}
              problem={freeze.error}
              onConfirm={(reason) => void freeze.act(pending, reason)}
              onCancel={() => {
                freeze.clearError();
                setPending(null);
              }}
            />
          ) : null}
          <DepositForm account={a} onDone={setVersion} />
        </>
      ) : null}
      <Statement number={number} version={version} currency={a?.currency ?? ''} />
    </section>
  );
}

/**
 * A staff deposit. The Idempotency-Key is made when the form is first used and
 * kept until a deposit succeeds: a double click, or a retry after a lost
 * answer, deposits once (the API answers the repeat with the first answer).
 */
function DepositForm({ account, onDone }: { account: Schemas['AdminAccount']; onDone: (position: string) => void }) {
  const [amount, setAmount] = useState('');
  const [key, setKey] = useState(newIdempotencyKey);
  const [done, setDone] = useState<Schemas['Deposit'] | null>(null);
  const deposit = useAction(async () => {
    const d = ok(
      await api.POST('/admin/accounts/{account_number}/deposit', {
        params: { path: { account_number: account.account_number }, header: { 'Idempotency-Key': key } },
        body: { amount: amount.trim() },
      }),
    );
    setDone(d);
    setAmount('');
    setKey(newIdempotencyKey());
    onDone(d.position);
  });
  return (
    <>
      <h2>Deposit</h2>
      <form
        class="filters"
        aria-label="Staff deposit"
        onSubmit={(e) => {
          e.preventDefault();
          void deposit.act();
        }}
      >
        <label>
          <span>Amount ({account.currency})</span>
          <input name="amount" inputMode="decimal" required pattern="\d+(\.\d+)?" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary" disabled={deposit.busy} data-idempotency-key={key}>{deposit.busy ? 'Depositing…' : 'Deposit'}</button>
      </form>
      <ProblemAlert problem={deposit.error} />
      {done ? (
        <ActionResult
          result={{ detail: `Deposited ${formatMoney(done.amount, done.currency)} into ${done.account_number}.`, position: done.position }}
          extra={`Balance after: ${formatMoney(done.balance_after, done.currency)}`}
        />
      ) : null}
    </>
  );
}

function Statement({ number, version, currency }: { number: string; version: string; currency: string }) {
  const list = usePagedList(
    async (cursor) => ok(await api.GET('/admin/accounts/{account_number}/transactions', { params: { path: { account_number: number }, query: { limit: 20, ...seen(version), ...(cursor ? { cursor } : {}) } } })),
    [number, version],
  );
  const money = (amount: string) => (currency ? formatMoney(amount, currency) : amount);
  return (
    <>
      <h2>Statement</h2>
      <DataTable<Entry>
        caption="Entries, newest first (a hold sets money aside until its transfer is confirmed or released)"
        testId="statement"
        rows={list.rows}
        rowKey={(e) => e.id}
        loading={list.loading}
        error={list.error}
        empty="No entries yet."
        columns={[
          { header: 'When', cell: (e) => when(e.occurred_at) },
          { header: 'Kind', cell: (e) => e.kind },
          { header: 'Direction', cell: (e) => <span class={e.direction === 'hold' || e.direction === 'release' ? 'hold' : undefined}>{e.direction}</span> },
          { header: 'Amount', numeric: true, cell: (e) => money(e.amount) },
          { header: 'Fee', numeric: true, cell: (e) => money(e.fee) },
          { header: 'Balance after', numeric: true, cell: (e) => money(e.balance_after) },
          { header: 'Counterparty', cell: (e) => e.counterparty_account ?? '—' },
          { header: 'Position', numeric: true, cell: (e) => e.position },
        ]}
      />
      <Pager {...list} />
    </>
  );
}
