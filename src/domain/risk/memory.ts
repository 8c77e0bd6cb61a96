import { MINUTE_MS, type RiskThresholds } from './thresholds.js';

/**
 * The little history the rules need, kept by the risk process and saved with
 * its checkpoint (so it is plain JSON). Times are epoch milliseconds.
 */
export interface RiskMemory {
  /** Failed logins per attempted email (lower-cased). */
  failuresByEmail: Record<string, number[]>;
  /** Failed logins per IP, with the email tried. */
  failuresByIp: Record<string, { at: number; email: string }[]>;
  /** Successful logins per IP, with the user. */
  loginsByIp: Record<string, { at: number; user_id: string }[]>;
  /** Each user's latest successful login that had a country. */
  lastCountry: Record<string, { country: string; at: number }>;
  /** Each user's recent transfers (all accounts). Amounts are minor units as strings. */
  transfersByUser: Record<string, { at: number; account: string; currency: string; amount: string }[]>;
  /** Dedupe: when a rule last fired for a key (`rule:key`). */
  lastRaised: Record<string, number>;
}

export const emptyMemory = (): RiskMemory => ({
  failuresByEmail: {},
  failuresByIp: {},
  loginsByIp: {},
  lastCountry: {},
  transfersByUser: {},
  lastRaised: {},
});

/** Most transfers kept per user (oldest dropped first). */
export const MAX_TRANSFERS_PER_USER = 500;

function pruneLists<T>(map: Record<string, T[]>, keep: (item: T) => boolean): void {
  for (const [key, list] of Object.entries(map)) {
    const kept = list.filter(keep);
    if (kept.length === 0) delete map[key];
    // A list with nothing to drop stays the same array (its store sees it unchanged without reading it).
    else if (kept.length < list.length) map[key] = kept;
  }
}

/** Drops everything older than any rule still looks at, as of `now`. */
export function pruneMemory(memory: RiskMemory, now: number, t: RiskThresholds): void {
  const loginWindow = Math.max(t.bruteForceWindowMinutes, t.stuffingWindowMinutes) * MINUTE_MS;
  pruneLists(memory.failuresByEmail, (at) => at > now - loginWindow);
  pruneLists(memory.failuresByIp, (f) => f.at > now - loginWindow);
  pruneLists(memory.loginsByIp, (l) => l.at > now - t.sharedIpWindowMinutes * MINUTE_MS);
  const transferWindow = Math.max(t.unusualWindowDays * 1440, t.velocityWindowMinutes, t.burstWindowMinutes) * MINUTE_MS;
  pruneLists(memory.transfersByUser, (x) => x.at > now - transferWindow);
  const dedupeWindow = Math.max(loginWindow, t.sharedIpWindowMinutes * MINUTE_MS, t.velocityWindowMinutes * MINUTE_MS);
  for (const [key, at] of Object.entries(memory.lastRaised)) if (at <= now - dedupeWindow) delete memory.lastRaised[key];
}

/** True when `rule:key` fired less than `windowMs` before `now`. */
export const firedWithin = (memory: RiskMemory, key: string, now: number, windowMs: number): boolean => {
  const at = memory.lastRaised[key];
  return at !== undefined && now - at < windowMs;
};
