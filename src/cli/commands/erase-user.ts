import { systemContext } from '../../commands/shared/command-context.js';
import { eraseUser } from '../../commands/users/erase-user.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { CliError, UsageError, type CliCommand } from '../command.js';
import { withInfrastructure } from '../infrastructure.js';

export const eraseUserCommand: CliCommand = {
  name: 'erase-user',
  summary: "Erase a user's personal data (crypto-shredding: UserErased, then the user's data key is destroyed); balances and history stay",
  usage: 'erase-user USER_ID',
  options: {},
  positionals: [{ name: 'USER_ID', description: "the user whose personal data key is erased (their data then reads as erased everywhere)" }],
  async run(args) {
    const userId = args.positional[0];
    if (!userId) throw new UsageError('give the user id');
    const out = await withInfrastructure(async (cli) => {
      try {
        return await eraseUser({ ...cli, personal: cli.infra.personal }, userId, systemContext('cli:erase-user'));
      } catch (error) {
        if (error instanceof DomainError) throw new CliError(`${error.message} (${userId})`);
        throw error;
      }
    });
    console.log(out.erased_now
      ? `User ${out.user_id} erased at position ${out.position}: data key destroyed, credentials and email index removed`
      : `User ${out.user_id} was already erased: clean-up done again`);
    return 0;
  },
};
