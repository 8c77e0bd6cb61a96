import { api, ok, type Schemas } from '../api/client.ts';
import { DataTable, FilterBar, Pager } from '../components/DataTable.tsx';
import { usePagedList } from '../components/hooks.ts';
import { Link } from '../components/Link.tsx';
import { formatMoney } from '../components/money.ts';
import { useFilters } from '../components/useFilters.ts';
import { navigate } from '../router.ts';
import type { PageProps } from '../routes.ts';

export { AccountDetailPage } from './account-detail.tsx';

type AdminAccount = Schemas['AdminAccount'];
const ACCOUNT_NUMBER = /^\d{6,}$/;

/** The owner filter as a user id: an id as is, an e-mail looked up ('' for none, null for no such user). */
async function ownerId(text: string): Promise<string | null> {
  if (!text.includes('@')) return text;
  const users = ok(await api.GET('/auth/users', { params: { query: { email: text, limit: 5 } } }));
  return users.results.find((u) => u.email.toLowerCase() === text.toLowerCase())?.id ?? null;
}

/** Accounts: filter by owner, status, currency; a number goes straight to the account. */
export function AccountsPage(_: PageProps) {
  const { values, apply, key } = useFilters(['owner', 'status', 'currency']);
  const list = usePagedList(async (cursor) => {
    const owner = await ownerId(values.owner ?? '');
    if (owner === null) return { results: [], next_cursor: null };
    return ok(
        await api.GET('/admin/accounts', {
          params: {
            query: {
              ...(owner ? { owner } : {}),
              ...(values.status ? { status: values.status as AdminAccount['status'] } : {}),
              ...(values.currency ? { currency: values.currency as AdminAccount['currency'] } : {}),
              ...(cursor ? { cursor } : {}),
              limit: 25,
            },
          },
        }),
      );
  }, [key]);
  return (
    <section class="page">
      <h1>Accounts</h1>
      <FilterBar
        label="Find accounts"
        fields={[
          { name: 'owner', label: 'Account number, owner e-mail or id', type: 'search' },
          { name: 'status', label: 'Status', type: 'select', options: ['active', 'frozen', 'closed'].map((v) => ({ value: v, label: v })) },
          { name: 'currency', label: 'Currency', type: 'select', options: ['JOD', 'USD', 'EUR'].map((v) => ({ value: v, label: v })) },
        ]}
        values={values}
        onApply={(v) => (ACCOUNT_NUMBER.test(v.owner ?? '') ? navigate(`/accounts/${v.owner}`) : apply(v))}
      />
      <DataTable<AdminAccount>
        caption="Accounts"
        testId="accounts-table"
        rows={list.rows}
        rowKey={(a) => a.account_number}
        loading={list.loading}
        error={list.error}
        columns={[
          { header: 'Number', cell: (a) => <Link to={`/accounts/${a.account_number}`}>{a.account_number}</Link> },
          { header: 'Owner', cell: (a) => <Link to={`/users/${a.owner.id}`}>{a.owner.email ?? a.owner.id}</Link> },
          { header: 'Type', cell: (a) => a.type },
          { header: 'Status', cell: (a) => <span class={`status status-${a.status}`}>{a.status}</span> },
          { header: 'Balance', numeric: true, cell: (a) => formatMoney(a.balance, a.currency) },
          { header: 'Available', numeric: true, cell: (a) => formatMoney(a.available_balance, a.currency) },
        ]}
      />
      <Pager {...list} />
    </section>
  );
}
