/**
 * The database role the service should connect as: it reads and appends
 * events and nothing more. UPDATE, DELETE and TRUNCATE of es.events are not
 * granted (and the append-only trigger refuses them anyway); not owning the
 * table, it can neither turn that trigger off nor change schema `es`. It owns
 * the schemas the service keeps for itself (commands, read models), which it
 * creates, rebuilds and drops.
 *
 * Run by the owner of schema `es` (who migrates it); LOGIN and a password are
 * the DBA's to set: `alter role <name> login password '…'`.
 */
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function isRoleName(name: string): boolean {
  return ROLE_NAME.test(name);
}

export function appendOnlyRoleSql(role: string): string {
  if (!isRoleName(role)) throw new RangeError(`role name must match ${ROLE_NAME.source}`);
  return `-- The service's role: read and append events, never change or remove them.
do $do$ begin
  if not exists (select 1 from pg_roles where rolname = '${role}') then
    create role "${role}" nologin;
  end if;
  -- create: the role makes its own schemas (cmd, rm, rm_meta, rm_build_*).
  execute format('grant connect, create on database %I to %I', current_database(), '${role}');
end $do$;
grant usage on schema es to "${role}";
revoke all on es.events from public;
revoke all on es.events from "${role}";
grant select, insert on es.events to "${role}";
-- It reads which migrations of es are applied (src/migrations/event-store), and applies none.
do $do$ begin
  if to_regclass('es.knex_migrations') is not null then
    grant select on es.knex_migrations, es.knex_migrations_lock to "${role}";
  end if;
end $do$;
-- Schemas the owner's earlier runs of the service made (everything but es) pass to the role.
do $do$ declare
  s record;
  r record;
begin
  for s in select n.oid, n.nspname from pg_namespace n
            where n.nspname not in ('es', 'public', 'information_schema') and n.nspname not like 'pg\\_%'
              and n.nspowner = (select oid from pg_roles where rolname = current_user) loop
    execute format('alter schema %I owner to %I', s.nspname, '${role}');
    for r in select c.relname, c.relkind from pg_class c
              where c.relnamespace = s.oid and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
                and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i')) loop
      execute format(case when r.relkind = 'S' then 'alter sequence %I.%I owner to %I' else 'alter table %I.%I owner to %I' end,
                     s.nspname, r.relname, '${role}');
    end loop;
  end loop;
end $do$;
`;
}
