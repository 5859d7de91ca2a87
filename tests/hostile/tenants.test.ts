// Tenant isolation over real HTTP on real Postgres: tenant A's credentials with tenant B's ids in every
// place a request can carry them; 500 interleaved requests of two tenants on a pool of two connections;
// and the database's own wall (roles, ownership, forced row-level security).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInterview,
  employeeTranscript,
  getJson,
  newMessageId,
  postMessage,
} from '../faults/support/client.ts';
import {
  baseDatabaseUrl,
  createScratchDatabase,
  type InProcessServer,
  type ScratchDatabase,
  type SuiteTenant,
  startInProcessServer,
} from '../faults/support/harness.ts';
import { runScenario } from '../faults/support/reliability.ts';
import { plantServerKey } from './support/planted-key.ts';

interface Snapshot {
  interviews: string;
  messages: string;
  reports: string;
  settings: string;
  apiKeys: string;
  signingKeys: string;
  audit: string;
}

/** Everything tenant `tenantId` owns, read as the database owner (outside row-level security). */
async function snapshot(database: ScratchDatabase, tenantId: string): Promise<Snapshot> {
  const db = database.handle.db;
  const json = async (query: ReturnType<typeof sql<{ value: string }>>) =>
    ((await query.execute(db)).rows[0]?.value ?? '') as string;
  return {
    interviews: await json(sql`select coalesce(json_agg(i order by id)::text, '') as value
      from (select id, status, state_version, last_seq, department, erased_at from interviews where tenant_id = ${tenantId}) i`),
    messages: await json(sql`select coalesce(json_agg(m order by interview_id, seq)::text, '') as value
      from (select interview_id, seq, text from messages where tenant_id = ${tenantId}) m`),
    reports: await json(sql`select count(*)::text as value from reports where tenant_id = ${tenantId}`),
    settings: await json(sql`select settings::text || name as value from tenants where id = ${tenantId}`),
    apiKeys: await json(
      sql`select count(*)::text || count(revoked_at)::text as value from api_keys where tenant_id = ${tenantId}`,
    ),
    signingKeys: await json(
      sql`select count(*)::text || string_agg(status, ',' order by kid) as value from signing_keys where tenant_id = ${tenantId}`,
    ),
    audit: await json(sql`select count(*)::text as value from audit_log where tenant_id = ${tenantId}`),
  };
}

