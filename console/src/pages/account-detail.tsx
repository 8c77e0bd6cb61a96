import type { PageProps } from '../routes.ts';

/** One account: statement with holds, freeze/unfreeze, staff deposit. */
export function AccountDetailPage({ params }: PageProps) {
  return (
    <section class="page">
      <h1>Account {params.number}</h1>
    </section>
  );
}
