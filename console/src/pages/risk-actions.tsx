import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../api/client.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { useAction } from '../components/hooks.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';

type Incident = Schemas['Incident'];
type Step = 'acknowledged' | 'resolved';

/** open → acknowledged → resolved, or open → resolved (src/domain/risk/decider.ts). */
export const nextSteps = (status: string): Step[] => (status === 'open' ? ['acknowledged', 'resolved'] : status === 'acknowledged' ? ['resolved'] : []);
const verb = (s: Step) => (s === 'acknowledged' ? 'Acknowledge' : 'Resolve');

/**
 * The incident workflow: a button per next step, one confirmation dialog (with a
 * note) for the page, the resulting event shown, the problem shown on refusal.
 */
export function useIncidentWorkflow(onDone: (position: string) => void) {
  const [pending, setPending] = useState<{ incident: Incident; step: Step } | null>(null);
  const [note, setNote] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const action = useAction(async (id: string, status: Step, text: string) =>
    ok(await api.PATCH('/risk/incidents/{id}', { params: { path: { id } }, body: { status, ...(text ? { note: text } : {}) } })),
  );

  const buttons = (incident: Incident) => (
    <div class="row-actions">
      {nextSteps(incident.status).map((step) => (
        <button type="button" onClick={() => { action.clearError(); setNote(''); setPending({ incident, step }); }} aria-label={`${verb(step)} incident ${incident.rule} raised ${incident.raised_at}`}>
          {verb(step)}
        </button>
      ))}
    </div>
  );

  const dialog = (
    <>
      <ProblemAlert problem={action.error} />
      {result ? <div class="result" role="status">{result}</div> : null}
      <ConfirmDialog
        open={pending !== null}
        title={pending ? `${verb(pending.step)} this ${pending.incident.severity} ${pending.incident.rule} incident?` : ''}
        confirmLabel={pending ? verb(pending.step) : 'OK'}
        busy={action.busy}
        onCancel={() => setPending(null)}
        onConfirm={async () => {
          if (!pending) return;
          const done = await action.act(pending.incident.id, pending.step, note.trim());
          setPending(null);
          if (done) {
            setResult(`Incident ${done.status}: ${done.status === 'resolved' ? 'IncidentResolved' : 'IncidentAcknowledged'} recorded at position ${done.position}.`);
            onDone(done.position ?? '0');
          }
        }}
      >
        <label>
          <span>Note (optional, kept with the incident)</span>
          <textarea name="note" maxLength={1000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </label>
      </ConfirmDialog>
    </>
  );
  return { buttons, dialog };
}
