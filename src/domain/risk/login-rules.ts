import type { AuthAttemptFact, Finding } from './facts.js';
import { firedWithin, type RiskMemory } from './memory.js';
import { MINUTE_MS, type RiskThresholds } from './thresholds.js';

/**
 * Rules over sign-in attempts. Each is pure: it reads the memory as it was
 * before the attempt and returns a finding or null. Counts include the
 * attempt itself.
 */
export type LoginRule = (fact: AuthAttemptFact, memory: RiskMemory, t: RiskThresholds) => Finding | null;

const isLoginFailure = (f: AuthAttemptFact) => f.attempt === 'login' && f.outcome === 'failure';
const isLoginSuccess = (f: AuthAttemptFact) => f.attempt === 'login' && f.outcome === 'success';
export const emailKey = (email: string | null): string => (email ?? '').trim().toLowerCase();
const minutesBetween = (a: number, b: number) => Math.round((b - a) / MINUTE_MS);

/** ≥ N failures for one attempted email within the window (any IP); once per email per window. */
export const bruteForce: LoginRule = (f, m, t) => {
  const email = emailKey(f.email);
  if (!isLoginFailure(f) || email === '') return null;
  const window = t.bruteForceWindowMinutes * MINUTE_MS;
  const recent = (m.failuresByEmail[email] ?? []).filter((at) => at > f.at - window).length + 1;
  if (recent < t.bruteForceFailures || firedWithin(m, `brute_force:${email}`, f.at, window)) return null;
  return {
    rule: 'brute_force',
    severity: 'high',
    user_id: f.user_id,
    account_number: null,
    ip: f.ip,
    evidence: { email, failed_attempts: recent, window_minutes: t.bruteForceWindowMinutes },
  };
};

/** From one IP within the window: ≥ N failures over ≥ K distinct emails; once per IP per window. */
export const credentialStuffing: LoginRule = (f, m, t) => {
  if (!isLoginFailure(f) || !f.ip) return null;
  const window = t.stuffingWindowMinutes * MINUTE_MS;
  const recent = (m.failuresByIp[f.ip] ?? []).filter((x) => x.at > f.at - window);
  const emails = new Set([...recent.map((x) => x.email), emailKey(f.email)].filter((e) => e !== ''));
  const attempts = recent.length + 1;
  if (attempts < t.stuffingFailures || emails.size < t.stuffingTargets) return null;
  if (firedWithin(m, `credential_stuffing:${f.ip}`, f.at, window)) return null;
  return {
    rule: 'credential_stuffing',
    severity: 'high',
    user_id: null,
    account_number: null,
    ip: f.ip,
    evidence: { attempt_count: attempts, distinct_targets: emails.size, emails: [...emails].sort().slice(0, 20), window_minutes: t.stuffingWindowMinutes },
  };
};

/**
 * A successful login from a country other than the user's previous one. An
 * unknown current country (private IP, failed lookup) proves nothing: no finding.
 */
export const newCountryLogin: LoginRule = (f, m) => {
  if (!isLoginSuccess(f) || !f.user_id || !f.country) return null;
  const last = m.lastCountry[f.user_id];
  if (!last || last.country === f.country) return null;
  return {
    rule: 'new_country_login',
    severity: 'medium',
    user_id: f.user_id,
    account_number: null,
    ip: f.ip,
    evidence: { previous_country: last.country, new_country: f.country, previous_at: new Date(last.at).toISOString() },
  };
};

/** A new-country login within the travel window of the previous one. */
export const impossibleTravel: LoginRule = (f, m, t) => {
  const moved = newCountryLogin(f, m, t);
  if (!moved || !f.user_id) return null;
  const last = m.lastCountry[f.user_id]!;
  const minutes = (f.at - last.at) / MINUTE_MS;
  if (minutes < 0 || minutes > t.impossibleTravelMinutes) return null;
  return {
    ...moved,
    rule: 'impossible_travel',
    severity: 'high',
    evidence: { ...moved.evidence, minutes_since_last_login: minutesBetween(last.at, f.at), window_minutes: t.impossibleTravelMinutes },
  };
};

