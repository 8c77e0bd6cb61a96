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
export type TransferRule = (fact: TransferFact, memory: RiskMemory, t: RiskThresholds) => Finding | null;

const base = (f: TransferFact) => ({
  user_id: f.user_id,
  account_number: f.account_number,
  ip: null,
  transfer: { transfer_id: f.transfer_id, amount: formatAmount(f.amount, f.currency), currency: f.currency, counterparty_account: f.counterparty_account },
});

const history = (f: TransferFact, m: RiskMemory, windowMs: number) =>
  (m.transfersByUser[f.user_id] ?? []).filter((x) => x.at > f.at - windowMs && x.at <= f.at);

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
export const unusualTransfer: TransferRule = (f, m, t) => {
  const earlier = history(f, m, t.unusualWindowDays * 1440 * MINUTE_MS).filter((x) => x.account === f.account_number);
  if (earlier.length < t.unusualMinHistory) return null;
  const total = earlier.reduce((s, x) => s + BigInt(x.amount), 0n);
  // amount ≥ multiplier × total / n, without dividing.
  if (f.amount * BigInt(earlier.length) < BigInt(t.unusualMultiplier) * total || total === 0n) return null;
  const { transfer, ...who } = base(f);
  return {
    ...who,
    rule: 'unusual_transfer',
    severity: 'medium',
    evidence: {
      ...transfer,
      average: formatAmount(total / BigInt(earlier.length), f.currency),
      earlier_transfers: earlier.length,
      multiplier: t.unusualMultiplier,
      window_days: t.unusualWindowDays,
    },
  };
};

/** ≥ N transfers by the user within the short window; once per user per window. */
export const transferBurst: TransferRule = (f, m, t) => {
  const window = t.burstWindowMinutes * MINUTE_MS;
  const count = history(f, m, window).length + 1;
  if (count < t.burstCount || firedWithin(m, `transfer_burst:${f.user_id}`, f.at, window)) return null;
  const { transfer, ...who } = base(f);
  return { ...who, rule: 'transfer_burst', severity: 'medium', evidence: { ...transfer, count, window_minutes: t.burstWindowMinutes } };
};

/**
 * Within the velocity window: ≥ N transfers, or a total ≥ the amount threshold
 * in any one currency. High; critical at twice either threshold. Once per user
 * and severity per window.
 */
export const transferVelocity: TransferRule = (f, m, t) => {
  const window = t.velocityWindowMinutes * MINUTE_MS;
  const recent = history(f, m, window);
  const count = recent.length + 1;
  const totals = new Map<Currency, bigint>([[f.currency, f.amount]]);
  for (const x of recent) if (isCurrency(x.currency)) totals.set(x.currency, (totals.get(x.currency) ?? 0n) + BigInt(x.amount));
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
  return [largeTransfer, unusualTransfer, transferBurst, transferVelocity].map((r) => r(f, m, t)).filter((x): x is Finding => x !== null);
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
