import { formatAmount } from '../../domain/money/amount.js';
import type { Currency } from '../../domain/money/currency.js';

/** The wording of each notification; amounts in the account's own currency. */
const money = (minor: string, currency: Currency) => `${formatAmount(BigInt(minor), currency)} ${currency}`;

export const messages = {
  received: (amount: string, currency: Currency, from: string) => `Received ${money(amount, currency)} from account ${from}.`,
  deposited: (amount: string, currency: Currency, to: string) => `Deposit of ${money(amount, currency)} to account ${to}.`,
  sent(amount: string, fee: string, currency: Currency, to: string, bill: boolean): string {
    const what = bill ? `Paid ${money(amount, currency)} to biller account ${to}` : `Sent ${money(amount, currency)} to account ${to}`;
    return BigInt(fee) > 0n ? `${what} (fee ${money(fee, currency)}).` : `${what}.`;
  },
  reversed: (amount: string, currency: Currency, account: string) =>
    `${money(amount, currency)} returned to account ${account}: the transfer could not be completed.`,
  frozen: (account: string) => `Account ${account} was frozen.`,
  unfrozen: (account: string) => `Account ${account} was unfrozen.`,
  cardBlocked: (last4: string) => `Card ending ${last4} was blocked.`,
  criticalIncident(rule: string, userId: string | undefined, account: string | undefined): string {
    const about = [userId ? `user ${userId}` : '', account ? `account ${account}` : ''].filter((x) => x !== '').join(', ');
    return `Critical incident: ${rule}${about ? ` (${about})` : ''}.`;
  },
  userBlocked: (userId: string) => `User ${userId} was blocked.`,
};