/** ≥ N distinct users signing in from one IP within the window; once per IP per window. */
export const sharedIp: LoginRule = (f, m, t) => {
  if (!isLoginSuccess(f) || !f.ip || !f.user_id) return null;
  const window = t.sharedIpWindowMinutes * MINUTE_MS;
  const users = new Set((m.loginsByIp[f.ip] ?? []).filter((x) => x.at > f.at - window).map((x) => x.user_id));
  users.add(f.user_id);
  if (users.size < t.sharedIpUsers || firedWithin(m, `shared_ip:${f.ip}`, f.at, window)) return null;
  return {
    rule: 'shared_ip',
    severity: 'medium',
    user_id: null,
    account_number: null,
    ip: f.ip,
    evidence: { distinct_users: users.size, window_minutes: t.sharedIpWindowMinutes },
  };
};

/** A locked-out attempt (the lockout refused it); once per email and IP per brute-force window. */
export const lockedOut: LoginRule = (f, m, t) => {
  if (f.attempt !== 'login' || f.outcome !== 'locked') return null;
  const key = `locked_out:${emailKey(f.email)}|${f.ip ?? ''}`;
  if (firedWithin(m, key, f.at, t.bruteForceWindowMinutes * MINUTE_MS)) return null;
  return {
    rule: 'locked_out',
    severity: 'high',
    user_id: f.user_id,
    account_number: null,
    ip: f.ip,
    evidence: { email: emailKey(f.email), reason: 'Too many failed login attempts' },
  };
};

/** A refused token refresh (invalid, expired, revoked or reused); once per user or IP per window. */
export const refreshFailed: LoginRule = (f, m, t) => {
  if (f.attempt !== 'refresh' || f.outcome === 'success') return null;
  const key = `refresh_failed:${f.user_id ?? f.ip ?? ''}`;
  if (firedWithin(m, key, f.at, t.bruteForceWindowMinutes * MINUTE_MS)) return null;
  return { rule: 'refresh_failed', severity: 'medium', user_id: f.user_id, account_number: null, ip: f.ip, evidence: { user_agent: f.user_agent ?? '' } };
};

/** The key a finding is deduplicated under (must match the rule's own check). */
export function dedupeKey(finding: Finding, f: AuthAttemptFact): string | null {
  switch (finding.rule) {
    case 'brute_force':
      return `brute_force:${emailKey(f.email)}`;
    case 'credential_stuffing':
      return `credential_stuffing:${f.ip}`;
    case 'shared_ip':
      return `shared_ip:${f.ip}`;
    case 'locked_out':
      return `locked_out:${emailKey(f.email)}|${f.ip ?? ''}`;
    case 'refresh_failed':
      return `refresh_failed:${f.user_id ?? f.ip ?? ''}`;
    default:
      return null;
  }
}

/** Every login rule; impossible travel supersedes the plain new-country finding. */
export function assessAuthAttempt(f: AuthAttemptFact, m: RiskMemory, t: RiskThresholds): Finding[] {
  const found = [bruteForce, credentialStuffing, impossibleTravel, newCountryLogin, sharedIp, lockedOut, refreshFailed]
    .map((rule) => rule(f, m, t))
    .filter((x): x is Finding => x !== null);
  return found.some((x) => x.rule === 'impossible_travel') ? found.filter((x) => x.rule !== 'new_country_login') : found;
}

/** Records the attempt (and what fired) in the memory. */
export function rememberAuthAttempt(f: AuthAttemptFact, m: RiskMemory, findings: Finding[]): void {
  if (isLoginFailure(f)) {
    const email = emailKey(f.email);
    if (email !== '') (m.failuresByEmail[email] ??= []).push(f.at);
    if (f.ip) (m.failuresByIp[f.ip] ??= []).push({ at: f.at, email });
  }
  if (isLoginSuccess(f) && f.user_id) {
    if (f.ip) (m.loginsByIp[f.ip] ??= []).push({ at: f.at, user_id: f.user_id });
    if (f.country) m.lastCountry[f.user_id] = { country: f.country, at: f.at };
  }
  for (const finding of findings) {
    const key = dedupeKey(finding, f);
    if (key) m.lastRaised[key] = f.at;
  }
}
