// Analysts read the reports of identified interviews without the name (docs/hr-admins.md): the employee's
// name and id, e-mail addresses and phone numbers in the report's text are placeholders for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, messageId, postMessage, type TestApp } from '../testing/test-app.ts';
import { testDatabaseKinds } from '../testing/test-database.ts';

describe.each(testDatabaseKinds)('report views by role on %s', (kind) => {
  let fixture: TestApp;
  let interviewId = '';

  beforeAll(async () => {
    fixture = await createTestApp(kind);
    const { id, token } = await fixture.createInterview(fixture.tenantA, {
      mode: 'identified',
      employee: { externalId: 'E-7731', name: 'Dana Canary' },
    });
    interviewId = id;
    for (const body of [
      { type: 'start' },
      {
        type: 'answer',
        text: 'I am Dana Canary and the pay was low; reach me at +49 170 1234567. My manager never gave feedback.',
      },
      { type: 'finish' },
    ]) {
      const response = await postMessage(fixture.app, token, { clientMessageId: messageId(), ...body });
      await response.text();
    }
    await fixture.services.jobs.runOnce();
  }, 60_000);

  afterAll(async () => {
    await fixture?.destroy();
  });

  const read = async (path: string, token: string) => {
    const response = await fixture.app.request(path, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status, path).toBe(200);
    return JSON.stringify(await response.json());
  };

  it('should show the admin the report as written, and the analyst the same report without name, id or phone', async () => {
    for (const path of [
      `/v1/admin/interviews/${interviewId}/report`,
      `/v1/admin/insights/interviews/${interviewId}`,
    ]) {
      const admin = await read(path, fixture.tenantA.adminToken);
      expect(admin).toContain('Dana Canary');
      const analyst = await read(path, fixture.tenantA.analystToken);
      expect(analyst).not.toContain('Dana');
      expect(analyst).not.toContain('Canary');
      expect(analyst).not.toContain('E-7731');
      expect(analyst).not.toContain('1234567');
      // The rest of the report is the same: the reason and what was said about the manager.
      expect(analyst).toContain('My manager never gave feedback');
      expect(analyst).toContain('[NAME_1]');
    }
  });

  it('should redact only the texts: ids, enums, dates and numbers stay as they are even when they look like the name', async () => {
    const { id, token } = await fixture.createInterview(fixture.tenantA, {
      mode: 'identified',
      employee: { externalId: '2026', name: 'Li En Yes' },
    });
    for (const body of [
      { type: 'start' },
      { type: 'answer', text: 'Li here. The pay was low and my manager never listened.' },
      { type: 'finish' },
    ]) {
      const response = await postMessage(fixture.app, token, { clientMessageId: messageId(), ...body });
      await response.text();
    }
    await fixture.services.jobs.runOnce();
    const admin = JSON.parse(await read(`/v1/admin/interviews/${id}/report`, fixture.tenantA.adminToken));
    const analyst = JSON.parse(await read(`/v1/admin/interviews/${id}/report`, fixture.tenantA.analystToken));
    for (const field of ['interviewId', 'locale', 'generatedAt', 'wouldReturn', 'wouldRecommend', 'source'])
      expect(analyst.report[field], field).toEqual(admin.report[field]);
    expect(analyst.report.reasons.primary.reason).toBe(admin.report.reasons.primary.reason);
    expect(analyst.report.topicSentiment).toEqual(admin.report.topicSentiment);
    expect(JSON.stringify(analyst.report.keyQuotes)).not.toMatch(/\bLi\b/);
  });

  it("should show an anonymous interview's times by month only: interview, transcript, report, and the list cursor", async () => {
    const { id, token } = await fixture.createInterview(fixture.tenantA, { mode: 'anonymous' });
    for (const body of [{ type: 'start' }, { type: 'answer', text: 'The workload.' }, { type: 'finish' }]) {
      const response = await postMessage(fixture.app, token, { clientMessageId: messageId(), ...body });
      await response.text();
    }
    await fixture.services.jobs.runOnce();
    const month = /^\d{4}-\d{2}$/;
    const detail = JSON.parse(await read(`/v1/admin/interviews/${id}`, fixture.tenantA.adminToken)) as {
      interview: Record<string, string | null>;
      transcript: Array<{ at: string }>;
    };
    for (const field of ['createdAt', 'startedAt', 'endedAt', 'expiresAt'])
      expect(detail.interview[field], field).toMatch(month);
    expect(detail.transcript.length).toBeGreaterThan(2);
    expect(detail.transcript.every((entry) => month.test(entry.at))).toBe(true);
    for (const token of [fixture.tenantA.adminToken, fixture.tenantA.analystToken]) {
      const report = JSON.parse(await read(`/v1/admin/interviews/${id}/report`, token)) as {
        createdAt: string;
        report: { generatedAt: string };
      };
      expect(report.createdAt).toMatch(month);
      expect(report.report.generatedAt).toMatch(month);
    }
    // An identified interview keeps exact times.
    const identified = JSON.parse(
      await read(`/v1/admin/interviews/${interviewId}`, fixture.tenantA.adminToken),
    ) as {
      interview: { createdAt: string };
    };
    expect(identified.interview.createdAt).toMatch(/T\d{2}:\d{2}:\d{2}/);
    // Its place in the list and the createdAfter filter tell no more than the month: it sorts after the
    // month's other interviews (as if created at the month's start), and a bound inside the month leaves it out.
    const all = JSON.parse(await read('/v1/admin/interviews?limit=100', fixture.tenantA.adminToken)) as {
      interviews: Array<{ id: string; mode: string }>;
    };
    const ids = all.interviews.map((entry) => entry.id);
    expect(ids.indexOf(id)).toBe(ids.length - 1);
    const monthStart = `${new Date().toISOString().slice(0, 7)}-01T00:00:00Z`;
    const sinceMonthStart = JSON.parse(
      await read(`/v1/admin/interviews?limit=100&createdAfter=${monthStart}`, fixture.tenantA.adminToken),
    ) as { interviews: Array<{ id: string }> };
    expect(sinceMonthStart.interviews.map((entry) => entry.id)).toContain(id);
    const justBefore = new Date(Math.max(Date.now() - 60_000, Date.parse(monthStart) + 1)).toISOString();
    const sinceJustBefore = JSON.parse(
      await read(`/v1/admin/interviews?limit=100&createdAfter=${justBefore}`, fixture.tenantA.adminToken),
    ) as { interviews: Array<{ id: string }> };
    expect(sinceJustBefore.interviews.map((entry) => entry.id)).not.toContain(id);
    // The list's cursor is sealed: it carries no readable time, and a forged one is refused.
    const page = JSON.parse(await read('/v1/admin/interviews?limit=1', fixture.tenantA.adminToken)) as {
      nextCursor: string;
    };
    expect(page.nextCursor).toMatch(/^ev1\./);
    expect(page.nextCursor).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    const next = await fixture.app.request(`/v1/admin/interviews?limit=1&cursor=${page.nextCursor}`, {
      headers: { Authorization: `Bearer ${fixture.tenantA.adminToken}` },
    });
    expect(next.status).toBe(200);
    const forged = Buffer.from(JSON.stringify({ c: new Date().toISOString(), i: id })).toString('base64url');
    const refused = await fixture.app.request(`/v1/admin/interviews?limit=1&cursor=${forged}`, {
      headers: { Authorization: `Bearer ${fixture.tenantA.adminToken}` },
    });
    expect(refused.status).toBe(400);
  });
});
