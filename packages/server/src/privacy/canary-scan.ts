// Test helper: searches the whole database for a string, raw (every column of every table cast to
// text) and decrypted (every sealed value opened with its tenant's key and its row's context). A
// sealed value found where no context is known fails the scan: nothing encrypted may hide from it.
import { type Kysely, sql } from 'kysely';
import type { Encryption } from '../crypto/encryption.ts';
import { encryptionContexts, isSealed } from '../crypto/encryption.ts';
import { reportContext } from '../crypto/report-sealing.ts';
import type { Database } from '../db/database.ts';
import { messagePersonalContext } from '../webhooks/webhook-events.ts';

/** Tables of the application schema (migration bookkeeping excluded). */
export async function applicationTables(db: Kysely<Database>): Promise<string[]> {
  const result = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely\\_%'
    order by table_name`.execute(db);
  return result.rows.map((row) => row.table_name);
}

/** Tables where some column, cast to text, contains `needle` (read as the connecting superuser, past RLS). */
export async function rawScan(db: Kysely<Database>, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const table of await applicationTables(db)) {
    const result = await sql<{ count: string | number }>`
      select count(*) as count from ${sql.table(table)} as t where t::text like ${`%${needle}%`}`.execute(db);
    if (Number(result.rows[0]?.count ?? 0) > 0) hits.push(table);
  }
  return hits;
}

type Row = Record<string, unknown>;

function contextOf(table: string, column: string, row: Row, path: string): string | undefined {
  const text = (value: unknown) => String(value);
  if (table === 'messages' && column === 'text')
    return encryptionContexts.messageText(text(row.interview_id), Number(row.seq));
  if (table === 'messages' && column === 'events')
    return encryptionContexts.messageEvents(text(row.interview_id), Number(row.seq));
  if (table === 'interviews' && column === 'state') return encryptionContexts.interviewState(text(row.id));
  if (table === 'reports' && column === 'report' && path === 'sealed')
    return reportContext(text(row.interview_id));
  if (table === 'webhook_messages' && column === 'payload_sealed')
    return messagePersonalContext(text(row.id));
  if (table === 'webhook_endpoints' && column === 'secret_sealed')
    return `webhook_endpoints/${text(row.id)}/secret`;
  if (table === 'webhook_endpoints' && column === 'previous_secret_sealed')
    return `webhook_endpoints/${text(row.id)}/previous-secret`;
  return undefined;
}

function sealedStrings(value: unknown, path: string, found: Array<{ path: string; value: string }>): void {
  if (isSealed(value)) found.push({ path, value });
  else if (Array.isArray(value))
    for (const [index, item] of value.entries()) sealedStrings(item, `${path}[${index}]`, found);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value))
      sealedStrings(inner, path ? `${path}.${key}` : key, found);
  }
}

/** Opens every sealed value in the database; returns where the decrypted text contains `needle`. */
export async function decryptedScan(
  db: Kysely<Database>,
  encryption: Encryption,
  needle: string,
): Promise<string[]> {
  const hits: string[] = [];
  for (const table of await applicationTables(db)) {
    const rows = await sql<{ row: Row }>`select to_jsonb(t) as row from ${sql.table(table)} as t`.execute(db);
    for (const { row } of rows.rows) {
      for (const [column, value] of Object.entries(row)) {
        const found: Array<{ path: string; value: string }> = [];
        sealedStrings(value, '', found);
        for (const sealed of found) {
          const context = contextOf(table, column, row, sealed.path);
          if (!context)
            throw new Error(`A sealed value in ${table}.${column} ${sealed.path} has no known context`);
          const tenantId = String(table === 'tenants' ? row.id : row.tenant_id);
          const plain = (await encryption.forTenant(tenantId)).open(sealed.value, context);
          if (plain.includes(needle)) hits.push(`${table}.${column}`);
        }
      }
    }
  }
  return [...new Set(hits)];
}
