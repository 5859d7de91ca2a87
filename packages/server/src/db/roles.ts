// Database roles: tables are owned by exitbot_owner; requests run as exitbot_app (row-level
// security applies, no BYPASSRLS); the job runner claims outbox rows as exitbot_worker.
// The same SQL runs on Postgres and PGlite.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: roles and migrations work on any schema.
type AnyDatabase = Kysely<any>;

/** Role that owns the tables (never used by requests). */
export const ownerRole = 'exitbot_owner';
/** Role every tenant-scoped transaction switches to. */
export const appRole = 'exitbot_app';
/** Role of the job runner when it claims jobs across tenants (outbox only). */
export const workerRole = 'exitbot_worker';

/** Creates the three roles if missing and makes the connecting user a member that inherits them and may SET ROLE to them. Idempotent. */
export async function ensureRoles(db: AnyDatabase): Promise<void> {
  await sql`
    do $$
    declare
      role_name text;
    begin
      foreach role_name in array array['exitbot_owner', 'exitbot_app', 'exitbot_worker'] loop
        if not exists (select 1 from pg_roles where rolname = role_name) then
          begin
            execute format('create role %I nologin nobypassrls', role_name);
          exception when duplicate_object or unique_violation then
            null; -- another database of this cluster created it at the same moment
          end;
        end if;
        if (select rolsuper from pg_roles where rolname = current_user) then
          null;
        elsif current_setting('server_version_num')::int >= 160000 then
          -- Postgres 16+: creating a role makes its CREATEROLE creator a member WITH ADMIN only (no
          -- INHERIT, no SET), so 'member' is already true; ownership changes need SET, and altering the
          -- tables once exitbot_owner owns them needs INHERIT.
          if not (pg_has_role(current_user, role_name, 'usage') and pg_has_role(current_user, role_name, 'set')) then
            execute format('grant %I to %I with inherit true, set true', role_name, current_user);
          end if;
        elsif not pg_has_role(current_user, role_name, 'usage') then
          -- Up to 15 membership alone allows SET ROLE; 'usage' also asks for inherited privileges.
          execute format('grant %I to %I', role_name, current_user);
        end if;
      end loop;
      execute format('grant usage, create on schema %I to exitbot_owner', current_schema());
      execute format('grant usage on schema %I to exitbot_app, exitbot_worker', current_schema());
    end
    $$`.execute(db);
}

/** Tables whose ownership or row-level security is wrong (empty when all is well). */
export async function findUnprotectedTables(db: AnyDatabase): Promise<string[]> {
  const result = await sql<{ relname: string }>`
    select c.relname
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r'
      and n.nspname = current_schema()
      and c.relname not like 'kysely\\_%'
      and (
        not c.relrowsecurity
        or not c.relforcerowsecurity
        or pg_get_userbyid(c.relowner) <> 'exitbot_owner'
        or not has_table_privilege('exitbot_app', c.oid, 'select, insert, update, delete')
      )
    order by c.relname`.execute(db);
  return result.rows.map((row) => row.relname);
}

/** Gives every table to exitbot_owner, grants DML to exitbot_app, and refuses a table without forced RLS. */
export async function applyPrivileges(db: AnyDatabase): Promise<void> {
  await sql`
    do $$
    declare
      table_name text;
    begin
      for table_name in
        select tablename from pg_tables where schemaname = current_schema() and tablename not like 'kysely\\_%'
      loop
        execute format('alter table %I owner to exitbot_owner', table_name);
        execute format('revoke all on table %I from public', table_name);
        execute format('grant select, insert, update, delete on table %I to exitbot_app', table_name);
      end loop;
    end
    $$`.execute(db);
  await sql`grant select on table tenants to exitbot_worker`.execute(db);
  await sql`grant select, insert, update on table outbox to exitbot_worker`.execute(db);
  const unprotected = await findUnprotectedTables(db);
  if (unprotected.length > 0) {
    throw new Error(`Tables without forced row-level security: ${unprotected.join(', ')}`);
  }
}
