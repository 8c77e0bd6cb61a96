import type { CompletedTransfer } from '../../commands/transfers/transfer-outcome.js';
import type { FxApplied } from '../../domain/accounts/events.js';
import { formatAmount } from '../../domain/money/amount.js';
import { assertCurrency, type Currency } from '../../domain/money/currency.js';
import type { TransferRow } from '../../projections/transfers/transfer-queries.js';
import type { components } from '../generated/openapi.js';

type Schemas = components['schemas'];
type TransferView = Schemas['Transfer'];

/** The stored conversion with its amounts as decimals: source in the sender's currency, result in the receiver's. */
function fxView(fx: FxApplied | Record<string, string> | null, credited: bigint): Schemas['TransferFx'] | null {
  if (!fx) return null;
  const from = assertCurrency(String(fx.from));
  const to = assertCurrency(String(fx.to));
  return {
    from,
    to,
    rate: String(fx.rate),
    rate_numerator: String(fx.rate_numerator),
    rate_denominator: String(fx.rate_denominator),
    rounding: 'half_even',
    source_amount: formatAmount(BigInt(String(fx.source_amount)), from),
    converted_amount: formatAmount(credited, to),
  };
}

const orNull = (v: bigint | null | undefined, c: Currency) => (v === null || v === undefined ? null : formatAmount(v, c));

/*
 * One name per field: the amount the receiver gets is `credit_amount` in the
 * stored events (AccountDebited, TransferRequested, BillPaid), the commands and
 * the bills API. Only the published transfers API (openapi/transfers.yaml) and
 * the transfers read model it is served from say `credited_amount`; this file
 * is where the one becomes the other.
 */

/** The response of a transfer whose money moved (POST, confirm). */
export function completedView(t: CompletedTransfer): Schemas['TransferResult'] {
  const transfer: TransferView = {
    id: t.id,
    kind: t.kind,
    status: t.status,
    sender_account: t.sender_account,
    receiver_account: t.receiver_account,
    amount: formatAmount(t.amount, t.currency),
    fee: formatAmount(t.fee, t.currency),
    currency: t.currency,
    credited_amount: formatAmount(t.credit_amount, t.receiver_currency),
    receiver_currency: t.receiver_currency,
    fx: fxView(t.fx, t.credit_amount),
    created_at: t.created_at.toISOString(),
    sender_balance_after: formatAmount(t.sender_balance_after, t.currency),
    receiver_balance_after: orNull(t.receiver_balance_after, t.receiver_currency),
  };
  return {
    status: 'completed',
    transfer,
    sender_balance_after: formatAmount(t.sender_balance_after, t.currency),
    receiver_balance_after: orNull(t.receiver_balance_after, t.receiver_currency),
    position: t.position.toString(),
  };
}

/** A list row; the receiver's balance only when the caller owns the receiving account. */
export function rowView(r: TransferRow): TransferView {
  const currency = assertCurrency(r.currency);
  const receiverCurrency = assertCurrency(r.receiver_currency);
  const credited = BigInt(r.credited_amount);
  return {
    id: r.transfer_id,
    kind: r.kind as TransferView['kind'],
    status: r.status as TransferView['status'],
    sender_account: r.sender_account,
    receiver_account: r.receiver_account,
    amount: formatAmount(BigInt(r.amount), currency),
    fee: formatAmount(BigInt(r.fee), currency),
    currency,
    credited_amount: formatAmount(credited, receiverCurrency),
    receiver_currency: receiverCurrency,
    fx: fxView(r.fx, credited),
    created_at: new Date(r.created_at).toISOString(),
    sender_balance_after: r.sender_balance_after === null ? null : formatAmount(BigInt(r.sender_balance_after), currency),
    receiver_balance_after: r.receiver_owned && r.receiver_balance_after !== null ? formatAmount(BigInt(r.receiver_balance_after), receiverCurrency) : null,
    attempts_left: r.attempts_left,
    failure_code: r.failure_code,
  };
}
