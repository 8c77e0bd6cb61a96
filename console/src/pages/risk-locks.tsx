import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../api/client.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { DataTable, FilterBar, Pager } from '../components/DataTable.tsx';
import { useAction, usePagedList } from '../components/hooks.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { useFilters } from '../components/useFilters.ts';
import type { PageProps } from '../routes.ts';
import { given, When } from './ops-nav.tsx';
import { RiskNav } from './risk-nav.tsx';

type Lock = Schemas['Lock'];
interface Unlock { kind: 'ip' | 'pair'; ip: string; email: string | null }

/** The IPs and (email, IP) pairs locked out now, with staff unlock (the IP and its pairs, or one pair). */
export function LocksPage(_: PageProps) {
  const { values, apply, key } = useFilters(['scope', 'ip']);
  // After an unlock, the list waits until the read model has its event.
  const [minPosition, setMinPosition] = useState<string | undefined>(undefined);
  const list = usePagedList(
    async (cursor) =>
      ok(await api.GET('/risk/axes/locks', {
        params: { query: { ...(given(values) as { scope?: 'ip' | 'pair'; ip?: string }), ...(cursor ? { cursor } : {}), ...(minPosition ? { min_position: minPosition } : {}), limit: 25 } },
      })),
    [key, minPosition],
  );
  const [pending, setPending] = useState<Unlock | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const unlock = useAction(async (u: Unlock) =>
    u.kind === 'ip'
      ? ok(await api.POST('/risk/axes/unlock-ip', { body: { ip: u.ip } }))
      : ok(await api.POST('/risk/axes/unlock-pair', { body: { ip: u.ip, email: u.email ?? '' } })),
  );
  const ask = (u: Unlock) => { unlock.clearError(); setPending(u); };
  return (
    <section class="page">
      <h1>Locked IPs and pairs</h1>
      <RiskNav />
      <p>Locks in force now. Unlocking an IP also lifts the lock of every e-mail tried from it; unlocking a pair lifts only that e-mail from that IP.</p>
      <FilterBar
        label="Filter locks"
        fields={[
          { name: 'scope', label: 'Scope', type: 'select', options: [{ value: 'ip', label: 'IP' }, { value: 'pair', label: 'e-mail and IP' }] },
          { name: 'ip', label: 'IP', placeholder: '198.51.100.7' },
        ]}
        values={values}
        onApply={apply}
      />
      <ProblemAlert problem={unlock.error} />
      {result ? <div class="result" role="status">{result}</div> : null}
      <ConfirmDialog
        open={pending !== null}
        title={pending?.kind === 'ip' ? `Unlock IP ${pending.ip} and every e-mail tried from it?` : `Unlock ${pending?.email ?? ''} from ${pending?.ip ?? ''}?`}
        confirmLabel="Unlock"
        busy={unlock.busy}
        onCancel={() => setPending(null)}
        onConfirm={async () => {
          if (!pending) return;
          const done = await unlock.act(pending);
          setPending(null);
          if (done) {
            setResult(`${done.detail} LockoutCleared recorded${done.position ? ` at position ${done.position}` : ''}.`);
            if (done.position && done.position !== minPosition) setMinPosition(done.position);
            else list.reload();
          }
        }}
      />
      <DataTable<Lock>
        caption="Locks in force"
        testId="locks-table"
        rows={list.rows}
        rowKey={(l) => `${l.scope}:${l.ip ?? ''}:${l.email ?? ''}:${l.locked_at}`}
        loading={list.loading}
        error={list.error}
        empty="Nothing is locked out now."
        columns={[
          { header: 'Scope', cell: (l) => (l.scope === 'ip' ? 'IP' : 'e-mail and IP') },
          { header: 'IP', cell: (l) => l.ip ?? '—' },
          { header: 'E-mail', cell: (l) => (l.scope === 'ip' ? 'any' : l.email ?? <span title="Erased, or its sign-in attempt is not read yet">—</span>) },
          { header: 'Failures', cell: (l) => String(l.failures), numeric: true },
          { header: 'Locked', cell: (l) => <When at={l.locked_at} /> },
          { header: 'Until', cell: (l) => <When at={l.locked_until} /> },
          {
            header: 'Actions',
            cell: (l) => (l.ip ? (
              <div class="row-actions">
                {l.scope === 'pair' && l.email ? <button type="button" onClick={() => ask({ kind: 'pair', ip: l.ip!, email: l.email })}>Unlock pair</button> : null}
                <button type="button" onClick={() => ask({ kind: 'ip', ip: l.ip!, email: null })}>Unlock IP</button>
              </div>
            ) : '—'),
          },
        ]}
      />
      <Pager {...list} />
    </section>
  );
}
