// Where an interview sits in lists: its creation time, or for an anonymous interview the start of its month
// (UTC). Lists sort and filter on it, so an anonymous interview's place among others with exact times, or a
// createdAfter/createdBefore search, tells no more than the month it shows.
import { type Kysely, sql } from 'kysely';

/** Applies the migration. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table interviews add column listed_at timestamptz generated always as (
      case when mode = 'anonymous'
        then timezone('UTC', date_trunc('month', timezone('UTC', created_at)))
        else created_at
      end
    ) stored`.execute(db);
  // The list indexes move to listed_at. The created_at ones served only the lists: dropped (kept, every
  // insert would still write them).
  await sql`drop index interviews_tenant_created_idx`.execute(db);
  await sql`drop index interviews_tenant_status_created_idx`.execute(db);
  await sql`drop index interviews_tenant_department_idx`.execute(db);
  await sql`create index interviews_tenant_listed_idx on interviews (tenant_id, listed_at desc, id desc)`.execute(
    db,
  );
  await sql`create index interviews_tenant_department_listed_idx on interviews (tenant_id, department, listed_at desc, id desc)`.execute(
    db,
  );
  await sql`create index interviews_tenant_status_listed_idx on interviews (tenant_id, status, listed_at desc, id desc)`.execute(
    db,
  );
}

/** Reverts the migration. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table interviews drop column listed_at`.execute(db);
  await sql`create index interviews_tenant_created_idx on interviews (tenant_id, created_at desc, id desc)`.execute(
    db,
  );
  await sql`create index interviews_tenant_status_created_idx on interviews (tenant_id, status, created_at desc, id desc)`.execute(
    db,
  );
  await sql`create index interviews_tenant_department_idx on interviews (tenant_id, department, created_at desc)`.execute(
    db,
  );
}
