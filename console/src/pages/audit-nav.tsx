import { SubNav } from './ops-nav.tsx';

/** The Audit section's tabs (read-only views for auditors; staff see them too). */
export function AuditNav() {
  return (
    <SubNav
      label="Audit"
      items={[
        { to: '/audit', title: 'Event log' },
        { to: '/audit/verify', title: 'Verify chains' },
        { to: '/audit/balance', title: 'Balance as of' },
        { to: '/audit/checkpoints', title: 'Checkpoints' },
        { to: '/audit/projections', title: 'Projections' },
      ]}
    />
  );
}

export const REDACTION_NOTE = 'Personal fields show as they are now: opened, or "redacted" once their owner was erased. Credential material is never shown.';
