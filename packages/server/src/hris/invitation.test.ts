import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../db/scope.ts';
import { createTestApp, messageId, postMessage, type TestApp, type TestTenant } from '../testing/test-app.ts';
import { testDatabaseKinds } from '../testing/test-database.ts';
import { eventually, startTestReceiver, type TestReceiver } from '../webhooks/test-receiver.ts';
import { invitationSchedule, tenureMonths } from './invitation.service.ts';
import { defaultInvitationSettings } from './invitation-settings.ts';

const dayMs = 86_400_000;
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * dayMs).toISOString().slice(0, 10);

describe('invitation schedule', () => {
  it('should invite N days before the last day at the send hour, never in the past, and remind and expire after it', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    const later = invitationSchedule('2026-12-10', defaultInvitationSettings, now);
    expect(later.inviteAt.toISOString()).toBe('2026-12-07T09:00:00.000Z');
    expect(later.remindAt?.toISOString()).toBe('2026-12-10T09:00:00.000Z');
    expect(later.expiresAt.toISOString()).toBe('2026-12-21T09:00:00.000Z');
    const late = invitationSchedule(
      '2026-11-20',
      { ...defaultInvitationSettings, reminderAfterDays: 0 },
      now,
    );
    expect(late.inviteAt.getTime()).toBe(now);
    expect(late.remindAt).toBeNull();
    const after = invitationSchedule(
      '2026-12-10',
      { ...defaultInvitationSettings, offsetDays: 5, sendHourUtc: 14 },
      now,
    );
    expect(after.inviteAt.toISOString()).toBe('2026-12-15T14:00:00.000Z');
  });

  it('should count whole months of tenure', () => {
    expect(tenureMonths('2021-03-15', '2026-03-14')).toBe(59);
    expect(tenureMonths('2021-03-15', '2026-03-15')).toBe(60);
    expect(tenureMonths('2026-03-15', '2026-03-20')).toBe(0);
  });
});

