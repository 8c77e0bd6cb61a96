import { systemContext } from '../../commands/shared/command-context.js';
import { createSuperuser } from '../../commands/users/create-superuser.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { DataDirInUseError } from '../../eventstore/pglite/data-dir-lock.js';
import { callAdminSocket } from '../../infra/admin-socket.js';
import { CliError, requiredFlag, UnavailableError, UsageError, type CliCommand } from '../command.js';
import { withInfrastructure } from '../infrastructure.js';
import { readPassword } from '../password-prompt.js';

export const PASSWORD_VARIABLE = 'NEXUS_SUPERUSER_PASSWORD';

/** A refusal of the command side as one line: the message and the password policy's other reasons. */
export function refusalLine(error: DomainError): string {
  const details = (error.details.errors as { message: string }[] | undefined)?.map((e) => e.message) ?? [];
  return [error.message, ...details.slice(1)].join(' ');
}

export const createSuperuserCommand: CliCommand = {
  name: 'createsuperuser',
  summary: 'Create an active staff superuser (the password from a prompt, NEXUS_SUPERUSER_PASSWORD or --password-stdin; never argv)',
  usage: 'createsuperuser --email EMAIL [--password-stdin]',
  options: {
    email: { type: 'string', value: 'EMAIL', description: 'the superuser\'s email (required)' },
    'password-stdin': { type: 'boolean', description: 'read the password from the first line of stdin' },
    password: { type: 'string', value: '-', description: 'refused: a password on the command line shows in ps and shell history' },
  },
  async run(args) {
    if (args.flags.password !== undefined) {
      throw new UsageError(`the password is not taken on the command line (it would show in ps and shell history): set ${PASSWORD_VARIABLE}, pipe it with --password-stdin, or answer the prompt`);
    }
    const email = requiredFlag(args, 'email');
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) throw new UsageError(`not a valid email: ${email}`);
    const password = await readPassword({ variable: PASSWORD_VARIABLE, fromStdin: args.flags['password-stdin'] === true });
    let created: { id: string; email: string };
    try {
      created = await withInfrastructure(async (cli) => {
        try {
          return await createSuperuser(cli, { email, password }, systemContext('cli:createsuperuser'));
        } catch (error) {
          if (error instanceof DomainError) throw new CliError(refusalLine(error));
          throw error;
        }
      });
    } catch (error) {
      if (!(error instanceof DataDirInUseError)) throw error;
      // The embedded service holds the data folder: ask it to do it.
      const answer = await callAdminSocket(error.dir, { command: 'createsuperuser', email, password }).catch((e: unknown) => {
        throw new UnavailableError(`${error.message}, and it does not answer on its admin socket (${e instanceof Error ? e.message : String(e)})`);
      });
      if (!answer.ok) throw answer.usage ? new UsageError(answer.error) : new CliError(answer.error);
      created = answer.result as { id: string; email: string };
    }
    console.log(`Superuser created: ${created.email} (id ${created.id})`);
    return 0;
  },
};
