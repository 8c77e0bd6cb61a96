import { loadConfig } from '../../config/config.js';
import { PgExecutor } from '../../eventstore/postgres/pg-executor.js';
import { appendOnlyRoleSql, isRoleName } from '../../eventstore/sql/app-role.js';
import { SqlEventStore } from '../../eventstore/sql/sql-event-store.js';
import { CliError, requiredFlag, type CliCommand } from '../command.js';
import { cliConfig } from '../infrastructure.js';

export const eventStoreRoleCommand: CliCommand = {
  name: 'event-store-role',
  summary: 'As the owner of schema es: migrate it and make (or update) a role that may read and append events but never change or remove them',
  usage: 'event-store-role --role ROLE_NAME [--print]',
  options: {
    role: { type: 'string', value: 'ROLE_NAME', description: 'the PostgreSQL role to create or restrict (required)' },
    print: { type: 'boolean', description: 'only print the SQL, change nothing' },
  },
  async run(args) {
    const role = requiredFlag(args, 'role');
    if (!isRoleName(role)) throw new CliError('--role must be a lower-case PostgreSQL name (letters, digits, _)');
    const sql = appendOnlyRoleSql(role);
    if (args.flags.print === true) {
      console.log(sql);
      return 0;
    }
    const config = cliConfig(loadConfig);
    if (config.eventstoreUrl) throw new CliError('the events are in EventStoreDB (EVENTSTORE_URL): use its stream ACLs instead');
    const url = config.databaseUrl;
    if (!url) throw new CliError('DATABASE_URL is not set: roles are for PostgreSQL (embedded PGlite has one user)');
    const executor = new PgExecutor(url, 1);
    try {
      await SqlEventStore.migrate({ kind: 'postgres', url }, executor);
      await executor.query(sql);
    } finally {
      await executor.end();
    }
    console.log(`Role ${role} may read and append events, not change or remove them; it owns the service's other schemas.`);
    console.log(`Give it a login if it has none: alter role ${role} login password '…'; then set DATABASE_URL to connect as ${role}.`);
    return 0;
  },
};
