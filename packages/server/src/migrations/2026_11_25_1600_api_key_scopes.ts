// API key scopes: what an integrator's key may do. Keys created before this migration keep every scope
// (what they could do until now); new keys get the scopes the admin chose.
import { type Kysely, sql } from 'kysely';

const allScopes = sql.raw(
  `array['interviews:write', 'interviews:read', 'transcripts:read', 'reports:read', 'interviews:delete',
   'webhooks:manage']::text[]`,
);

/** Applies the migration. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_keys add column scopes text[] not null default ${allScopes}`.execute(db);
  await sql`
    alter table api_keys add constraint api_keys_scopes_known
    check (cardinality(scopes) > 0 and scopes <@ ${allScopes})`.execute(db);
  await sql`alter table api_keys alter column scopes drop default`.execute(db);
}

/** Reverts the migration; keys narrowed by scopes are revoked (without scopes they could do everything). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`update api_keys set revoked_at = now() where revoked_at is null and not (scopes @> ${allScopes})`.execute(
    db,
  );
  await sql`alter table api_keys drop column scopes`.execute(db);
}
