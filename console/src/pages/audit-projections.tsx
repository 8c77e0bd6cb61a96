import { useEffect, useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../api/client.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { useAction, useLoad } from '../components/hooks.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import type { PageProps } from '../routes.ts';
import { AuditNav } from './audit-nav.tsx';
import { When } from './ops-nav.tsx';

type Projection = Schemas['ProjectionStatus'];

/** Progress of a running rebuild (position reached of the target), or the last one's outcome. */
function Progress({ p }: { p: Projection }) {
  if (p.rebuild) {
    const target = Number(p.rebuild.target) || 1;
    const at = Math.min(Number(p.rebuild.position), target);
    return (
      <span>
        <progress max={target} value={at} aria-label={`Rebuild of ${p.name}`} /> {Math.floor((at / target) * 100)}% ({p.rebuild.events} events)
      </span>
    );
  }
  const last = p.last_rebuild;
  if (!last) return <>never rebuilt</>;
  return <>last rebuild {last.state}{last.finished_at ? <>, <When at={last.finished_at} /></> : null}{last.error ? `: ${last.error}` : ''}</>;
}

/** The read models: checkpoint, lag behind the log, state; rebuild one from position 0 and watch its progress. */
export function ProjectionsPage(_: PageProps) {
  const status = useLoad(async () => ok(await api.GET('/audit/projections')), []);
  const running = status.data?.projections.some((p) => p.rebuild !== null || p.state !== 'live') ?? false;
  // Poll while a rebuild runs (every second), else every 5 s for the lag.
  useEffect(() => {
    const t = setTimeout(status.reload, running ? 1000 : 5000);
    return () => clearTimeout(t);
  }, [status.data, running]);
  const [pending, setPending] = useState<string | null>(null);
  const [started, setStarted] = useState<string | null>(null);
  const rebuild = useAction(async (name: string) => ok(await api.POST('/audit/projections/{name}/rebuild', { params: { path: { name } } })));
  return (
    <section class="page">
      <h1>Projections</h1>
      <AuditNav />
      <p>
        Head of the log: position {status.data?.head_position ?? '…'}.
        {status.data?.last_error ? <span class="chain-break"> Last projector error: {status.data.last_error.message}</span> : null}
      </p>
      <ProblemAlert problem={rebuild.error} />
      {started ? <div class="result" role="status">{started}</div> : null}
      <ConfirmDialog
        open={pending !== null}
        title={`Rebuild ${pending ?? ''} from position 0?`}
        confirmLabel="Rebuild"
        busy={rebuild.busy}
        onCancel={() => setPending(null)}
        onConfirm={async () => {
          if (!pending) return;
          const p = await rebuild.act(pending);
          setPending(null);
          if (p) {
            setStarted(`Rebuild of ${p.name} started; the live tables keep serving until the rebuilt ones are swapped in.`);
            status.reload();
          }
        }}
      >
        <p>The read model is built again from every event into fresh tables, then swapped in.</p>
      </ConfirmDialog>
      <DataTable<Projection>
        caption="Read models"
        testId="projections-table"
        rows={status.data?.projections ?? []}
        rowKey={(p) => p.name}
        loading={status.loading && !status.data}
        error={status.error}
        columns={[
          { header: 'Name', cell: (p) => p.name },
          { header: 'Version', cell: (p) => String(p.version), numeric: true },
          { header: 'Checkpoint', cell: (p) => p.position, numeric: true },
          { header: 'Lag', cell: (p) => <span class={p.lag === '0' ? undefined : 'mismatch'}>{p.lag}</span>, numeric: true },
          { header: 'State', cell: (p) => p.state },
          { header: 'Rebuild', cell: (p) => <Progress p={p} /> },
          {
            header: 'Actions',
            cell: (p) => (
              <button type="button" disabled={p.state !== 'live'} onClick={() => { rebuild.clearError(); setPending(p.name); }} aria-label={`Rebuild ${p.name}`}>
                Rebuild
              </button>
            ),
          },
        ]}
      />
    </section>
  );
}
