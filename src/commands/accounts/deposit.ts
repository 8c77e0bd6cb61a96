import { DomainError } from '../../domain/shared/domain-error.js';
import type { EventStore } from '../../eventstore/port.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import type { CommandContext } from '../shared/command-context.js';
import { moveMoney, type Moved } from '../transfers/move-money.js';
import { accountAggregate, accountStream } from './account-aggregate.js';
import { bankCashAccount } from './account-numbers.js';
import { accountFrozen, assertOpenForUse } from '../../domain/accounts/errors.js';

/**
 * A staff deposit: money entering the bank is taken from the bank's cash
 * account of the currency (which goes below zero), so balances always sum to
 * zero per currency and the books balance.
 */
export async function deposit(
  repo: AggregateRepository,
  store: EventStore,
  ctx: CommandContext,
  input: { deposit_id: string; account_number: string; amount: bigint },
): Promise<Moved> {
  const { state } = await repo.load(accountAggregate, accountStream(input.account_number));
  if (!state.exists || state.owner_id === 'bank') throw new DomainError('account_not_found', 'Account not found.', 404);
  assertOpenForUse(state);
  if (input.amount <= 0n) throw new DomainError('invalid_amount', 'Amount must be greater than zero.', 400);
  const moved = await moveMoney(repo, store, ctx, {
    transfer_id: input.deposit_id,
    kind: 'deposit',
    from: bankCashAccount(state.currency),
    to: input.account_number,
    amount: input.amount,
    fee: 0n,
    fee_account: null,
    credit_amount: input.amount,
    fx: null,
  });
  // Frozen after the check above: the credit was refused and the bank's cash given back.
  if (moved.settlement.reversal) throw accountFrozen(state.account_number, { deposit_id: input.deposit_id, transfer_status: 'reversed' });
  return moved;
}
