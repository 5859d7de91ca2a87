// An interview erased while its report is being written must not get the report back: the job checks the
// interview again, under its row lock, before it stores anything.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../db/scope.ts';
import { createTestApp, messageId, postMessage, type TestApp } from '../testing/test-app.ts';
import { testDatabaseKinds } from '../testing/test-database.ts';

describe.each(testDatabaseKinds)('a report job racing an erasure on %s', (kind) => {
  let fixture: TestApp;
  let reached: () => void = () => undefined;
  let release: () => void = () => undefined;

  beforeAll(async () => {
    // The report call waits until the test lets it go (the model is slow), then fails: the offline
    // report is written instead, as in production.
    const model = {
      provider: 'fake',
      modelId: 'fake-1',
      async *streamText() {
        yield 'What else would you like to say about that?';
      },
      async generateObject(): Promise<never> {
        reached();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        throw new Error('model down');
      },
    };
    fixture = await createTestApp(kind, { model: model as never });
  }, 60_000);

  afterAll(async () => {
    await fixture?.destroy();
  });

  it('should store no report, no signals and no completed status for an interview erased meanwhile', async () => {
    const { id, token } = await fixture.createInterview(fixture.tenantA, {
      mode: 'identified',
      employee: { externalId: 'E-race', name: 'Dana Canary' },
    });
    for (const body of [
      { type: 'start' },
      { type: 'answer', text: 'CANARY-RACE my manager never listened.' },
      { type: 'finish' },
    ]) {
      const response = await postMessage(fixture.app, token, { clientMessageId: messageId(), ...body });
      expect(response.status).toBe(200);
      await response.text();
    }
    const generating = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const jobs = fixture.services.jobs.runOnce();
    await generating;
    const erased = await fixture.app.request(`/v1/interviews/${id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${fixture.tenantA.apiKey}` },
    });
    expect(erased.status).toBe(204);
    release();
    expect(await jobs).toBeGreaterThanOrEqual(1);

    const report = await fixture.app.request(`/v1/admin/interviews/${id}/report`, {
      headers: { Authorization: `Bearer ${fixture.tenantA.adminToken}` },
    });
    expect(report.status).toBe(404);
    const rows = await withTenant(fixture.database.handle, fixture.tenantA.id, async (db) => ({
      reports: await db.selectFrom('reports').select('interview_id').where('interview_id', '=', id).execute(),
      signals: (
        await sql<{
          n: number;
        }>`select count(*)::int as n from report_signals where interview_id = ${id}`.execute(db)
      ).rows[0]?.n,
      interview: await db
        .selectFrom('interviews')
        .select(['status', 'report_status'])
        .where('id', '=', id)
        .executeTakeFirst(),
    }));
    expect(rows.reports).toEqual([]);
    expect(rows.signals).toBe(0);
    expect(rows.interview?.status).toBe('erased');
  });

  it('should end an interview purged before its report job ran: completed, report none, never pending for good', async () => {
    const { id, token } = await fixture.createInterview(fixture.tenantA);
    for (const body of [
      { type: 'start' },
      { type: 'answer', text: 'Too much travel.' },
      { type: 'finish' },
    ]) {
      const response = await postMessage(fixture.app, token, { clientMessageId: messageId(), ...body });
      await response.text();
    }
    // Retention got there first (as its anonymisation does: state gone, purged_at set).
    await sql`update interviews set state = null, purged_at = now() where id = ${id}`.execute(
      fixture.database.handle.db,
    );
    reached = () => undefined;
    release = () => undefined;
    await fixture.services.jobs.runOnce();
    const row = await withTenant(fixture.database.handle, fixture.tenantA.id, (db) =>
      db.selectFrom('interviews').select(['status', 'report_status']).where('id', '=', id).executeTakeFirst(),
    );
    expect(row).toEqual({ status: 'completed', report_status: 'none' });
  });
});
