import { useState } from 'preact/hooks';
import type { Problem } from '../api/client.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

/** A staff action's confirmation, with the optional reason that goes into its audit incident. */
export function ReasonDialog(props: {
  open: boolean;
  title: string;
  message: string;
  confirmLabel: string;
  busy: boolean;
  problem: Problem | null;
  danger?: boolean;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState('');
  return (
    <ConfirmDialog
      open={props.open}
      title={props.title}
      confirmLabel={props.confirmLabel}
      busy={props.busy}
      danger={props.danger}
      onConfirm={() => props.onConfirm(reason.trim())}
      onCancel={() => {
        setReason('');
        props.onCancel();
      }}
    >
      <p>{props.message}</p>
      <label>
        <span>Reason (recorded with the action)</span>
        <input name="reason" maxLength={200} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
      <ProblemAlert problem={props.problem} />
    </ConfirmDialog>
  );
}