describe.each(testDatabaseKinds)('HRIS invitations on %s', (kind) => {
  let fixture: TestApp;
  let receiver: TestReceiver;
  const runJobs = () => fixture.services.jobs.runOnce();

  const call = (
    tenant: TestTenant,
    path: string,
    body?: unknown,
    method = 'POST',
    credential: 'apiKey' | 'adminToken' = 'apiKey',
  ) =>
    fixture.app.request(path, {
      method,
      headers: { Authorization: `Bearer ${tenant[credential]}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  let sequence = 0;
  const leftEvent = (overrides: Record<string, unknown> = {}) => {
    sequence += 1;
    return {
      eventId: `evt-${kind}-${sequence}-${Date.now()}`,
      employeeId: `E-${kind}-${sequence}`,
      name: 'Robin Park',
      email: 'robin.park@example.com',
      department: 'Engineering',
      location: 'Lisbon',
      level: 'L4',
      startDate: '2022-01-10',
      lastDay: isoDay(1),
      terminationType: 'voluntary',
      ...overrides,
    };
  };

  type Outcome = {
    eventId: string;
    outcome: string;
    reason: string | null;
    duplicate: boolean;
    link: string | null;
    interview: {
      interviewId: string;
      inviteAt: string;
      remindAt: string | null;
      expiresAt: string;
      tokenVersion: number;
    } | null;
  };

  async function send(
    event: Record<string, unknown>,
    tenant = fixture.tenantA,
  ): Promise<Outcome & { status: number }> {
    const response = await call(tenant, '/v1/hris/events', event);
    return { status: response.status, ...((await response.json()) as Outcome) };
  }

  /** Moves the interview's due jobs and times into the past (what waiting days would do). */
  async function travel(interviewId: string, column: 'invite_at' | 'remind_at' | 'expires_at') {
    await withTenant(fixture.database.handle, fixture.tenantA.id, async (db) => {
      await db
        .updateTable('interviews')
        .set({ [column]: new Date(Date.now() - 1000) })
        .where('tenant_id', '=', fixture.tenantA.id)
        .where('id', '=', interviewId)
        .execute();
      await sql`update outbox set run_at = now() - interval '1 second'
        where tenant_id = ${fixture.tenantA.id} and done_at is null and split_part(key, '@', 1) = ${interviewId}`.execute(
        db,
      );
    });
  }

  const eventsFor = (interviewId: string, type?: string) =>
    receiver.received.filter(
      (item) => item.event.data.interviewId === interviewId && (!type || item.event.type === type),
    );

  const linkToken = (link: string) => link.split('#token=')[1] ?? '';

  beforeAll(async () => {
    fixture = await createTestApp(kind, {
      env: { EXITBOT_WEBHOOK_ALLOW_PRIVATE: 'true' },
      webhookRetryScheduleMs: [30],
    });
    receiver = await startTestReceiver();
    const response = await call(
      fixture.tenantA,
      '/v1/webhooks/endpoints',
      {
        url: receiver.url,
        eventTypes: [
          'interview.invited',
          'interview.reminder',
          'interview.started',
          'interview.expired',
          'interview.revoked',
        ],
      },
      'POST',
      'adminToken',
    );
    expect(response.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await receiver?.close();
    await fixture?.destroy();
  });

  it('should create one scheduled interview per event id, answer a repeat as a duplicate, and keep only tenure from the start date', async () => {
    const event = leftEvent({ lastDay: isoDay(20) });
    const first = await send(event);
    expect(first.status).toBe(201);
    expect(first).toMatchObject({ outcome: 'created', duplicate: false, reason: null });
    expect(first.link).toMatch(/^http:\/\/exitbot\.test\/i#token=/);
    const expectedInvite = Date.parse(`${isoDay(17)}T09:00:00Z`);
    expect(Date.parse(first.interview?.inviteAt ?? '')).toBe(expectedInvite);
    expect(Date.parse(first.interview?.expiresAt ?? '')).toBe(expectedInvite + 14 * dayMs);
    expect(Date.parse(first.interview?.remindAt ?? '')).toBe(expectedInvite + 3 * dayMs);

    const again = await send(event);
    expect(again.status).toBe(200);
    expect(again).toMatchObject({ outcome: 'created', duplicate: true });
    expect(again.interview?.interviewId).toBe(first.interview?.interviewId);

    const row = await withTenant(fixture.database.handle, fixture.tenantA.id, (db) =>
      db.selectFrom('interviews').selectAll().where('employee_external_id', '=', event.employeeId).execute(),
    );
    expect(row).toHaveLength(1);
    expect(row[0]).toMatchObject({
      employee_email: 'robin.park@example.com',
      tenure_months: Math.floor((Date.parse(isoDay(20)) - Date.parse('2022-01-10')) / (30.44 * dayMs)),
      termination_type: 'voluntary',
      last_day: isoDay(20),
    });
    const lookup = await call(
      fixture.tenantA,
      `/v1/hris/events/${encodeURIComponent(event.eventId)}`,
      undefined,
      'GET',
    );
    expect(((await lookup.json()) as Outcome).interview?.interviewId).toBe(first.interview?.interviewId);
  });

  it('should create exactly one interview when the same event arrives five times at once', async () => {
    const event = leftEvent();
    const results = await Promise.all(Array.from({ length: 5 }, () => send(event)));
    expect(results.filter((result) => !result.duplicate)).toHaveLength(1);
    expect(new Set(results.map((result) => result.interview?.interviewId)).size).toBe(1);
    const rows = await withTenant(fixture.database.handle, fixture.tenantA.id, (db) =>
      db.selectFrom('interviews').select('id').where('employee_external_id', '=', event.employeeId).execute(),
    );
    expect(rows).toHaveLength(1);
  });

  it('should skip involuntary terminations unless the tenant setting invites them', async () => {
    const skipped = await send(leftEvent({ terminationType: 'involuntary' }));
    expect(skipped).toMatchObject({
      outcome: 'skipped',
      reason: 'involuntary-termination',
      interview: null,
      link: null,
    });
    const patched = await call(
      fixture.tenantA,
      '/v1/admin/settings',
      { invitations: { inviteInvoluntary: true } },
      'PATCH',
      'adminToken',
    );
    expect(patched.status).toBe(200);
    expect(
      (
        (await patched.json()) as {
          settings: { invitations: { inviteInvoluntary: boolean; offsetDays: number } };
        }
      ).settings.invitations,
    ).toMatchObject({
      inviteInvoluntary: true,
      offsetDays: -3,
    });
    const invited = await send(leftEvent({ terminationType: 'involuntary' }));
    expect(invited.outcome).toBe('created');
    await call(
      fixture.tenantA,
      '/v1/admin/settings',
      { invitations: { inviteInvoluntary: false } },
      'PATCH',
      'adminToken',
    );
  });

  it('should move an invitation not sent yet when a corrected event arrives for the same employee', async () => {
    const first = await send(leftEvent({ employeeId: `E-moved-${kind}`, lastDay: isoDay(30) }));
    const corrected = await send(leftEvent({ employeeId: `E-moved-${kind}`, lastDay: isoDay(40) }));
    expect(corrected).toMatchObject({ outcome: 'updated', duplicate: false });
    expect(corrected.interview?.interviewId).toBe(first.interview?.interviewId);
    expect(Date.parse(corrected.interview?.inviteAt ?? '')).toBe(Date.parse(`${isoDay(37)}T09:00:00Z`));
  });

  it('should store no identity in anonymous mode and still carry the link in the invitation webhook', async () => {
    const outcome = await send(leftEvent({ mode: 'anonymous' }));
    const id = outcome.interview?.interviewId ?? '';
    const row = await withTenant(fixture.database.handle, fixture.tenantA.id, (db) =>
      db.selectFrom('interviews').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    );
    expect(row).toMatchObject({
      employee_external_id: null,
      employee_name: null,
      employee_email: null,
      department: null,
    });
    await eventually(() => eventsFor(id, 'interview.invited').length === 1, { tick: runJobs });
    const data = eventsFor(id, 'interview.invited')[0]?.event.data;
    expect(data?.employee).toBeUndefined();
    expect(data?.hrisEventId).toBe(outcome.eventId);
    expect(String(data?.link)).toMatch(/#token=/);
  });

  it('should not lead back from the event id (which names the employee) to their anonymous interview', async () => {
    const event = leftEvent({ mode: 'anonymous' });
    const created = await send(event);
    expect(created.interview?.interviewId).toBeTruthy();
    // Looked up again, by the HRIS or by an HR admin: the outcome without the interview or its link.
    for (const credential of ['apiKey', 'adminToken'] as const) {
      const looked = await call(
        fixture.tenantA,
        `/v1/hris/events/${event.eventId}`,
        undefined,
        'GET',
        credential,
      );
      expect(looked.status).toBe(200);
      expect(await looked.json()).toMatchObject({ outcome: 'created', interview: null, link: null });
    }
    const repeated = await send(event);
    expect(repeated).toMatchObject({ duplicate: true, interview: null, link: null });
  });

  it('should send the invitation at its time, remind once while not started, and never remind someone who started', async () => {
    const waiting = await send(leftEvent({ lastDay: isoDay(10) }));
    const starter = await send(leftEvent({ lastDay: isoDay(10) }));
    const [waitingId, starterId] = [
      waiting.interview?.interviewId ?? '',
      starter.interview?.interviewId ?? '',
    ];
    await runJobs();
    expect(eventsFor(waitingId)).toHaveLength(0);

    await travel(waitingId, 'invite_at');
    await travel(starterId, 'invite_at');
    await eventually(
      () =>
        eventsFor(waitingId, 'interview.invited').length === 1 &&
        eventsFor(starterId, 'interview.invited').length === 1,
      {
        tick: runJobs,
      },
    );
    const invited = eventsFor(waitingId, 'interview.invited')[0]?.event.data as {
      link: string;
      employee: { email: string };
    };
    expect(invited.employee.email).toBe('robin.park@example.com');

    const starterLink = String(eventsFor(starterId, 'interview.invited')[0]?.event.data.link);
    const session = await fixture.app.request('/v1/interview/session', {
      method: 'POST',
      headers: { Authorization: `Bearer ${linkToken(starterLink)}` },
    });
    const { token } = (await session.json()) as { token: string };
    await postMessage(fixture.app, token, { clientMessageId: messageId(), type: 'start' });

    await travel(waitingId, 'remind_at');
    await travel(starterId, 'remind_at');
    await eventually(() => eventsFor(waitingId, 'interview.reminder').length === 1, { tick: runJobs });
    await runJobs();
    await runJobs();
    expect(eventsFor(waitingId, 'interview.reminder')).toHaveLength(1);
    expect(eventsFor(starterId, 'interview.reminder')).toHaveLength(0);
    expect(eventsFor(starterId, 'interview.started')).toHaveLength(1);
    const reminder = eventsFor(waitingId, 'interview.reminder')[0]?.event.data as { link: string };
    const opened = await fixture.app.request('/v1/interview', {
      headers: { Authorization: `Bearer ${linkToken(reminder.link)}` },
    });
    expect(opened.status).toBe(200);
  });

  it('should exchange the link for a shorter session token and record when it was first opened', async () => {
    const outcome = await send(leftEvent());
    const response = await fixture.app.request('/v1/interview/session', {
      method: 'POST',
      headers: { Authorization: `Bearer ${linkToken(outcome.link ?? '')}` },
    });
    expect(response.status).toBe(200);
    const session = (await response.json()) as { token: string; expiresAt: string; interviewId: string };
    expect(session.interviewId).toBe(outcome.interview?.interviewId);
    expect(Date.parse(session.expiresAt)).toBeLessThanOrEqual(Date.now() + 8 * 3_600_000 + 1000);
    expect(session.token).not.toBe(linkToken(outcome.link ?? ''));
    const view = await fixture.app.request('/v1/interview', {
      headers: { Authorization: `Bearer ${session.token}` },
    });
    expect(view.status).toBe(200);
    const invitation = await call(
      fixture.tenantA,
      `/v1/hris/interviews/${session.interviewId}/invitation`,
      undefined,
      'GET',
    );
    expect(((await invitation.json()) as { openedAt: string | null }).openedAt).not.toBeNull();
  });

  it('should re-issue a link: the new token works, every older link and session token is refused', async () => {
    const outcome = await send(leftEvent());
    const id = outcome.interview?.interviewId ?? '';
    const oldLink = linkToken(outcome.link ?? '');
    const oldSession = (await (
      await fixture.app.request('/v1/interview/session', {
        method: 'POST',
        headers: { Authorization: `Bearer ${oldLink}` },
      })
    ).json()) as { token: string };
    const reissued = await call(fixture.tenantA, `/v1/hris/interviews/${id}/reissue`, { expiresInDays: 5 });
    expect(reissued.status).toBe(200);
    const body = (await reissued.json()) as {
      link: string;
      invitation: { tokenVersion: number; expiresAt: string };
    };
    expect(body.invitation.tokenVersion).toBe(2);
    expect(Date.parse(body.invitation.expiresAt)).toBeGreaterThan(Date.now() + 4 * dayMs);
    for (const stale of [oldLink, oldSession.token]) {
      expect(
        (await fixture.app.request('/v1/interview', { headers: { Authorization: `Bearer ${stale}` } }))
          .status,
      ).toBe(401);
    }
    const fresh = await fixture.app.request('/v1/interview', {
      headers: { Authorization: `Bearer ${linkToken(body.link)}` },
    });
    expect(fresh.status).toBe(200);
    await eventually(
      () => eventsFor(id, 'interview.invited').some((item) => item.event.data.reissued === true),
      { tick: runJobs },
    );
  });

  it('should revoke every token of an interview at once and tell the receiver', async () => {
    const outcome = await send(leftEvent());
    const id = outcome.interview?.interviewId ?? '';
    const revoked = await call(
      fixture.tenantA,
      `/v1/hris/interviews/${id}/revoke`,
      undefined,
      'POST',
      'adminToken',
    );
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revokedAt: string | null }).revokedAt).not.toBeNull();
    const refused = await fixture.app.request('/v1/interview', {
      headers: { Authorization: `Bearer ${linkToken(outcome.link ?? '')}` },
    });
    expect(refused.status).toBe(401);
    await eventually(() => eventsFor(id, 'interview.revoked').length === 1, { tick: runJobs });
  });

  it('should expire an interview after its due date through the sweep, and reopen it on re-issue', async () => {
    const outcome = await send(leftEvent());
    const id = outcome.interview?.interviewId ?? '';
    await travel(id, 'expires_at');
    const sweep = await call(fixture.tenantA, '/v1/privacy/retention/run', undefined, 'POST', 'adminToken');
    expect(((await sweep.json()) as { expired: number }).expired).toBeGreaterThanOrEqual(1);
    await eventually(() => eventsFor(id, 'interview.expired').length === 1, { tick: runJobs });
    const reissued = await call(fixture.tenantA, `/v1/hris/interviews/${id}/reissue`, {});
    const body = (await reissued.json()) as { link: string; invitation: { status: string } };
    expect(body.invitation.status).toBe('invited');
    const view = await fixture.app.request('/v1/interview', {
      headers: { Authorization: `Bearer ${linkToken(body.link)}` },
    });
    expect(((await view.json()) as { interview: { status: string } }).interview.status).toBe('invited');
  });

  it('should take bulk events, one answer per event, a repeated id inside the batch counted once', async () => {
    const event = leftEvent();
    const response = await call(fixture.tenantA, '/v1/hris/events/bulk', {
      events: [event, leftEvent({ terminationType: 'involuntary' }), event],
    });
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: Outcome[] };
    expect(results.map((result) => [result.outcome, result.duplicate])).toEqual([
      ['created', false],
      ['skipped', false],
      ['created', true],
    ]);
    const invalid = await call(fixture.tenantA, '/v1/hris/events/bulk', {
      events: [{ ...event, lastDay: '2026-13-40' }],
    });
    expect(invalid.status).toBe(400);
  });

  it('should serve the /i landing page with its script only from the server (strict CSP, no inline script)', async () => {
    const page = await fixture.app.request('/i');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/i.js"></script>');
    expect(html).not.toMatch(/<script(?![^>]*src=)[^>]*>/);
    const script = await (await fixture.app.request('/i.js')).text();
    expect(script).toContain('history.replaceState');
    expect(script).toContain('/v1/interview/session');
  });
});
