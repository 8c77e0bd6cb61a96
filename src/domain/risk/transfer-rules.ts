import { formatAmount } from '../money/amount.js';
import { isCurrency, unitScale, type Currency } from '../money/currency.js';
import type { Finding, TransferFact } from './facts.js';
import { firedWithin, MAX_TRANSFERS_PER_USER, type RiskMemory } from './memory.js';
import { MINUTE_MS, type RiskThresholds } from './thresholds.js';

/**
 * Rules over customer transfers (internal and external debits; never bills or
 * deposits). Pure: they read the memory before the transfer. Amounts compare
 * in the transfer's own currency, thresholds being major units of it.
 */
export type TransferRule = (fact: TransferFact, memory: RiskMemory, t: RiskThresholds, history?: TransferHistory) => Finding | null;

const base = (f: TransferFact) => ({
  user_id: f.user_id,
  account_number: f.account_number,
  ip: null,
  transfer: { transfer_id: f.transfer_id, amount: formatAmount(f.amount, f.currency), currency: f.currency, counterparty_account: f.counterparty_account },
});

/** What the rules need from the user's earlier transfers, gathered in one pass. */
export interface TransferHistory {
  /** Transfers within the burst window. */
  burst: number;
  /** Transfers within the velocity window, and their totals per currency. */
  velocity: number;
  velocityTotals: Map<Currency, bigint>;
  /** The same account's transfers within the unusual-transfer window, and their total. */
  sameAccount: number;
  sameAccountTotal: bigint;
}

/**
 * A sum of minor units kept as decimal strings, exact: in a number while every
 * amount and partial sum is a safe integer (a user's up to 500 remembered
 * transfers are summed on every transfer: parsing and adding bigints was most
 * of that), in a bigint from the first that is not.
 */
class MinorUnits {
  private small = 0;
  private big: bigint | undefined;

  add(amount: string): void {
    if (this.big === undefined) {
      const value = Number(amount);
      const next = this.small + value;
      if (Number.isSafeInteger(value) && Number.isSafeInteger(next)) {
        this.small = next;
        return;
      }
      this.big = BigInt(this.small);
    }
    this.big += BigInt(amount);
  }

  get total(): bigint {
    return this.big ?? BigInt(this.small);
  }
}

/** Earlier means at or before the transfer and inside the window (as the rules always read it). */
export function transferHistory(f: TransferFact, m: RiskMemory, t: RiskThresholds): TransferHistory {
  const burstMs = t.burstWindowMinutes * MINUTE_MS;
  const velocityMs = t.velocityWindowMinutes * MINUTE_MS;
  const unusualMs = t.unusualWindowDays * 1440 * MINUTE_MS;
  let burst = 0;
  let velocity = 0;
  let sameAccount = 0;
  const velocitySums = new Map<Currency, MinorUnits>();
  const sameAccountSum = new MinorUnits();
  for (const x of m.transfersByUser[f.user_id] ?? []) {
    if (x.at > f.at) continue;
    const age = f.at - x.at;
    if (age < burstMs) burst++;
    if (age < velocityMs) {
      velocity++;
      if (isCurrency(x.currency)) {
        let sum = velocitySums.get(x.currency);
        if (!sum) velocitySums.set(x.currency, (sum = new MinorUnits()));
        sum.add(x.amount);
      }
    }
    if (age < unusualMs && x.account === f.account_number) {
      sameAccount++;
      sameAccountSum.add(x.amount);
    }
  }
  const velocityTotals = new Map([...velocitySums].map(([currency, sum]) => [currency, sum.total]));
  return { burst, velocity, velocityTotals, sameAccount, sameAccountTotal: sameAccountSum.total };
}

/** A single transfer at or above the large-transfer threshold. */
export const largeTransfer: TransferRule = (f, _m, t) => {
  const threshold = t.largeTransfer * unitScale(f.currency);
  if (f.amount < threshold) return null;
  const { transfer, ...who } = base(f);
  return { ...who, rule: 'large_transfer', severity: 'medium', evidence: { ...transfer, threshold: formatAmount(threshold, f.currency) } };
};

/**
 * At least `multiplier` × the average of the same account's earlier transfers
 * in the window (the current one excluded), once there is enough history.
 */
