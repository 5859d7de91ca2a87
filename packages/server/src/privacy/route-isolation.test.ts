import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestTenant } from '../testing/test-app.ts';
import { testDatabaseKinds } from '../testing/test-database.ts';
import { eventually, startTestReceiver, type TestReceiver } from '../webhooks/test-receiver.ts';

describe.each(testDatabaseKinds)('tenant isolation of the HRIS, webhook and privacy routes on %s', (kind) => {
  let fixture: TestApp;
  let receiver: TestReceiver;
  const ids = { endpoint: '', delivery: '', interview: '', eventId: '' };

  const request = (
    tenant: TestTenant | null,
    method: string,
    path: string,
    body?: unknown,
    as: 'apiKey' | 'adminToken' = 'adminToken',
  ) =>
    fixture.app.request(path, {
      method,
      headers: {
        ...(tenant ? { Authorization: `Bearer ${tenant[as]}` } : {}),
        'Content-Type': 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    fixture = await createTestApp(kind, {
      env: { EXITBOT_WEBHOOK_ALLOW_PRIVATE: 'true' },
      webhookRetryScheduleMs: [20],
    });
    receiver = await startTestReceiver();
    const endpoint = await request(fixture.tenantA, 'POST', '/v1/webhooks/endpoints', {
      url: receiver.url,
      eventTypes: ['interview.invited'],
    });
    ids.endpoint = ((await endpoint.json()) as { endpoint: { id: string } }).endpoint.id;
    ids.eventId = `evt-isolation-${kind}`;
    const event = await request(
      fixture.tenantA,
      'POST',
      '/v1/hris/events',
      {
        eventId: ids.eventId,
        employeeId: 'E-iso',
        lastDay: new Date().toISOString().slice(0, 10),
        terminationType: 'voluntary',
      },
      'apiKey',
    );
    ids.interview = ((await event.json()) as { interview: { interviewId: string } }).interview.interviewId;
    await eventually(() => receiver.received.length > 0, { tick: () => fixture.services.jobs.runOnce() });
    const deliveries = await request(fixture.tenantA, 'GET', '/v1/webhooks/deliveries');
    ids.delivery =
      ((await deliveries.json()) as { deliveries: Array<{ id: string }> }).deliveries[0]?.id ?? '';
    expect(ids.delivery).not.toBe('');
  }, 60_000);

  afterAll(async () => {
    await receiver?.close();
    await fixture?.destroy();
  });

  const routes: Array<[string, string, () => unknown, ('apiKey' | 'adminToken')?]> = [
    ['GET', '/v1/webhooks/endpoints/:endpoint', () => undefined],
    ['PATCH', '/v1/webhooks/endpoints/:endpoint', () => ({ enabled: false })],
    ['POST', '/v1/webhooks/endpoints/:endpoint/rotate-secret', () => undefined],
    ['POST', '/v1/webhooks/endpoints/:endpoint/test', () => undefined],
    ['POST', '/v1/webhooks/endpoints/:endpoint/recover', () => ({ since: '2020-01-01T00:00:00Z' })],
    ['DELETE', '/v1/webhooks/endpoints/:endpoint', () => undefined],
    ['GET', '/v1/webhooks/deliveries/:delivery', () => undefined],
    ['POST', '/v1/webhooks/deliveries/:delivery/resend', () => undefined],
    ['GET', '/v1/hris/events/:eventId', () => undefined, 'apiKey'],
    ['GET', '/v1/hris/interviews/:interview/invitation', () => undefined, 'apiKey'],
    ['POST', '/v1/hris/interviews/:interview/reissue', () => ({}), 'apiKey'],
    ['POST', '/v1/hris/interviews/:interview/revoke', () => undefined, 'apiKey'],
    ['POST', '/v1/privacy/erasures', () => ({ interviewId: ids.interview }), 'apiKey'],
  ];
  const pathOf = (template: string) =>
    template
      .replace(':endpoint', ids.endpoint)
      .replace(':delivery', ids.delivery)
      .replace(':interview', ids.interview)
      .replace(':eventId', ids.eventId);

  it.each(routes)(
    'should answer %s %s with 404 to another tenant and 401 without credentials',
    async (method, template, body, as) => {
      const foreign = await request(fixture.tenantB, method, pathOf(template), body(), as ?? 'adminToken');
      expect(foreign.status).toBe(404);
      const anonymous = await request(null, method, pathOf(template), body());
      expect(anonymous.status).toBe(401);
    },
  );

  it("should leave tenant A's endpoint, invitation and deliveries untouched after tenant B's attempts", async () => {
    const endpoint = await request(fixture.tenantA, 'GET', `/v1/webhooks/endpoints/${ids.endpoint}`);
    expect(endpoint.status).toBe(200);
    expect(((await endpoint.json()) as { enabled: boolean; secretRotation: unknown }).enabled).toBe(true);
    const invitation = await request(
      fixture.tenantA,
      'GET',
      `/v1/hris/interviews/${ids.interview}/invitation`,
      undefined,
      'apiKey',
    );
    expect(await invitation.json()).toMatchObject({ tokenVersion: 1, revokedAt: null, status: 'invited' });
    const delivery = await request(fixture.tenantA, 'GET', `/v1/webhooks/deliveries/${ids.delivery}`);
    expect(((await delivery.json()) as { attempts: unknown[] }).attempts).toHaveLength(1);
  });

  it("should list none of tenant A's endpoints, deliveries, events, exports or audit entries to tenant B", async () => {
    const endpoints = (await (await request(fixture.tenantB, 'GET', '/v1/webhooks/endpoints')).json()) as {
      endpoints: unknown[];
    };
    expect(endpoints.endpoints).toEqual([]);
    const deliveries = (await (await request(fixture.tenantB, 'GET', '/v1/webhooks/deliveries')).json()) as {
      deliveries: unknown[];
    };
    expect(deliveries.deliveries).toEqual([]);
    const exported = (await (
      await request(fixture.tenantB, 'POST', '/v1/privacy/exports', { employeeExternalId: 'E-iso' })
    ).json()) as { interviews: unknown[] };
    expect(exported.interviews).toEqual([]);
    const audit = (await (
      await request(fixture.tenantB, 'GET', `/v1/privacy/audit-log?targetId=${ids.interview}`)
    ).json()) as {
      entries: unknown[];
    };
    expect(audit.entries).toEqual([]);
    const sameEventId = await request(
      fixture.tenantB,
      'POST',
      '/v1/hris/events',
      {
        eventId: ids.eventId,
        employeeId: 'E-other',
        lastDay: new Date().toISOString().slice(0, 10),
        terminationType: 'voluntary',
      },
      'apiKey',
    );
    const outcome = (await sameEventId.json()) as { duplicate: boolean; interview: { interviewId: string } };
    expect(outcome.duplicate).toBe(false);
    expect(outcome.interview.interviewId).not.toBe(ids.interview);
  });
});
