import type { Finding, SecurityHitFact } from './facts.js';

const RULES = {
  blacklisted_ip: { rule: 'blacklisted_ip', severity: 'high' },
  bad_api_key: { rule: 'bad_api_key', severity: 'high' },
  rate_limited: { rule: 'throttled', severity: 'medium' },
} as const;

/** Shows only enough of a presented secret to tell keys apart. */
export const redact = (key: string): string => (key.length <= 4 ? '****' : `${key.slice(0, 4)}…(${key.length})`);

/**
 * One finding per aggregated hit record (the security layer already folds a
 * window's hits into one event, so an attack cannot flood the incidents).
 */
export function assessSecurityHit(f: SecurityHitFact): Finding[] {
  const kind = RULES[f.hit];
  if (!kind || f.count < 1) return [];
  return [{
    rule: kind.rule,
    severity: kind.severity,
    user_id: null,
    account_number: null,
    ip: f.ip,
    evidence: {
      scope: f.scope,
      key: f.hit === 'bad_api_key' ? redact(f.key) : f.key,
      count: f.count,
      window_start: f.window_start,
      window_end: f.window_end,
    },
  }];
}
