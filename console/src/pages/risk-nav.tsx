import { SubNav } from './ops-nav.tsx';

/** The Risk section's tabs. */
export function RiskNav() {
  return <SubNav label="Risk" items={[{ to: '/risk', title: 'Incidents' }, { to: '/risk/logins', title: 'Login events' }, { to: '/risk/locks', title: 'Locked IPs and pairs' }]} />;
}

export const Severity = ({ value }: { value: string }) => <span class={`sev sev-${value}`}>{value}</span>;
export const Status = ({ value }: { value: string }) => <span class={`state-${value}`}>{value}</span>;
