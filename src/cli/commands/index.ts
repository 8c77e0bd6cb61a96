import type { CliCommand } from '../command.js';
import { createSuperuserCommand } from './createsuperuser.js';

/** Every CLI subcommand; add one file per command and list it here. */
export const cliCommands: CliCommand[] = [createSuperuserCommand];