describe.skipIf(!baseDatabaseUrl)('tenant isolation against the real server', () => {
  let database: ScratchDatabase;
  let server: InProcessServer;
  let tenantA: SuiteTenant;
  let tenantB: SuiteTenant;
  const interviewsA: { id: string; token: string }[] = [];
  const interviewsB: { id: string; token: string }[] = [];

  beforeAll(async () => {
    database = await createScratchDatabase('tenants');
    // A pool of two connections: every request of both tenants shares them.
    server = await startInProcessServer({ database, poolSize: 2 });
    tenantA = await server.createTenant('Alpha', { allowedOrigins: ['https://alpha.example'] });
    tenantB = await server.createTenant('Beta', { allowedOrigins: ['https://beta.example'] });
    for (const [tenant, list, marker] of [
      [tenantA, interviewsA, 'ALPHA'],
      [tenantB, interviewsB, 'BETA'],
    ] as const) {
      for (let index = 0; index < 10; index += 1) {
        const created = await createInterview(server.url, tenant.apiKey, {
          employee: { externalId: `${marker}-EMP-${index}`, name: `${marker} Person ${index}` },
          attributes: { department: `${marker}-Dept` },
        });
        list.push(created);
        expect(
          (await postMessage(server.url, created.token, { clientMessageId: newMessageId(), type: 'start' }))
            .status,
        ).toBe(200);
        const answer = await postMessage(server.url, created.token, {
          clientMessageId: newMessageId(),
          type: 'answer',
          text: `${marker}-ANSWER-${index}: the pay was too low and there was no growth.`,
        });
        expect(answer.status).toBe(200);
      }
    }
  });

  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it("should never let tenant A's credentials read or write tenant B, wherever B's ids are put", async () => {
    await runScenario(
      {
        id: 'tenants-cross-ids',
        group: 'tenants',
        scenario: "Tenant A's credentials, tenant B's ids",
        tried:
          "B's interview id in the path (GET, transcript, report, DELETE; API key and admin token), B's tenant id in the query (tenantId, tenant_id, tenant), in the body (create, bulk, settings, messages), an X-Tenant-Id header on every call, and an interview token of A whose subject is B's interview",
      },
      async (recorder) => {
        const before = await snapshot(database, tenantB.id);
        const target = interviewsB[0] as { id: string; token: string };
        const header = { 'X-Tenant-Id': tenantB.id };
        let requests = 0;
        const call = async (method: string, path: string, credential: string, body?: unknown) => {
          requests += 1;
          const response = await fetch(`${server.url}${path}`, {
            method,
            headers: {
              Authorization: `Bearer ${credential}`,
              ...header,
              ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
            },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
          const text = await response.text();
          return { status: response.status, text };
        };

        // Path: B's interview under A's credentials is simply not there.
        for (const [method, path, credential] of [
          ['GET', `/v1/interviews/${target.id}`, tenantA.apiKey],
          ['GET', `/v1/interviews/${target.id}/transcript`, tenantA.apiKey],
          ['GET', `/v1/interviews/${target.id}/report`, tenantA.apiKey],
          ['DELETE', `/v1/interviews/${target.id}`, tenantA.apiKey],
          ['GET', `/v1/admin/interviews/${target.id}`, tenantA.adminToken],
          ['GET', `/v1/admin/interviews/${target.id}/report`, tenantA.adminToken],
          ['GET', `/v1/admin/interviews/${target.id}`, tenantA.analystToken],
        ] as const) {
          const result = await call(method, path, credential);
          expect.soft(result.status, `${method} ${path}`).toBe(404);
          expect.soft(result.text).not.toContain('BETA');
        }

        // Query and header: lists stay A's own.
        for (const [path, credential] of [
          [
            `/v1/interviews?tenantId=${tenantB.id}&tenant_id=${tenantB.id}&tenant=${tenantB.id}`,
            tenantA.apiKey,
          ],
          [`/v1/interviews?department=BETA-Dept`, tenantA.apiKey],
          [`/v1/admin/interviews?tenantId=${tenantB.id}`, tenantA.adminToken],
          [`/v1/admin/settings?tenantId=${tenantB.id}`, tenantA.adminToken],
          [`/v1/admin/keys?tenantId=${tenantB.id}`, tenantA.adminToken],
          [`/v1/admin/api-keys?tenantId=${tenantB.id}`, tenantA.adminToken],
          [
            `/v1/interview?tenantId=${tenantB.id}&interviewId=${target.id}`,
            (interviewsA[0] as { token: string }).token,
          ],
          [
            `/v1/interview/messages?after=0&interviewId=${target.id}`,
            (interviewsA[0] as { token: string }).token,
          ],
        ] as const) {
          const result = await call('GET', path, credential);
          expect.soft(result.status, path).toBe(200);
          expect.soft(result.text, path).not.toContain('BETA');
          expect.soft(result.text, path).not.toContain(tenantB.id);
          for (const other of interviewsB) expect.soft(result.text, path).not.toContain(other.id);
        }

        // Body: a tenant or interview id in a body is refused or ignored, never followed.
        for (const [method, path, credential, body] of [
          [
            'POST',
            '/v1/interviews',
            tenantA.apiKey,
            { tenantId: tenantB.id, attributes: { department: 'X' } },
          ],
          ['POST', '/v1/interviews/bulk', tenantA.apiKey, { interviews: [{ tenantId: tenantB.id }] }],
          ['POST', '/v1/interviews/bulk', tenantA.apiKey, { tenantId: tenantB.id, interviews: [{}] }],
          ['PATCH', '/v1/admin/settings', tenantA.adminToken, { tenantId: tenantB.id, defaultLocale: 'de' }],
          ['PATCH', '/v1/admin/settings', tenantA.adminToken, { id: tenantB.id, name: 'pwned' }],
          [
            'POST',
            '/v1/interview/messages',
            (interviewsA[0] as { token: string }).token,
            {
              clientMessageId: newMessageId(),
              type: 'answer',
              text: 'hi',
              interviewId: target.id,
              tenantId: tenantB.id,
            },
          ],
          ['POST', '/v1/admin/api-keys', tenantA.adminToken, { name: 'x', tenantId: tenantB.id }],
        ] as const) {
          const result = await call(method, path, credential, body);
          expect.soft([400, 404], `${method} ${path} ${JSON.stringify(body)}`).toContain(result.status);
        }

        // A verified token of tenant A naming B's interview as its subject: A has no such interview.
        const planted = await plantServerKey(database.handle, tenantA.id, 'suite-tenants-key');
        const forged = planted.interviewToken(tenantA.id, target.id);
        for (const [method, path, body] of [
          ['GET', '/v1/interview', undefined],
          ['GET', '/v1/interview/messages?after=0', undefined],
          [
            'POST',
            '/v1/interview/messages',
            { clientMessageId: newMessageId(), type: 'answer', text: 'written into B?' },
          ],
          ['POST', '/v1/interview/messages', { clientMessageId: newMessageId(), type: 'finish' }],
        ] as const) {
          const result = await call(method, path, forged, body);
          expect.soft(result.status, `${method} ${path} with A's token for B's interview`).toBe(404);
        }
        // And a token signed by A's key that claims tenant B is refused outright.
        const claimsB = planted.interviewToken(tenantB.id, target.id);
        expect((await call('GET', '/v1/interview', claimsB)).status).toBe(401);

        const after = await snapshot(database, tenantB.id);
        expect(after).toEqual(before);
        recorder.figures.requests = requests;
        recorder.figures.faults = requests;
        recorder.figures.rowsOfBChanged = 0;
        recorder.outcome = `${requests} requests with B's ids in path, query, body and X-Tenant-Id: 404/400 or A's own data only; B's rows byte-identical before and after`;
      },
    );
  });

  it('should keep 500 interleaved requests of two tenants on a pool of two connections apart', async () => {
    await runScenario(
      {
        id: 'tenants-interleaved-pool-2',
        group: 'tenants',
        scenario: '500 interleaved requests, pool of 2',
        tried:
          "A and B alternating, 25 in flight at once, over a pool of two database connections: lists, details, transcripts, employee views and answers (writes); every answer checked for the other tenant's ids and markers",
      },
      async (recorder) => {
        const total = 500;
        const concurrency = 25;
        const idsOf = { A: interviewsA.map((item) => item.id), B: interviewsB.map((item) => item.id) };
        const marker = { A: 'ALPHA', B: 'BETA' };
        const leaks: string[] = [];
        const statuses = new Map<number, number>();
        let next = 0;
        let writes = 0;
        const sent: { tenant: 'A' | 'B'; interviewId: string; clientMessageId: string }[] = [];

        async function one(index: number): Promise<void> {
          const side = index % 2 === 0 ? 'A' : 'B';
          const other = side === 'A' ? 'B' : 'A';
          const tenant = side === 'A' ? tenantA : tenantB;
          const own = side === 'A' ? interviewsA : interviewsB;
          const interview = own[index % own.length] as { id: string; token: string };
          let status: number;
          let text: string;
          switch (index % 5) {
            case 0: {
              const result = await getJson(`${server.url}/v1/interviews?limit=200`, tenant.apiKey);
              ({ status, text } = result);
              break;
            }
            case 1: {
              const result = await getJson(
                `${server.url}/v1/interviews/${interview.id}/transcript`,
                tenant.apiKey,
              );
              ({ status, text } = result);
              break;
            }
            case 2: {
              const result = await getJson(`${server.url}/v1/admin/interviews?limit=200`, tenant.adminToken);
              ({ status, text } = result);
              break;
            }
            case 3: {
              const result = await getJson(`${server.url}/v1/interview`, interview.token);
              ({ status, text } = result);
              break;
            }
            default: {
              const answer = `${marker[side]}-WRITE-${index}: workload and pay.`;
              const clientMessageId = newMessageId();
              const result = await postMessage(
                server.url,
                interview.token,
                { clientMessageId, type: 'answer', text: answer },
                { stream: false },
              );
              status = result.status;
              text = JSON.stringify(result);
              if (status === 200) {
                writes += 1;
                sent.push({ tenant: side, interviewId: interview.id, clientMessageId });
              }
            }
          }
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (text.includes(marker[other])) leaks.push(`${side} #${index} saw ${marker[other]}`);
          for (const id of idsOf[other])
            if (text.includes(id)) leaks.push(`${side} #${index} saw ${other}'s interview ${id}`);
        }

        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (next < total) {
              const index = next;
              next += 1;
              await one(index);
            }
          }),
        );
        expect(leaks).toEqual([]);
        // Answers to an interview whose previous turn is still replying get 409 turn-in-progress: allowed, not a leak.
        const unexpected = [...statuses].filter(([status]) => status !== 200 && status !== 409);
        expect(unexpected).toEqual([]);
        expect(statuses.get(200) ?? 0).toBeGreaterThan(total * 0.8);
        // Each accepted write sits in its own tenant's interview, once.
        for (const item of sent) {
          const rows = await sql<{ tenant_id: string; interview_id: string }>`
            select tenant_id, interview_id from messages where client_message_id = ${item.clientMessageId}`.execute(
            database.handle.db,
          );
          expect(rows.rows).toEqual([
            { tenant_id: item.tenant === 'A' ? tenantA.id : tenantB.id, interview_id: item.interviewId },
          ]);
        }
        recorder.figures.requests = total;
        recorder.figures.poolSize = 2;
        recorder.figures.concurrency = concurrency;
        recorder.figures.writes = writes;
        recorder.figures.leaks = leaks.length;
        recorder.figures.conflicts409 = statuses.get(409) ?? 0;
        recorder.outcome = `${total} requests (${writes} writes, ${statuses.get(409) ?? 0} busy-turn 409s): 0 rows of one tenant in the other's answers; every write stored once under its own tenant`;
      },
    );
  });

  it('should run requests as a role without superuser or BYPASSRLS that owns no table, with forced RLS on every table', async () => {
    await runScenario(
      {
        id: 'tenants-database-wall',
        group: 'tenants',
        scenario: 'Database role and row-level security',
        tried:
          "pg_roles of exitbot_app and exitbot_worker; owner, relrowsecurity and relforcerowsecurity of every table in the schema; then as exitbot_app: no tenant set, tenant A set, and an insert carrying B's tenant_id",
      },
      async (recorder) => {
        const db = database.handle.db;
        const roles = await sql<{
          rolname: string;
          rolsuper: boolean;
          rolbypassrls: boolean;
          rolcreaterole: boolean;
          rolcanlogin: boolean;
        }>`
          select rolname, rolsuper, rolbypassrls, rolcreaterole, rolcanlogin from pg_roles
          where rolname in ('exitbot_app', 'exitbot_worker') order by rolname`.execute(db);
        expect(roles.rows).toEqual([
          {
            rolname: 'exitbot_app',
            rolsuper: false,
            rolbypassrls: false,
            rolcreaterole: false,
            rolcanlogin: false,
          },
          {
            rolname: 'exitbot_worker',
            rolsuper: false,
            rolbypassrls: false,
            rolcreaterole: false,
            rolcanlogin: false,
          },
        ]);
        // Membership in the owner role would let the app role become the owner (owners bypass unforced RLS).
        const membership = await sql<{ member: boolean }>`
          select pg_has_role('exitbot_app', 'exitbot_owner', 'member') or pg_has_role('exitbot_worker', 'exitbot_owner', 'member') as member`.execute(
          db,
        );
        expect(membership.rows[0]?.member).toBe(false);

        const tables = await sql<{
          relname: string;
          owner: string;
          rls: boolean;
          forced: boolean;
          has_tenant: boolean;
        }>`
          select c.relname, pg_get_userbyid(c.relowner) as owner, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
                 exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname in ('tenant_id') and not a.attisdropped)
                   or c.relname = 'tenants' as has_tenant
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('r', 'p') and n.nspname = current_schema() and c.relname not like 'kysely\\_%'
          order by c.relname`.execute(db);
        expect(tables.rows.length).toBeGreaterThanOrEqual(8);
        for (const table of tables.rows) {
          expect.soft(table.owner, table.relname).not.toBe('exitbot_app');
          expect.soft(table.owner, table.relname).not.toBe('exitbot_worker');
          expect.soft(table.rls, `${table.relname} has row-level security`).toBe(true);
          expect.soft(table.forced, `${table.relname} forces row-level security`).toBe(true);
          expect.soft(table.has_tenant, `${table.relname} is tenant-scoped`).toBe(true);
        }

        // What the wall does, as the app role, one transaction each.
        const asApp = async <T>(tenantId: string, work: (trx: typeof db) => Promise<T>): Promise<T> =>
          db.transaction().execute(async (trx) => {
            await sql`select set_config('role', 'exitbot_app', true), set_config('app.tenant_id', ${tenantId}, true)`.execute(
              trx,
            );
            return work(trx);
          });
        const noTenant = await asApp('', (trx) =>
          sql<{ n: string }>`select count(*)::text as n from interviews`.execute(trx),
        );
        expect(noTenant.rows[0]?.n).toBe('0');
        const onlyA = await asApp(tenantA.id, (trx) =>
          sql<{ tenant_id: string }>`select distinct tenant_id from messages`.execute(trx),
        );
        expect(onlyA.rows).toEqual([{ tenant_id: tenantA.id }]);
        const smuggled = await asApp(tenantA.id, (trx) =>
          sql`insert into audit_log (tenant_id, actor_type, action) values (${tenantB.id}, 'attacker', 'smuggle')`.execute(
            trx,
          ),
        ).then(
          () => 'inserted',
          (error: Error) => error.message,
        );
        expect(smuggled).toMatch(/row-level security/);
        const reads = await asApp(tenantA.id, (trx) =>
          sql<{
            n: string;
          }>`select count(*)::text as n from interviews where tenant_id = ${tenantB.id}`.execute(trx),
        );
        expect(reads.rows[0]?.n).toBe('0');
        recorder.figures.tables = tables.rows.length;
        recorder.figures.tablesWithoutForcedRls = tables.rows.filter((table) => !table.forced).length;
        recorder.outcome = `exitbot_app and exitbot_worker: no superuser, no BYPASSRLS, not members of the owner; ${tables.rows.length} tables owned by exitbot_owner with forced RLS; cross-tenant read 0 rows, cross-tenant insert refused by RLS`;
      },
    );
  });

  it('should show the employee only their own interview', async () => {
    const mine = await employeeTranscript(server.url, (interviewsB[1] as { token: string }).token);
    expect(mine.map((message) => message.text).join(' ')).toContain('BETA-ANSWER-1');
    expect(mine.map((message) => message.text).join(' ')).not.toContain('ALPHA');
  });
});
