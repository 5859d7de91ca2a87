import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../db/scope.ts';
import { createTestApp, messageId, postMessage, type TestApp, type TestTenant } from '../testing/test-app.ts';
import { testDatabaseKinds } from '../testing/test-database.ts';
import { sendWebhookRequest } from './http-sender.ts';
import {
  eventually,
  referenceSignatureValid,
  startTestReceiver,
  type TestReceiver,
} from './test-receiver.ts';

const json = (tenant: TestTenant, body?: unknown, method = 'POST') => ({
  method,
  headers: { Authorization: `Bearer ${tenant.adminToken}`, 'Content-Type': 'application/json' },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

describe.each(testDatabaseKinds)('webhook delivery on %s', (kind) => {
  let fixture: TestApp;
  let receiver: TestReceiver;
  const runJobs = () => fixture.services.jobs.runOnce();

  async function register(eventTypes: string[], tenant = fixture.tenantA) {
    const response = await fixture.app.request(
      '/v1/webhooks/endpoints',
      json(tenant, { url: receiver.url, eventTypes }),
    );
    expect(response.status).toBe(201);
    return (await response.json()) as { endpoint: { id: string }; secret: string };
  }

  async function delivery(id: string) {
    const response = await fixture.app.request(
      `/v1/webhooks/deliveries/${id}`,
      json(fixture.tenantA, undefined, 'GET'),
    );
    expect(response.status).toBe(200);
    return (await response.json()) as {
      status: string;
      attempts: Array<{ attempt: number; statusCode: number | null; trigger: string; error: string | null }>;
    };
  }

  async function deliveriesOf(endpointId: string) {
    const response = await fixture.app.request(
      `/v1/webhooks/deliveries?endpointId=${endpointId}`,
      json(fixture.tenantA, undefined, 'GET'),
    );
    return (
      (await response.json()) as { deliveries: Array<{ id: string; status: string; eventType: string }> }
    ).deliveries;
  }

  beforeAll(async () => {
    fixture = await createTestApp(kind, {
      env: { EXITBOT_WEBHOOK_ALLOW_PRIVATE: 'true' },
      webhookRetryScheduleMs: [40, 40, 40],
    });
    receiver = await startTestReceiver();
  }, 60_000);

  afterAll(async () => {
    await receiver?.close();
    await fixture?.destroy();
  });

  it('should show the secret once, store it encrypted, and deliver events signed as the reference receiver expects', async () => {
    const { endpoint, secret } = await register(['interview.invited', 'interview.started']);
    expect(secret).toMatch(/^whsec_/);
    const listed = await (
      await fixture.app.request('/v1/webhooks/endpoints', json(fixture.tenantA, undefined, 'GET'))
    ).text();
    expect(listed).toContain(endpoint.id);
    expect(listed).not.toContain(secret.slice(6));
    const stored = await withTenant(fixture.database.handle, fixture.tenantA.id, (db) =>
      db
        .selectFrom('webhook_endpoints')
        .select('secret_sealed')
        .where('id', '=', endpoint.id)
        .executeTakeFirstOrThrow(),
    );
    expect(stored.secret_sealed).toMatch(/^ev1\./);
    expect(stored.secret_sealed).not.toContain(secret.slice(6));

    const before = receiver.received.length;
    const { id, token } = await fixture.createInterview(fixture.tenantA, {
      mode: 'identified',
      employee: { externalId: 'E-7', name: 'Kim Doe' },
    });
    await eventually(() => receiver.received.some((item) => item.event.data.interviewId === id), {
      tick: runJobs,
    });
    await postMessage(fixture.app, token, { clientMessageId: messageId(), type: 'start' });
    await eventually(
      () => receiver.received.filter((item) => item.event.data.interviewId === id).length === 2,
      { tick: runJobs },
    );
    const got = receiver.received.slice(before);
    expect(got.map((item) => item.event.type)).toEqual(['interview.invited', 'interview.started']);
    for (const item of got) {
      expect(referenceSignatureValid(secret, item)).toBe(true);
      expect(Math.abs(Number(item.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    }
    const invited = got[0]?.event.data as { link: string; employee: { externalId: string; name: string } };
    expect(invited.link).toMatch(/^http:\/\/exitbot\.test\/i#token=ey/);
    expect(invited.employee).toMatchObject({ externalId: 'E-7', name: 'Kim Doe' });
    const linkToken = invited.link.split('#token=')[1] ?? '';
    const opened = await fixture.app.request('/v1/interview', {
      headers: { Authorization: `Bearer ${linkToken}` },
    });
    expect(opened.status).toBe(200);
    const storedMessage = await withTenant(fixture.database.handle, fixture.tenantA.id, (db) =>
      db
        .selectFrom('webhook_messages')
        .select(['payload', 'payload_sealed'])
        .where('interview_id', '=', id)
        .where('event_type', '=', 'interview.invited')
        .executeTakeFirstOrThrow(),
    );
    expect(JSON.stringify(storedMessage)).not.toContain('Kim Doe');
    expect(JSON.stringify(storedMessage)).not.toContain(linkToken);
    await fixture.app.request(
      `/v1/webhooks/endpoints/${endpoint.id}`,
      json(fixture.tenantA, undefined, 'DELETE'),
    );
  });

  it('should give the times of an anonymous interview by month only, and exact times otherwise', async () => {
    const { endpoint } = await register(['interview.started']);
    const anonymous = await fixture.createInterview(fixture.tenantA, { mode: 'anonymous' });
    const identified = await fixture.createInterview(fixture.tenantA, {
      mode: 'identified',
      employee: { externalId: 'E-8', name: 'Alex Doe' },
    });
    for (const { token } of [anonymous, identified])
      await postMessage(fixture.app, token, { clientMessageId: messageId(), type: 'start' });
    const started = (id: string) =>
      receiver.received.find(
        (item) => item.event.type === 'interview.started' && item.event.data.interviewId === id,
      )?.event.data;
    await eventually(() => Boolean(started(anonymous.id) && started(identified.id)), { tick: runJobs });
    const month = new Date().toISOString().slice(0, 7);
    expect(started(anonymous.id)).toMatchObject({ mode: 'anonymous', occurredAt: month, startedAt: month });
    expect(started(anonymous.id)).not.toHaveProperty('employee');
    expect(started(identified.id)?.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(started(identified.id)?.startedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await fixture.app.request(
      `/v1/webhooks/endpoints/${endpoint.id}`,
      json(fixture.tenantA, undefined, 'DELETE'),
    );
  });

  it('should retry a failing receiver with backoff until it succeeds, with the same webhook-id and every attempt visible', async () => {
    const { endpoint, secret } = await register(['interview.completed']);
    receiver.plan.push(500, 503);
    const before = receiver.received.length;
    const test = await fixture.app.request(
      `/v1/webhooks/endpoints/${endpoint.id}/test`,
      json(fixture.tenantA),
    );
    expect(test.status).toBe(202);
    const [queued] = await deliveriesOf(endpoint.id);
    await eventually(async () => (await delivery(queued?.id ?? '')).status === 'succeeded', {
      tick: runJobs,
    });
    const seen = await delivery(queued?.id ?? '');
    expect(seen.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 503, 204]);
    expect(seen.attempts.every((attempt) => attempt.trigger === 'automatic')).toBe(true);
    const requests = receiver.received.slice(before);
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((item) => item.headers['webhook-id'])).size).toBe(1);
    expect(requests.every((item) => referenceSignatureValid(secret, item))).toBe(true);
    await fixture.app.request(
      `/v1/webhooks/endpoints/${endpoint.id}`,
      json(fixture.tenantA, undefined, 'DELETE'),
    );
  });

  it('should lose nothing while the receiver is down, and deliver once it is back', async () => {
    const { endpoint } = await register(['interview.completed']);
    await receiver.close();
    await fixture.app.request(`/v1/webhooks/endpoints/${endpoint.id}/test`, json(fixture.tenantA));
    const [queued] = await deliveriesOf(endpoint.id);
    await eventually(async () => (await delivery(queued?.id ?? '')).attempts.length >= 2, { tick: runJobs });
    const failedAttempts = (await delivery(queued?.id ?? '')).attempts;
    expect(
      failedAttempts.every(
        // A connection kept alive from an earlier delivery ends in a reset; new ones are refused.
        (attempt) => attempt.statusCode === null && /ECONNREFUSED|ECONNRESET/.test(attempt.error ?? ''),
      ),
    ).toBe(true);
    await receiver.reopen();
    await eventually(async () => (await delivery(queued?.id ?? '')).status === 'succeeded', {
      tick: runJobs,
    });
    await fixture.app.request(
      `/v1/webhooks/endpoints/${endpoint.id}`,
      json(fixture.tenantA, undefined, 'DELETE'),
    );
  });

  it('should mark a delivery failed after the last retry and deliver it on a manual re-send', async () => {
    const { endpoint } = await register(['interview.completed']);
    receiver.plan.push(500, 500, 500, 500);
    await fixture.app.request(`/v1/webhooks/endpoints/${endpoint.id}/test`, json(fixture.tenantA));
    const [queued] = await deliveriesOf(endpoint.id);
    await eventually(async () => (await delivery(queued?.id ?? '')).status === 'failed', { tick: runJobs });
    expect((await delivery(queued?.id ?? '')).attempts).toHaveLength(4);
    const resent = await fixture.app.request(
      `/v1/webhooks/deliveries/${queued?.id}/resend`,
      json(fixture.tenantA),
    );
    expect(resent.status).toBe(200);
    const after = (await resent.json()) as Awaited<ReturnType<typeof delivery>>;
    expect(after.status).toBe('succeeded');
    expect(after.attempts.at(-1)).toMatchObject({ attempt: 5, trigger: 'manual', statusCode: 204 });
    await fixture.app.request(
      `/v1/webhooks/endpoints/${endpoint.id}`,
      json(fixture.tenantA, undefined, 'DELETE'),
    );
  });

  it('should sign with the old and the new secret for a day after a rotation', async () => {
    const { endpoint, secret: oldSecret } = await register(['interview.completed']);
    const rotated = await fixture.app.request(
      `/v1/webhooks/endpoints/${endpoint.id}/rotate-secret`,
      json(fixture.tenantA),
    );
    const { secret: newSecret } = (await rotated.json()) as { secret: string };
    const before = receiver.received.length;
    await fixture.app.request(`/v1/webhooks/endpoints/${endpoint.id}/test`, json(fixture.tenantA));
    await eventually(() => receiver.received.length > before, { tick: runJobs });
    const got = receiver.received.at(-1);
    expect(got && referenceSignatureValid(newSecret, got)).toBe(true);
    expect(got && referenceSignatureValid(oldSecret, got)).toBe(true);
    await fixture.app.request(
      `/v1/webhooks/endpoints/${endpoint.id}`,
      json(fixture.tenantA, undefined, 'DELETE'),
    );
  });

  it('should disable an endpoint that answers 410 Gone', async () => {
    const { endpoint } = await register(['interview.completed']);
    receiver.plan.push(410);
    await fixture.app.request(`/v1/webhooks/endpoints/${endpoint.id}/test`, json(fixture.tenantA));
    const [queued] = await deliveriesOf(endpoint.id);
    await eventually(async () => (await delivery(queued?.id ?? '')).status === 'failed', { tick: runJobs });
    const shown = await fixture.app.request(
      `/v1/webhooks/endpoints/${endpoint.id}`,
      json(fixture.tenantA, undefined, 'GET'),
    );
    expect(((await shown.json()) as { enabled: boolean }).enabled).toBe(false);
    await fixture.app.request(
      `/v1/webhooks/endpoints/${endpoint.id}`,
      json(fixture.tenantA, undefined, 'DELETE'),
    );
  });

  it('should refuse analysts and unknown event types', async () => {
    const analyst = await fixture.app.request('/v1/webhooks/endpoints', {
      ...json(fixture.tenantA, { url: receiver.url, eventTypes: ['interview.completed'] }),
      headers: {
        Authorization: `Bearer ${fixture.tenantA.analystToken}`,
        'Content-Type': 'application/json',
      },
    });
    expect(analyst.status).toBe(403);
    const unknown = await fixture.app.request(
      '/v1/webhooks/endpoints',
      json(fixture.tenantA, { url: receiver.url, eventTypes: ['interview.deleted'] }),
    );
    expect(unknown.status).toBe(400);
  });
});

describe('webhook SSRF guard', () => {
  let fixture: TestApp;
  let receiver: TestReceiver;

  beforeAll(async () => {
    fixture = await createTestApp('pglite');
    receiver = await startTestReceiver();
  }, 60_000);

  afterAll(async () => {
    await receiver?.close();
    await fixture?.destroy();
  });

  it.each([
    'http://127.0.0.1:9/hooks',
    'https://127.0.0.1/hooks',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/hooks',
    'https://localhost/hooks',
    'https://10.0.0.8/hooks',
  ])('should refuse to register %s when private addresses are not allowed', async (url) => {
    const response = await fixture.app.request(
      '/v1/webhooks/endpoints',
      json(fixture.tenantA, { url, eventTypes: ['interview.completed'] }),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/^url /);
  });

  it('should refuse at send time to connect to a name that resolves to loopback', async () => {
    const result = await sendWebhookRequest({
      url: `http://localhost:${receiver.port}/hooks`,
      headers: {},
      body: '{}',
      allowPrivate: false,
    });
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/private or loopback/);
    expect(receiver.received).toHaveLength(0);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('two replicas delivering webhooks', () => {
  let first: TestApp;
  let second: TestApp;
  let receiver: TestReceiver;

  beforeAll(async () => {
    const env = { EXITBOT_WEBHOOK_ALLOW_PRIVATE: 'true' };
    first = await createTestApp('postgres', { env, webhookRetryScheduleMs: [30, 30] });
    second = await createTestApp('postgres', {
      env,
      webhookRetryScheduleMs: [30, 30],
      database: first.database,
    });
    receiver = await startTestReceiver();
  }, 60_000);

  afterAll(async () => {
    await receiver?.close();
    await second?.destroy();
    await first?.destroy();
  });

  it('should never deliver one message twice when two app instances run jobs on one Postgres', async () => {
    receiver.delayMs = 15;
    const response = await first.app.request(
      '/v1/webhooks/endpoints',
      json(first.tenantA, { url: receiver.url, eventTypes: ['interview.invited', 'interview.started'] }),
    );
    expect(response.status).toBe(201);
    const created = 40;
    for (let index = 0; index < created; index += 1) {
      const app = index % 2 === 0 ? first : second;
      await app.createInterview(first.tenantA);
    }
    // Both instances poll as fast as they can at the same time; each counts the jobs it ran.
    const ran = [0, 0];
    const done = () => new Set(receiver.received.map((item) => item.headers['webhook-id'])).size === created;
    const deadline = Date.now() + 30_000;
    await Promise.all(
      [first, second].map(async (instance, index) => {
        while (!done() && Date.now() < deadline) {
          ran[index] = (ran[index] ?? 0) + (await instance.services.jobs.runOnce());
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }),
    );
    expect(ran[0]).toBeGreaterThan(0);
    expect(ran[1]).toBeGreaterThan(0);
    await Promise.all([first.services.jobs.runOnce(), second.services.jobs.runOnce()]);
    const ids = receiver.received.map((item) => String(item.headers['webhook-id']));
    expect(ids).toHaveLength(created);
    expect(new Set(ids).size).toBe(created);
    const attempts = await withTenant(first.database.handle, first.tenantA.id, (db) =>
      db.selectFrom('webhook_attempts').select(['delivery_id']).execute(),
    );
    expect(attempts).toHaveLength(created);
  });
});
