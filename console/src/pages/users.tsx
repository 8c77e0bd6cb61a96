import { api, ok, type Schemas } from '../api/client.ts';
import { DataTable, FilterBar, Pager } from '../components/DataTable.tsx';
import { usePagedList } from '../components/hooks.ts';
import { Link } from '../components/Link.tsx';
import { useFilters } from '../components/useFilters.ts';
import { navigate } from '../router.ts';
import type { PageProps } from '../routes.ts';

export { UserDetailPage } from './user-detail.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type User = Schemas['User'];

/** Users, newest first: search by e-mail (or go straight to a user by id). */
export function UsersPage(_: PageProps) {
  const { values, apply, key } = useFilters(['q']);
  const q = values.q ?? '';
  const list = usePagedList(
    async (cursor) => ok(await api.GET('/auth/users', { params: { query: { ...(q && !UUID.test(q) ? { email: q } : {}), ...(cursor ? { cursor } : {}), limit: 25 } } })),
    [key],
  );
  return (
    <section class="page">
      <h1>Users</h1>
      <FilterBar
        label="Find users"
        fields={[{ name: 'q', label: 'E-mail or user id', type: 'search', placeholder: 'alice@example.com' }]}
        values={values}
        onApply={(v) => (UUID.test(v.q ?? '') ? navigate(`/users/${v.q}`) : apply(v))}
      />
      <DataTable<User>
        caption="Users"
        testId="users-table"
        rows={list.rows}
        rowKey={(u) => u.id}
        loading={list.loading}
        error={list.error}
        columns={[
          { header: 'E-mail', cell: (u) => <Link to={`/users/${u.id}`}>{u.email}</Link> },
          { header: 'Name', cell: (u) => `${u.first_name} ${u.last_name}`.trim() || '—' },
          { header: 'Country', cell: (u) => u.country || '—' },
          { header: 'Role', cell: (u) => (u.is_staff ? 'staff' : 'customer') },
          { header: 'Status', cell: (u) => (u.is_active ? 'active' : 'inactive') },
          { header: 'Joined', cell: (u) => new Date(u.date_joined).toLocaleDateString() },
        ]}
      />
      <Pager {...list} />
    </section>
  );
}
