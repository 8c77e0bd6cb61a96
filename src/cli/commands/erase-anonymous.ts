import { CliError, requiredFlag, type CliCommand } from '../command.js';
import { withInfrastructure } from '../infrastructure.js';

export const eraseAnonymousCommand: CliCommand = {
  name: 'erase-anonymous',
  summary: 'Destroy the monthly keys of personal data linked to no user (sign-in attempts on unknown emails) before a month: retention',
  usage: 'erase-anonymous --before YYYY-MM',
  options: { before: { type: 'string', value: 'YYYY-MM', description: 'erase anonymous login data of months before this one (required)' } },
  async run(args) {
    const before = requiredFlag(args, 'before');
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(before)) throw new CliError('--before must be a month, YYYY-MM');
    const destroyed = await withInfrastructure(({ infra }) => infra.personal.keyring.destroyAnonymousBefore(before));
    console.log(destroyed.length === 0 ? `No anonymous keys before ${before}` : `Destroyed ${destroyed.length} anonymous keys: ${destroyed.join(', ')}`);
    return 0;
  },
};
