import { systemContext } from '../../commands/shared/command-context.js';
import { grantRole } from '../../commands/users/grant-role.js';
import type { UserRole } from '../../domain/users/events.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { CliError, requiredFlag, type CliCommand } from '../command.js';
import { withInfrastructure } from '../infrastructure.js';

const GRANTABLE: readonly UserRole[] = ['auditor'];

export const grantRoleCommand: CliCommand = {
  name: 'grant-role',
  summary: 'Give an existing user an extra role (auditor), recorded as RoleGranted in their stream',
  usage: 'grant-role --email EMAIL --role auditor',
  options: {
    email: { type: 'string', value: 'EMAIL', description: 'the user (required)' },
    role: { type: 'string', value: 'ROLE', description: 'the role to grant: auditor (required)' },
  },
  async run(args) {
    const email = requiredFlag(args, 'email');
    const role = requiredFlag(args, 'role');
    if (!GRANTABLE.includes(role as UserRole)) throw new CliError(`--role must be one of: ${GRANTABLE.join(', ')}`);
    const out = await withInfrastructure(async (cli) => {
      try {
        return await grantRole(cli, { email, role: role as UserRole }, systemContext('cli:grant-role'));
      } catch (error) {
        if (error instanceof DomainError) throw new CliError(error.message);
        throw error;
      }
    });
    console.log(out.granted ? `Role ${role} granted to ${out.email} (id ${out.id})` : `${out.email} already has role ${role}`);
    return 0;
  },
};
