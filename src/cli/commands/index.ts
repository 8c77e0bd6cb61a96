import type { CliCommand } from '../command.js';
import { balanceAsOfCommand } from './balance-as-of.js';
import { checkpointCommand } from './checkpoint.js';
import { createSuperuserCommand } from './createsuperuser.js';
import { eventStoreRoleCommand } from './event-store-role.js';
import { eraseAnonymousCommand } from './erase-anonymous.js';
import { eraseUserCommand } from './erase-user.js';
import { grantRoleCommand } from './grant-role.js';
import { migrateCommand } from './migrate.js';
import { rebuildCommand } from './rebuild.js';
import { replayCommand } from './replay.js';
import { verifyCommand } from './verify.js';

/** Every CLI subcommand; add one file per command and list it here. */
export const cliCommands: CliCommand[] = [
  createSuperuserCommand,
  grantRoleCommand,
  replayCommand,
  verifyCommand,
  rebuildCommand,
  balanceAsOfCommand,
  eventStoreRoleCommand,
  migrateCommand,
  checkpointCommand,
  eraseUserCommand,
  eraseAnonymousCommand,
];
