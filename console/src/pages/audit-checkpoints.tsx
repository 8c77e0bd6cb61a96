import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../api/client.ts';
import { DataTable, Pager } from '../components/DataTable.tsx';
import { useAction, useLoad, usePagedList } from '../components/hooks.ts';
import { Link } from '../components/Link.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import type { PageProps } from '../routes.ts';
import { AuditNav } from './audit-nav.tsx';
import { When } from './ops-nav.tsx';

type Checkpoint = Schemas['ChainCheckpoint'];

/** Saves a signed checkpoint as the JSON file `cli verify --checkpoint` and POST /audit/verify take. */
function exportCheckpoint(c: Checkpoint): void {
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(c, null, 2)}\n`], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `checkpoint-${c.id}-position-${c.position}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Signed checkpoints of the hash chains: list, export, verify the log against one, sign one now; the keys. */
export function CheckpointsPage(_: PageProps) {
  const list = usePagedList(async (cursor) => ok(await api.GET('/audit/checkpoints', { params: { query: { ...(cursor ? { cursor } : {}), limit: 20 } } })), []);
  const keys = useLoad(async () => ok(await api.GET('/audit/checkpoints/public-key')), []);
  const [signed, setSigned] = useState<string | null>(null);
  const sign = useAction(async () => {
    const c = ok(await api.POST('/audit/checkpoints'));
    setSigned(`Checkpoint ${c.id} signed at position ${c.position} (${c.stream_count} streams, root ${c.merkle_root.slice(0, 12)}…).`);
    list.reload();
  });
  return (
    <section class="page">
      <h1>Signed checkpoints</h1>
      <AuditNav />
      <p>A checkpoint signs the Merkle root of every stream's head at a position (Ed25519). Export one and keep it outside the bank: verifying the log against it later shows whether history was rewritten.</p>
      <div class="toolbar">
        <button type="button" onClick={() => void sign.act()} disabled={sign.busy || keys.data?.signing_key === null}>{sign.busy ? 'Signing…' : 'Sign a checkpoint now'}</button>
      </div>
      {keys.data?.signing_key === null ? <p>This service signs no checkpoints (no signing key configured).</p> : null}
      <ProblemAlert problem={sign.error} />
      {signed ? <div class="result" role="status">{signed}</div> : null}
      <DataTable<Checkpoint>
        caption="Checkpoints, newest first"
        testId="checkpoints-table"
        rows={list.rows}
        rowKey={(c) => c.id ?? c.position}
        loading={list.loading}
        error={list.error}
        empty="No checkpoint signed yet."
        columns={[
          { header: 'Id', cell: (c) => c.id, numeric: true },
          { header: 'Position', cell: (c) => c.position, numeric: true },
          { header: 'Streams', cell: (c) => String(c.stream_count), numeric: true },
          { header: 'Signed', cell: (c) => <When at={c.signed_at} /> },
          { header: 'Key', cell: (c) => <span class="hash" title={c.key_id}>{c.key_id.slice(0, 12)}…</span> },
          {
            header: 'Actions',
            cell: (c) => (
              <div class="row-actions">
                <button type="button" onClick={() => exportCheckpoint(c)} aria-label={`Export checkpoint ${c.id}`}>Export JSON</button>
                <Link to={`/audit/verify?checkpoint=${c.id}`}>Verify against it</Link>
              </div>
            ),
          },
        ]}
      />
      <Pager {...list} />
      <h2>Keys</h2>
      <ProblemAlert problem={keys.error} />
      {keys.data ? (
        <dl class="facts">
          <dt>Signing key</dt>
          <dd class="hash">{keys.data.signing_key ? keys.data.signing_key.key_id : 'none'}</dd>
          <dt>Trusted keys</dt>
          <dd class="hash">{keys.data.trusted_keys.map((k) => k.key_id).join(', ') || 'none'}</dd>
        </dl>
      ) : null}
    </section>
  );
}
