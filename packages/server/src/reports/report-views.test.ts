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
});
