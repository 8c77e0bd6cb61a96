import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../api/client.ts';
import { Pager } from '../components/DataTable.tsx';
import { useAction, usePagedList } from '../components/hooks.ts';
import { Link } from '../components/Link.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import type { PageProps } from '../routes.ts';
import { AuditNav, REDACTION_NOTE } from './audit-nav.tsx';
import { EventCard } from './audit-event.tsx';
import { VerifyResult } from './audit-verify.tsx';

/** One stream in revision order: each event's chain link to the one before, and a check of the stream's chain. */
export function StreamPage({ params }: PageProps) {
  const stream = params.id ?? '';
  const list = usePagedList(
    async (cursor) => ok(await api.GET('/audit/streams/{stream_id}', { params: { path: { stream_id: stream }, query: { ...(cursor ? { cursor } : {}), limit: 20 } } })),
    [stream],
  );
  const [report, setReport] = useState<Schemas['VerifyReport'] | undefined>(undefined);
  const verify = useAction(async () => setReport(ok(await api.GET('/audit/verify', { params: { query: { stream_id: stream } } }))));
  const account = /^account-(\d+)$/.exec(stream)?.[1];
  return (
    <section class="page">
      <h1>Stream {stream}</h1>
      <AuditNav />
      <p>{REDACTION_NOTE}</p>
      <div class="toolbar">
        <button type="button" class="primary" onClick={() => void verify.act()} disabled={verify.busy}>{verify.busy ? 'Verifying…' : 'Verify this stream'}</button>
        {account ? <Link to={`/audit/balance?account=${account}`}>Balance of account {account} as of…</Link> : null}
      </div>
      <ProblemAlert problem={verify.error} />
      <VerifyResult report={report} />
      <ProblemAlert problem={list.error} />
      {list.loading ? <p role="status">Loading…</p> : null}
      <ol class="events" aria-label="Events in revision order">
        {list.rows.map((e, i) => <EventCard event={e} previous={list.rows[i - 1]} showStream={false} />)}
      </ol>
      <Pager {...list} />
    </section>
  );
}
