import { systemContext } from '../../commands/shared/command-context.js';
import { createSuperuser } from '../../commands/users/create-superuser.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { CliError, requiredFlag, type CliCommand } from '../command.js';
import { withInfrastructure } from '../infrastructure.js';

export const createSuperuserCommand: CliCommand = {
  name: 'createsuperuser',
  summary: 'Create an active staff superuser',
  usage: 'createsuperuser --email EMAIL --password PASSWORD',
  async run(args) {
    const email = requiredFlag(args, 'email');
    const password = requiredFlag(args, 'password');
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) throw new CliError(`not a valid email: ${email}`);
    const created = await withInfrastructure(async (cli) => {
      try {
        return await createSuperuser(cli, { email, password }, systemContext('cli:createsuperuser'));
      } catch (error) {
        if (error instanceof DomainError) {
          const details = (error.details.errors as { message: string }[] | undefined)?.map((e) => e.message) ?? [];
          throw new CliError([error.message, ...details.slice(1)].join(' '));
        }
        throw error;
      }
    });
    console.log(`Superuser created: ${created.email} (id ${created.id})`);
    return 0;
  },
};
