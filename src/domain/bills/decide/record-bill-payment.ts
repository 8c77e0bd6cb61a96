import type { CommandOf } from '../../shared/decider.js';
import { DomainError } from '../../shared/domain-error.js';
import type { BillCommand } from '../commands.js';
import type { BillEvent } from '../events.js';
import type { BillState } from '../state.js';

/** JSON with sorted keys: a stored event may come back with its keys reordered. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

const sameJson = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/**
 * Records a paid bill once. Recording the same payment again (a retry) adds
 * nothing; another payment under the same id is a conflict.
 */
export function recordBillPayment(command: CommandOf<BillCommand, 'RecordBillPayment'>, state: BillState): BillEvent[] {
  if (state.exists) {
    if (sameJson(state.payment, command.payment)) return [];
    throw new DomainError('bill_exists', 'A different bill payment already has this id.', 409);
  }
  return [{ type: 'BillPaid', data: command.payment }];
}
