import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../db/scope.ts';
import { createLogger } from '../logger.ts';
import { createTestApp, messageId, postMessage, type TestApp } from '../testing/test-app.ts';
import { testDatabaseKinds } from '../testing/test-database.ts';
import { createJobRunner, retryDelayMs } from './job-runner.ts';
import { enqueueJob } from './outbox.repository.ts';

describe.each(testDatabaseKinds)('report jobs through the outbox on %s', (kind) => {
  let fixture: TestApp;

  beforeAll(async () => {
    fixture = await createTestApp(kind);
  }, 60_000);

  afterAll(async () => {
    await fixture?.destroy();
  });

  it('should finish the batch in hand on stop() but claim no further one, and leave the rest to the next runner', async () => {
    const topic = `test.slow.${kind}`;
    await withTenant(fixture.database.handle, fixture.tenantA.id, async (db) => {
      for (let index = 0; index < 8; index += 1)
        await enqueueJob(db, fixture.tenantA.id, { topic, key: `slow-${index}`, payload: {} });
    });
    let began = 0;
    let ended = 0;
    const slow = async () => {
      began += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
      ended += 1;
    };
    const logger = createLogger({ level: 'silent' });
    const options = { database: fixture.database.handle, logger, handlers: { [topic]: slow }, batchSize: 2 };
    const runner = createJobRunner(options);
    runner.start();
    while (began === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await runner.stop();
    // The two claimed jobs ran to the end; the six others were not touched.
    expect({ began, ended }).toEqual({ began: 2, ended: 2 });
    const next = createJobRunner({ ...options, leaseMs: 60_000 });
    expect(await next.runOnce()).toBe(6);
    expect(ended).toBe(8);
  });

  it('should keep the report job when the process stops between finish and report, and run it in another process', async () => {
    const { id, token } = await fixture.createInterview(fixture.tenantA);
    await postMessage(fixture.app, token, { clientMessageId: messageId(), type: 'start' });
    await postMessage(fixture.app, token, {
      clientMessageId: messageId(),
      type: 'answer',
      text: 'The pay was too low.',
    });
    const finish = (await (
      await postMessage(fixture.app, token, { clientMessageId: messageId(), type: 'finish' })
    ).json()) as {
      events: { type: string }[];
    };
    expect(finish.events.map((event) => event.type)).toContain('interview-end');

    // Nothing ran the job in this "process" (its runner was never started): the job waits in the outbox.
    const pending = await withTenant(fixture.database.handle, fixture.tenantA.id, (db) =>
      db
        .selectFrom('outbox')
        .selectAll()
        .where('tenant_id', '=', fixture.tenantA.id)
        .where('key', '=', id)
        .execute(),
    );
    expect(pending).toHaveLength(1);
    expect(pending[0]?.done_at).toBeNull();

    // "Restart": new services on the same database.
    const restarted = await createTestApp(kind, { database: fixture.database });
    expect(await restarted.services.jobs.runOnce()).toBeGreaterThanOrEqual(1);
    const report = await restarted.app.request(`/v1/interviews/${id}/report`, {
      headers: { Authorization: `Bearer ${fixture.tenantA.apiKey}` },
    });
    expect(report.status).toBe(200);
    const interview = (await (
      await restarted.app.request(`/v1/interviews/${id}`, {
        headers: { Authorization: `Bearer ${fixture.tenantA.apiKey}` },
      })
    ).json()) as {
      status: string;
    };
    expect(interview.status).toBe('completed');
    expect(await restarted.services.jobs.runOnce()).toBe(0);
  });

  it('should retry a failing job with backoff and give up after its attempts', async () => {
    const { id } = await fixture.createInterview(fixture.tenantA);
    await withTenant(fixture.database.handle, fixture.tenantA.id, (db) =>
      db
        .insertInto('outbox')
        .values({
          tenant_id: fixture.tenantA.id,
          topic: 'no-such-topic',
          key: id,
          payload: '{}',
          max_attempts: 2,
        })
        .execute(),
    );
    expect(await fixture.services.jobs.runOnce()).toBe(1);
    const [job] = await withTenant(fixture.database.handle, fixture.tenantA.id, (db) =>
      db
        .selectFrom('outbox')
        .selectAll()
        .where('tenant_id', '=', fixture.tenantA.id)
        .where('topic', '=', 'no-such-topic')
        .execute(),
    );
    expect(job?.attempts).toBe(1);
    expect(job?.last_error).toContain('No handler');
    expect(job?.run_at.getTime()).toBeGreaterThan(Date.now());
    expect(job?.failed_at).toBeNull();
    await withTenant(fixture.database.handle, fixture.tenantA.id, (db) =>
      db
        .updateTable('outbox')
        .set({ run_at: new Date(Date.now() - 1000) })
        .where('tenant_id', '=', fixture.tenantA.id)
        .where('topic', '=', 'no-such-topic')
        .execute(),
    );
    expect(await fixture.services.jobs.runOnce()).toBe(1);
    const [failed] = await withTenant(fixture.database.handle, fixture.tenantA.id, (db) =>
      db
        .selectFrom('outbox')
        .selectAll()
        .where('tenant_id', '=', fixture.tenantA.id)
        .where('topic', '=', 'no-such-topic')
        .execute(),
    );
    expect(failed?.failed_at).not.toBeNull();
  });

  it('should grow the retry delay exponentially up to a cap', () => {
    expect(retryDelayMs(1)).toBeGreaterThanOrEqual(1500);
    expect(retryDelayMs(1)).toBeLessThanOrEqual(2500);
    expect(retryDelayMs(5)).toBeGreaterThanOrEqual(24_000);
    expect(retryDelayMs(30)).toBeLessThanOrEqual(750_000);
  });

  it('should erase an interview: messages, report and identity gone, tombstone and audit entry kept', async () => {
    const { id, token } = await fixture.createInterview(fixture.tenantA, {
      mode: 'identified',
      employee: { name: 'Sam Roe', externalId: 'E-1' },
    });
    await postMessage(fixture.app, token, { clientMessageId: messageId(), type: 'start' });
    await postMessage(fixture.app, token, {
      clientMessageId: messageId(),
      type: 'answer',
      text: 'Bad manager.',
    });
    const erased = await fixture.app.request(`/v1/interviews/${id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${fixture.tenantA.apiKey}` },
    });
    expect(erased.status).toBe(204);
    const stored = await withTenant(fixture.database.handle, fixture.tenantA.id, async (db) => ({
      interview: await db
        .selectFrom('interviews')
        .selectAll()
        .where('tenant_id', '=', fixture.tenantA.id)
        .where('id', '=', id)
        .executeTakeFirst(),
      messages: await db
        .selectFrom('messages')
        .select('seq')
        .where('tenant_id', '=', fixture.tenantA.id)
        .where('interview_id', '=', id)
        .execute(),
      audit: await db
        .selectFrom('audit_log')
        .select('action')
        .where('tenant_id', '=', fixture.tenantA.id)
        .where('target_id', '=', id)
        .execute(),
    }));
    expect(stored.interview).toMatchObject({
      status: 'erased',
      employee_name: null,
      employee_external_id: null,
      state: null,
      department: null,
    });
    expect(stored.messages).toEqual([]);
    expect(stored.audit.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['interview.create', 'interview.erase']),
    );
    expect(
      (await fixture.app.request('/v1/interview', { headers: { Authorization: `Bearer ${token}` } })).status,
    ).toBe(404);
  });

  it('should not store who the employee is in anonymous mode', async () => {
    const response = await fixture.app.request('/v1/interviews', {
      method: 'POST',
      headers: { Authorization: `Bearer ${fixture.tenantA.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        mode: 'anonymous',
        employee: { name: 'Alex', externalId: 'E-9' },
        attributes: { department: 'Ops', tenureMonths: 12 },
      }),
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as {
      interview: { id: string; employee: unknown; attributes: unknown };
    };
    expect(created.interview.employee).toBeNull();
    expect(created.interview.attributes).toBeNull();
    const row = await withTenant(fixture.database.handle, fixture.tenantA.id, (db) =>
      db
        .selectFrom('interviews')
        .selectAll()
        .where('tenant_id', '=', fixture.tenantA.id)
        .where('id', '=', created.interview.id)
        .executeTakeFirst(),
    );
    expect(row).toMatchObject({
      employee_name: null,
      employee_external_id: null,
      department: null,
      tenure_months: null,
    });
  });
});
