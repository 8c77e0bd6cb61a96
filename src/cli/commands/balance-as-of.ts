import { accountBalanceAsOf } from '../../audit/account-balance.js';
import { parseAsOf } from '../../domain/audit/as-of.js';
import { formatAmount } from '../../domain/money/amount.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { CliError, requiredFlag, UsageError, type CliCommand } from '../command.js';
import { withInfrastructure } from '../infrastructure.js';

export const balanceAsOfCommand: CliCommand = {
  name: 'balance-as-of',
  summary: "An account's balance at a position or an instant, replayed from its stream",
  usage: 'balance-as-of --account ACCOUNT_NUMBER [--as-of POSITION|ISO_DATETIME]',
  options: {
    account: { type: 'string', value: 'ACCOUNT_NUMBER', description: 'the account (required)' },
    'as-of': { type: 'string', value: 'POSITION|ISO_DATETIME', description: 'a global position or an instant; default: the head' },
  },
  async run(args) {
    const account = requiredFlag(args, 'account');
    const raw = typeof args.flags['as-of'] === 'string' ? args.flags['as-of'] : undefined;
    let asOf;
    try {
      asOf = raw === undefined ? undefined : parseAsOf(raw);
    } catch (error) {
      if (error instanceof DomainError) throw new UsageError(`--as-of: ${error.message}`);
      throw error;
    }
    const replay = await withInfrastructure(async ({ infra }) =>
      accountBalanceAsOf(infra.store, account, asOf ?? { kind: 'position', position: await infra.store.headPosition() }),
    );
    if (replay.events_applied === 0) throw new CliError(`account ${account} has no events${raw ? ` as of ${raw}` : ''}`);
    const money = (v: bigint) => (replay.currency ? `${formatAmount(v, replay.currency)} ${replay.currency}` : v.toString());
    console.log(`account ${account} as of ${raw ?? 'head'}: balance ${money(replay.balance)}, held ${money(replay.held)}, status ${replay.status}`);
    console.log(`replayed ${replay.events_applied} events, last revision ${replay.last_revision} at position ${replay.last_position} (${replay.last_occurred_at})`);
    for (const d of replay.discrepancies) {
      console.log(`DISCREPANCY revision ${d.revision} (${d.type}, position ${d.position}): recorded ${money(d.recorded)}, replayed ${money(d.computed)}`);
    }
    return replay.discrepancies.length === 0 ? 0 : 1;
  },
};
