import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../db/scope.ts';
import { createTestApp, messageId, postMessage, type TestApp, type TestTenant } from '../testing/test-app.ts';
import { testDatabaseKinds } from '../testing/test-database.ts';
import { eventually, startTestReceiver, type TestReceiver } from '../webhooks/test-receiver.ts';
import { webhookEventTypes } from '../webhooks/webhook-events.ts';
import { decryptedScan, rawScan } from './canary-scan.ts';

describe.each(testDatabaseKinds)('privacy operations on %s', (kind) => {
  let fixture: TestApp;
  let receiver: TestReceiver;
  const runJobs = () => fixture.services.jobs.runOnce();
  const db = () => fixture.database.handle.db;

  const call = (
    path: string,
    options: {
      tenant?: TestTenant;
      body?: unknown;
      method?: string;
      as?: 'apiKey' | 'adminToken' | 'analystToken';
    } = {},
  ) =>
    fixture.app.request(path, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers: {
        Authorization: `Bearer ${(options.tenant ?? fixture.tenantA)[options.as ?? 'adminToken']}`,
        'Content-Type': 'application/json',
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });

  /** A whole interview from an HRIS event to its report, with the canary in two answers. */
  async function interviewWith(canary: string, employeeId: string, tenant = fixture.tenantA) {
    const response = await call('/v1/hris/events', {
      tenant,
      as: 'apiKey',
      body: {
        eventId: `evt-${randomUUID()}`,
        employeeId,
        name: 'Jordan Vale',
        email: `${employeeId.toLowerCase()}@example.com`,
        department: 'Support',
        lastDay: new Date().toISOString().slice(0, 10),
        terminationType: 'voluntary',
        mode: 'identified',
      },
    });
    const outcome = (await response.json()) as { link: string; interview: { interviewId: string } };
    const id = outcome.interview.interviewId;
    const linkToken = outcome.link.split('#token=')[1] ?? '';
    const { token } = (await (
      await fixture.app.request('/v1/interview/session', {
        method: 'POST',
        headers: { Authorization: `Bearer ${linkToken}` },
      })
    ).json()) as { token: string };
    await postMessage(fixture.app, token, { clientMessageId: messageId(), type: 'start' });
    await postMessage(fixture.app, token, {
      clientMessageId: messageId(),
      type: 'answer',
      text: `I am leaving because of my manager, ${canary}, who never listened to the team.`,
    });
    await postMessage(fixture.app, token, {
      clientMessageId: messageId(),
      type: 'answer',
      text: `The workload was far too high and ${canary} made it worse every week.`,
    });
    await postMessage(fixture.app, token, { clientMessageId: messageId(), type: 'finish' });
    await eventually(
      async () =>
        (
          (await (await call(`/v1/interviews/${id}`, { tenant, as: 'apiKey' })).json()) as {
            report: { status: string };
          }
        ).report.status === 'ready',
      { tick: runJobs },
    );
    await eventually(
      () =>
        receiver.received.some(
          (item) => item.event.type === 'report.ready' && item.event.data.interviewId === id,
        ),
      {
        tick: runJobs,
      },
    );
    return { id, token, linkToken };
  }

  beforeAll(async () => {
    fixture = await createTestApp(kind, {
      env: { EXITBOT_WEBHOOK_ALLOW_PRIVATE: 'true' },
      webhookRetryScheduleMs: [30],
    });
    receiver = await startTestReceiver();
    for (const tenant of [fixture.tenantA, fixture.tenantB]) {
      const response = await call('/v1/webhooks/endpoints', {
        tenant,
        body: { url: receiver.url, eventTypes: [...webhookEventTypes] },
      });
      expect(response.status).toBe(201);
    }
  }, 60_000);

  afterAll(async () => {
    await receiver?.close();
    await fixture?.destroy();
  });

  it('should keep only ciphertext at rest: the canary is in no raw column but in the decrypted transcript, state and report', async () => {
    const canary = `CANARY-${randomUUID()}`;
    const { id } = await interviewWith(canary, `E-raw-${kind}`);
    expect(await rawScan(db(), canary)).toEqual([]);
    expect(await decryptedScan(db(), fixture.services.encryption, canary)).toEqual(
      expect.arrayContaining(['interviews.state', 'messages.text', 'reports.report']),
    );
    const transcript = await call(`/v1/interviews/${id}/transcript`, { as: 'apiKey' });
    expect(await transcript.text()).toContain(canary);
    const raw = await sql<{ text: string; state: unknown; report: { sealed?: string; summary?: string } }>`
      select m.text, i.state, r.report from messages m join interviews i on i.tenant_id = m.tenant_id and i.id = m.interview_id
      join reports r on r.tenant_id = i.tenant_id and r.interview_id = i.id
      where i.id = ${id} and m.role = 'employee' and m.kind = 'answer'`.execute(db());
    expect(raw.rows.length).toBeGreaterThan(0);
    for (const row of raw.rows) {
      expect(row.text).toMatch(/^ev1\.1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
      expect(typeof row.state === 'string' && row.state.startsWith('ev1.')).toBe(true);
      expect(row.report.sealed).toMatch(/^ev1\./);
      expect(row.report.summary).toBeUndefined();
    }
  });

  it('should erase all interviews of one employee everywhere: no table holds the canary, raw or decrypted, and the other employee keeps theirs', async () => {
    const canary = `CANARY-${randomUUID()}`;
    const otherCanary = `CANARY-${randomUUID()}`;
    const employeeId = `E-erase-${kind}`;
    const first = await interviewWith(canary, employeeId);
    const second = await interviewWith(canary, employeeId);
    await interviewWith(otherCanary, `E-keep-${kind}`);
    const purged: string[] = [];
    fixture.services.cachePurger.register({ deleteTenant: (tenantId) => purged.push(tenantId) });
    expect(await decryptedScan(db(), fixture.services.encryption, canary)).not.toEqual([]);
    const before = await sql<{
      count: string | number;
    }>`select count(*) as count from webhook_messages where interview_id in (${first.id}, ${second.id})`.execute(
      db(),
    );
    expect(Number(before.rows[0]?.count)).toBeGreaterThan(0);

    const response = await call('/v1/privacy/erasures', {
      as: 'apiKey',
      body: { employeeExternalId: employeeId },
    });
    expect(response.status).toBe(200);
    const result = (await response.json()) as { erasedInterviewIds: string[] };
    expect(result.erasedInterviewIds.sort()).toEqual([first.id, second.id].sort());

    expect(await rawScan(db(), canary)).toEqual([]);
    expect(await decryptedScan(db(), fixture.services.encryption, canary)).toEqual([]);
    expect(await rawScan(db(), employeeId)).toEqual([]);
    expect(await decryptedScan(db(), fixture.services.encryption, employeeId)).toEqual([]);
    expect(await decryptedScan(db(), fixture.services.encryption, otherCanary)).not.toEqual([]);
    expect(purged).toContain(fixture.tenantA.id);
    const left = await sql<{
      count: string | number;
    }>`select count(*) as count from webhook_messages where interview_id in (${first.id}, ${second.id}) and event_type <> 'interview.erased'`.execute(
      db(),
    );
    expect(Number(left.rows[0]?.count)).toBe(0);

    expect(
      (await fixture.app.request('/v1/interview', { headers: { Authorization: `Bearer ${first.token}` } }))
        .status,
    ).toBe(404);
    const transcript = await call(`/v1/interviews/${first.id}/transcript`, { as: 'apiKey' });
    expect(((await transcript.json()) as { messages: unknown[] }).messages).toEqual([]);
    await eventually(
      () => receiver.received.filter((item) => item.event.type === 'interview.erased').length >= 2,
      { tick: runJobs },
    );
    const erasedEvent = receiver.received.find(
      (item) => item.event.type === 'interview.erased' && item.event.data.interviewId === first.id,
    );
    expect(erasedEvent?.event.data.employee).toBeUndefined();
    const audit = await call(`/v1/privacy/audit-log?action=interview.erase&targetId=${first.id}`);
    expect(((await audit.json()) as { entries: unknown[] }).entries).toHaveLength(1);
  });

  it('should erase one interview by id and answer 404 for an interview of another tenant', async () => {
    const canary = `CANARY-${randomUUID()}`;
    const { id } = await interviewWith(canary, `E-one-${kind}`);
    const foreign = await call('/v1/privacy/erasures', {
      tenant: fixture.tenantB,
      as: 'apiKey',
      body: { interviewId: id },
    });
    expect(foreign.status).toBe(404);
    expect(await decryptedScan(db(), fixture.services.encryption, canary)).not.toEqual([]);
    const erased = await call('/v1/privacy/erasures', { body: { interviewId: id } });
    expect(((await erased.json()) as { erasedInterviewIds: string[] }).erasedInterviewIds).toEqual([id]);
    expect(await rawScan(db(), canary)).toEqual([]);
    expect(await decryptedScan(db(), fixture.services.encryption, canary)).toEqual([]);
    const again = await call('/v1/privacy/erasures', { body: { interviewId: id } });
    expect(await again.json()).toEqual({ erasedInterviewIds: [], alreadyErasedInterviewIds: [id] });
  });

  it('should delete transcripts and anonymise reports once retention runs out, and record it', async () => {
    const canary = `CANARY-${randomUUID()}`;
    const { id } = await interviewWith(canary, `E-old-${kind}`);
    await call('/v1/admin/settings', { method: 'PATCH', body: { retentionDays: 1 } });
    await withTenant(fixture.database.handle, fixture.tenantA.id, (tx) =>
      tx
        .updateTable('interviews')
        .set({ ended_at: new Date(Date.now() - 2 * 86_400_000), last_day: '2026-10-17' })
        .where('id', '=', id)
        .execute(),
    );
    const run = await call('/v1/privacy/retention/run', { body: {} });
    expect(((await run.json()) as { purged: number }).purged).toBeGreaterThanOrEqual(1);
    await call('/v1/admin/settings', { method: 'PATCH', body: { retentionDays: 365 } });

    expect(await rawScan(db(), canary)).toEqual([]);
    expect(await decryptedScan(db(), fixture.services.encryption, canary)).toEqual([]);
    const report = (await (await call(`/v1/interviews/${id}/report`, { as: 'apiKey' })).json()) as {
      report: Record<string, unknown>;
    };
    expect(report.report).toMatchObject({
      anonymised: true,
      reasons: { primary: { reason: expect.any(String) } },
    });
    expect(report.report.summary).toBeUndefined();
    expect(report.report.keyQuotes).toBeUndefined();
    const row = await withTenant(fixture.database.handle, fixture.tenantA.id, (tx) =>
      tx.selectFrom('interviews').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    );
    expect(row).toMatchObject({
      employee_name: null,
      employee_external_id: null,
      employee_email: null,
      state: null,
      last_day: '2026-10-01',
      department: 'Support',
    });
    expect(row.purged_at).not.toBeNull();
    const audit = (await (
      await call(`/v1/privacy/audit-log?action=retention.purge&targetId=${id}`)
    ).json()) as {
      entries: Array<{ actor: { type: string }; details: Record<string, unknown> }>;
    };
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]).toMatchObject({
      actor: { type: 'system' },
      details: { retentionDays: 1, transcriptDeleted: true, reportAnonymised: true },
    });
  });

  it("should export exactly one employee's data as JSON for an admin, audited, and nothing across tenants", async () => {
    const canary = `CANARY-${randomUUID()}`;
    const otherCanary = `CANARY-${randomUUID()}`;
    const employeeId = `E-export-${kind}`;
    const { id } = await interviewWith(canary, employeeId);
    await interviewWith(otherCanary, `E-other-${kind}`);
    const response = await call('/v1/privacy/exports', { body: { employeeExternalId: employeeId } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="exitbot-export-/);
    const text = await response.text();
    expect(text).toContain(canary);
    expect(text).not.toContain(otherCanary);
    const exported = JSON.parse(text) as {
      employee: { externalId: string };
      interviews: Array<{
        id: string;
        employee: { email: string };
        transcript: Array<{ text: string }>;
        report: unknown;
        hrisEvents: unknown[];
      }>;
    };
    expect(exported.employee.externalId).toBe(employeeId);
    expect(exported.interviews.map((item) => item.id)).toEqual([id]);
    expect(exported.interviews[0]?.employee.email).toBe(`${employeeId.toLowerCase()}@example.com`);
    expect(exported.interviews[0]?.hrisEvents).toHaveLength(1);
    expect(exported.interviews[0]?.report).toMatchObject({ summary: expect.any(String) });

    const foreign = await call('/v1/privacy/exports', {
      tenant: fixture.tenantB,
      body: { employeeExternalId: employeeId },
    });
    expect(((await foreign.json()) as { interviews: unknown[] }).interviews).toEqual([]);
    expect(
      (await call('/v1/privacy/exports', { as: 'analystToken', body: { employeeExternalId: employeeId } }))
        .status,
    ).toBe(403);
    expect(
      (await call('/v1/privacy/exports', { as: 'apiKey', body: { employeeExternalId: employeeId } })).status,
    ).toBe(401);
    const audit = (await (
      await call(`/v1/privacy/audit-log?action=privacy.export&targetId=${id}`)
    ).json()) as { entries: unknown[] };
    expect(audit.entries).toHaveLength(1);
  });

  it('should write one audit row for every read of a transcript or a report, by whom, with no text or tokens in the log', async () => {
    const canary = `CANARY-${randomUUID()}`;
    const { id, token, linkToken } = await interviewWith(canary, `E-audit-${kind}`);
    const count = async (action: string) =>
      (
        (await (await call(`/v1/privacy/audit-log?action=${action}&targetId=${id}`)).json()) as {
          entries: Array<{ actor: { type: string } }>;
        }
      ).entries;
    await call(`/v1/interviews/${id}/transcript`, { as: 'apiKey' });
    await call(`/v1/interviews/${id}/transcript`, { as: 'apiKey' });
    await call(`/v1/admin/interviews/${id}`);
    await call(`/v1/interviews/${id}/report`, { as: 'apiKey' });
    await call(`/v1/admin/interviews/${id}/report`);
    const transcriptReads = await count('interview.transcript.read');
    expect(transcriptReads.map((entry) => entry.actor.type).sort()).toEqual(['admin', 'api-key', 'api-key']);
    expect((await count('report.read')).map((entry) => entry.actor.type).sort()).toEqual([
      'admin',
      'api-key',
    ]);
    await call('/v1/admin/settings', { method: 'PATCH', body: { minGroupSize: 6 } });
    expect(
      (await (await call('/v1/privacy/audit-log?action=settings.*')).json()).entries.length,
    ).toBeGreaterThan(0);

    const log = await sql<{ row: unknown }>`select to_jsonb(a) as row from audit_log a`.execute(db());
    const text = JSON.stringify(log.rows);
    expect(text).not.toContain(canary);
    for (const secret of [
      token,
      linkToken,
      fixture.tenantA.apiKey,
      fixture.tenantA.adminToken,
      'whsec_',
      'eyJ',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect((await call('/v1/privacy/audit-log', { as: 'analystToken' })).status).toBe(403);
    expect((await call('/v1/privacy/audit-log', { as: 'apiKey' })).status).toBe(401);
    const page = (await (await call('/v1/privacy/audit-log?limit=2')).json()) as {
      entries: unknown[];
      nextCursor: string;
    };
    const next = (await (await call(`/v1/privacy/audit-log?limit=2&cursor=${page.nextCursor}`)).json()) as {
      entries: Array<{ id: string }>;
    };
    expect(next.entries).toHaveLength(2);
    expect(next.entries.map((entry) => entry.id)).not.toContain((page.entries[0] as { id: string }).id);
  });

  it.runIf(kind === 'pglite')(
    'should show insight quotes from reports sealed at rest (opened only for what is shown)',
    async () => {
      const canary = `CANARY-${randomUUID()}`;
      // Two more than the quote minimum (10), so that one interview classified differently does not
      // withhold the theme's quotes.
      for (let index = 0; index < 12; index += 1)
        await interviewWith(canary, `E-quote-${index}`, fixture.tenantB);
      const response = await call('/v1/admin/insights', { tenant: fixture.tenantB });
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        themes?: Array<{ key: string; quotes: string[] | { suppressed: true } }>;
      };
      const quotes = (body.themes ?? []).flatMap((theme) =>
        Array.isArray(theme.quotes) ? theme.quotes : [],
      );
      expect(
        quotes.some((quote) => quote.includes(canary)),
        JSON.stringify(body.themes),
      ).toBe(true);
      expect(await rawScan(db(), canary)).toEqual([]);
    },
    60_000,
  );

  it('should refuse UPDATE, DELETE and TRUNCATE of the audit log, for the app role and for the owner alike', async () => {
    const tenantId = fixture.tenantA.id;
    await expect(
      withTenant(fixture.database.handle, tenantId, (tx) =>
        tx.updateTable('audit_log').set({ action: 'forged' }).where('tenant_id', '=', tenantId).execute(),
      ),
    ).rejects.toThrow(/append-only/);
    await expect(
      withTenant(fixture.database.handle, tenantId, (tx) =>
        tx.deleteFrom('audit_log').where('tenant_id', '=', tenantId).execute(),
      ),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(db())).rejects.toThrow(/append-only|permission/);
    const remaining = await sql<{ count: string | number }>`select count(*) as count from audit_log`.execute(
      db(),
    );
    expect(Number(remaining.rows[0]?.count)).toBeGreaterThan(0);
    // Deleting a whole tenant still removes its entries (the cascade passes the trigger).
    const gone = await fixture.services.tenants.create({ name: 'Leaving customer' });
    await withTenant(fixture.database.handle, gone.id, async (tx) => {
      await tx
        .insertInto('audit_log')
        .values({ tenant_id: gone.id, actor_type: 'system', action: 'test' })
        .execute();
      await tx.deleteFrom('tenants').where('id', '=', gone.id).execute();
    });
    const orphaned = await sql<{
      count: string | number;
    }>`select count(*) as count from audit_log where tenant_id = ${gone.id}`.execute(db());
    expect(Number(orphaned.rows[0]?.count)).toBe(0);
  });
});