export const unusualTransfer: TransferRule = (f, m, t, h = transferHistory(f, m, t)) => {
  const earlier = h.sameAccount;
  if (earlier < t.unusualMinHistory) return null;
  const total = h.sameAccountTotal;
  // amount ≥ multiplier × total / n, without dividing.
  if (f.amount * BigInt(earlier) < BigInt(t.unusualMultiplier) * total || total === 0n) return null;
  const { transfer, ...who } = base(f);
  return {
    ...who,
    rule: 'unusual_transfer',
    severity: 'medium',
    evidence: {
      ...transfer,
      average: formatAmount(total / BigInt(earlier), f.currency),
      earlier_transfers: earlier,
      multiplier: t.unusualMultiplier,
      window_days: t.unusualWindowDays,
    },
  };
};

/** ≥ N transfers by the user within the short window; once per user per window. */
export const transferBurst: TransferRule = (f, m, t, h = transferHistory(f, m, t)) => {
  const window = t.burstWindowMinutes * MINUTE_MS;
  const count = h.burst + 1;
  if (count < t.burstCount || firedWithin(m, `transfer_burst:${f.user_id}`, f.at, window)) return null;
  const { transfer, ...who } = base(f);
  return { ...who, rule: 'transfer_burst', severity: 'medium', evidence: { ...transfer, count, window_minutes: t.burstWindowMinutes } };
};

/**
 * Within the velocity window: ≥ N transfers, or a total ≥ the amount threshold
 * in any one currency. High; critical at twice either threshold. Once per user
 * and severity per window.
 */
export const transferVelocity: TransferRule = (f, m, t, h = transferHistory(f, m, t)) => {
  const window = t.velocityWindowMinutes * MINUTE_MS;
  const count = h.velocity + 1;
  const totals = new Map<Currency, bigint>([[f.currency, f.amount]]);
  for (const [c, v] of h.velocityTotals) totals.set(c, (totals.get(c) ?? 0n) + v);
  const ratio = (c: Currency, v: bigint) => {
    const threshold = t.velocityAmount * unitScale(c);
    return v >= 2n * threshold ? 2 : v >= threshold ? 1 : 0;
  };
  let amountLevel = 0;
  for (const [c, v] of totals) amountLevel = Math.max(amountLevel, ratio(c, v));
  const countLevel = count >= t.velocityCount * 2 ? 2 : count >= t.velocityCount ? 1 : 0;
  const level = Math.max(amountLevel, countLevel);
  if (level === 0) return null;
  const severity = level === 2 ? 'critical' : 'high';
  if (firedWithin(m, `transfer_velocity:${severity}:${f.user_id}`, f.at, window)) return null;
  const { transfer, ...who } = base(f);
  return {
    ...who,
    rule: 'transfer_velocity',
    severity,
    evidence: {
      ...transfer,
      count,
      totals: Object.fromEntries([...totals].map(([c, v]) => [c, formatAmount(v, c)])),
      count_threshold: t.velocityCount,
      amount_threshold: t.velocityAmount.toString(),
      window_minutes: t.velocityWindowMinutes,
    },
  };
};

export function assessTransfer(f: TransferFact, m: RiskMemory, t: RiskThresholds): Finding[] {
  const h = transferHistory(f, m, t);
  return [largeTransfer, unusualTransfer, transferBurst, transferVelocity].map((r) => r(f, m, t, h)).filter((x): x is Finding => x !== null);
}

export function rememberTransfer(f: TransferFact, m: RiskMemory, findings: Finding[]): void {
  const list = (m.transfersByUser[f.user_id] ??= []);
  list.push({ at: f.at, account: f.account_number, currency: f.currency, amount: f.amount.toString() });
  if (list.length > MAX_TRANSFERS_PER_USER) list.splice(0, list.length - MAX_TRANSFERS_PER_USER);
  for (const finding of findings) {
    if (finding.rule === 'transfer_burst') m.lastRaised[`transfer_burst:${f.user_id}`] = f.at;
    if (finding.rule === 'transfer_velocity') m.lastRaised[`transfer_velocity:${finding.severity}:${f.user_id}`] = f.at;
  }
}
