/**
 * Rule thresholds (the reference's values by default). Amounts are in major
 * units of the transfer's own currency; windows in minutes.
 */
export interface RiskThresholds {
  bruteForceFailures: number;
  bruteForceWindowMinutes: number;
  stuffingFailures: number;
  stuffingTargets: number;
  stuffingWindowMinutes: number;
  sharedIpUsers: number;
  sharedIpWindowMinutes: number;
  impossibleTravelMinutes: number;
  largeTransfer: bigint;
  unusualMultiplier: number;
  unusualMinHistory: number;
  unusualWindowDays: number;
  burstCount: number;
  burstWindowMinutes: number;
  velocityCount: number;
  velocityAmount: bigint;
  velocityWindowMinutes: number;
}

export const DEFAULT_THRESHOLDS: RiskThresholds = {
  bruteForceFailures: 5,
  bruteForceWindowMinutes: 10,
  stuffingFailures: 5,
  stuffingTargets: 3,
  stuffingWindowMinutes: 10,
  sharedIpUsers: 5,
  sharedIpWindowMinutes: 60,
  impossibleTravelMinutes: 60,
  largeTransfer: 10_000n,
  unusualMultiplier: 5,
  unusualMinHistory: 3,
  unusualWindowDays: 30,
  burstCount: 5,
  burstWindowMinutes: 5,
  velocityCount: 10,
  velocityAmount: 50_000n,
  velocityWindowMinutes: 15,
};

export const MINUTE_MS = 60_000;
