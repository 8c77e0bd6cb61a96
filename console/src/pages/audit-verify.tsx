import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../api/client.ts';
import { useAction } from '../components/hooks.ts';
import { Link } from '../components/Link.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { useFilters } from '../components/useFilters.ts';
import type { PageProps } from '../routes.ts';
import { AuditNav } from './audit-nav.tsx';

type Report = Schemas['VerifyReport'];

/** A verification's verdict: chains intact or each break, and the signed checkpoint it was held against. */
export function VerifyResult({ report }: { report: Report | undefined }) {
  if (!report) return null;
  const cp = report.checkpoint;
  return (
    <div class={`verdict ${report.ok ? 'verdict-ok' : 'verdict-bad'}`} role="status" data-testid="verify-result">
      <strong>{report.ok ? 'Chains intact' : `Chains broken: ${report.break_count} break${report.break_count === 1 ? '' : 's'}`}</strong>
      <p>
        {report.scope === 'stream' ? `Stream ${report.stream_id}: ` : ''}
        {report.events_checked} events in {report.streams_checked} stream{report.streams_checked === 1 ? '' : 's'} checked, up to position {report.head_position}.
      </p>
      {report.breaks.length > 0 ? (
        <ul>
          {report.breaks.map((b) => (
            <li class="chain-break">
              <Link to={`/audit/streams/${encodeURIComponent(b.stream_id)}`}>{b.stream_id}</Link> revision {b.revision}: {b.kind.replaceAll('_', ' ')}: {b.detail}
            </li>
          ))}
          {report.breaks_truncated ? <li>… and more (list cut).</li> : null}
        </ul>
      ) : null}
      {cp ? (
        <p>
          Signed checkpoint {cp.id ?? '(sent)'} at position {cp.position}: {cp.ok ? 'matches the log' : 'does not match'}; signature {cp.signature_valid ? 'valid' : 'not valid'}
          {cp.key_source ? ` (${cp.key_source} key)` : ''}.
          {cp.problems.map((p) => <span class="chain-break"> {p.detail}</span>)}
        </p>
      ) : report.scope === 'all' ? (
        <p>No signed checkpoint was checked (none stored, or no key trusted).</p>
      ) : null}
    </div>
  );
}

/** Verify the hash chains: the whole log (against a stored signed checkpoint), or one stream. */
export function VerifyPage(_: PageProps) {
  const { values } = useFilters(['stream_id', 'checkpoint']);
  const [report, setReport] = useState<Report | undefined>(undefined);
  const verify = useAction(async (streamId: string, checkpoint: string) => {
    setReport(undefined);
    setReport(ok(await api.GET('/audit/verify', { params: { query: { ...(streamId ? { stream_id: streamId } : {}), ...(checkpoint ? { checkpoint } : {}) } } })));
  });
  return (
    <section class="page">
      <h1>Verify chains</h1>
      <AuditNav />
      <p>Every event's hash covers its content and the hash of the event before it in its stream. Verification recomputes them all from the stored bytes.</p>
      <form
        class="inline-form"
        aria-label="Verify"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          void verify.act(String(data.get('stream_id') ?? '').trim(), String(data.get('checkpoint') ?? '').trim());
        }}
      >
        <label>
          <span>Stream id (empty: every stream)</span>
          <input name="stream_id" value={values.stream_id ?? ''} placeholder="account-100000000017" />
        </label>
        <label>
          <span>Checkpoint id (empty: the latest)</span>
          <input name="checkpoint" value={values.checkpoint ?? ''} placeholder="latest" />
        </label>
        <button type="submit" class="primary" disabled={verify.busy}>{verify.busy ? 'Verifying…' : 'Verify'}</button>
      </form>
      {verify.busy ? <p role="status">Verifying…</p> : null}
      <ProblemAlert problem={verify.error} />
      <VerifyResult report={report} />
    </section>
  );
}
