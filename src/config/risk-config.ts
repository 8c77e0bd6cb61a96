import { DEFAULT_THRESHOLDS, type RiskThresholds } from '../domain/risk/thresholds.js';
import { ConfigError, ConfigProblems } from './config.js';

/** The risk engine's settings (listed in .env.example); a bad value stops the start naming the variable. */
export interface RiskConfig {
  /** Critical findings about an account freeze it (FreezeAccount by system:risk). */
  autoFreeze: boolean;
  thresholds: RiskThresholds;
}

type Env = Record<string, string | undefined>;

function count(env: Env, name: string, fallback: number, max = 100_000): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw new ConfigError(`${name} must be a whole number from 1 to ${max}, got "${raw}"`);
  return Number(raw);
}

function major(env: Env, name: string, fallback: bigint): bigint {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9]\d{0,12}$/.test(raw)) throw new ConfigError(`${name} must be a whole amount in major units, got "${raw}"`);
  return BigInt(raw);
}

function flag(env: Env, name: string): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return false;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

export function loadRiskConfig(env: Env = process.env): RiskConfig {
  const d = DEFAULT_THRESHOLDS;
  const c = new ConfigProblems();
  return c.done({
    autoFreeze: c.take(() => flag(env, 'RISK_AUTO_FREEZE')),
    thresholds: {
      bruteForceFailures: c.take(() => count(env, 'RISK_BRUTE_FORCE_FAILURES', d.bruteForceFailures)),
      bruteForceWindowMinutes: c.take(() => count(env, 'RISK_BRUTE_FORCE_WINDOW_MINUTES', d.bruteForceWindowMinutes)),
      stuffingFailures: c.take(() => count(env, 'RISK_STUFFING_FAILURES', d.stuffingFailures)),
      stuffingTargets: c.take(() => count(env, 'RISK_STUFFING_TARGETS', d.stuffingTargets)),
      stuffingWindowMinutes: c.take(() => count(env, 'RISK_STUFFING_WINDOW_MINUTES', d.stuffingWindowMinutes)),
      sharedIpUsers: c.take(() => count(env, 'RISK_SHARED_IP_USERS', d.sharedIpUsers)),
      sharedIpWindowMinutes: c.take(() => count(env, 'RISK_SHARED_IP_WINDOW_MINUTES', d.sharedIpWindowMinutes)),
      impossibleTravelMinutes: c.take(() => count(env, 'RISK_IMPOSSIBLE_TRAVEL_MINUTES', d.impossibleTravelMinutes)),
      largeTransfer: c.take(() => major(env, 'RISK_LARGE_TRANSFER_AMOUNT', d.largeTransfer)),
      unusualMultiplier: c.take(() => count(env, 'RISK_UNUSUAL_MULTIPLIER', d.unusualMultiplier, 1000)),
      unusualMinHistory: c.take(() => count(env, 'RISK_UNUSUAL_MIN_HISTORY', d.unusualMinHistory, 1000)),
      unusualWindowDays: c.take(() => count(env, 'RISK_UNUSUAL_WINDOW_DAYS', d.unusualWindowDays, 365)),
      burstCount: c.take(() => count(env, 'RISK_BURST_COUNT', d.burstCount)),
      burstWindowMinutes: c.take(() => count(env, 'RISK_BURST_WINDOW_MINUTES', d.burstWindowMinutes)),
      velocityCount: c.take(() => count(env, 'RISK_VELOCITY_COUNT', d.velocityCount)),
      velocityAmount: c.take(() => major(env, 'RISK_VELOCITY_AMOUNT', d.velocityAmount)),
      velocityWindowMinutes: c.take(() => count(env, 'RISK_VELOCITY_WINDOW_MINUTES', d.velocityWindowMinutes)),
    },
  });
}
