import type { WireEvent } from '@exitbot/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, messageId, parseSse, postMessage, type TestApp } from '../testing/test-app.ts';
import { testDatabaseKinds } from '../testing/test-database.ts';

const answers = [
  'I am leaving because my manager never gave feedback and promotions were frozen for two years.',
  'Workload was high, we were understaffed for most of the year and on-call every other week.',
  'My manager cancelled our one-to-ones constantly and took credit for the team work.',
  'There was no budget for training and no clear path to senior engineer.',
  'Pay was below market by about fifteen percent, benefits were fine.',
  'The team itself was great, people helped each other a lot.',
  'Our tools were slow and deployments took a whole day.',
  'A real promotion and a manager who cares would have made me stay.',
  'I would come back if the management changed, and I would recommend the team.',
  'No, that is all, thank you.',
];

describe.each(testDatabaseKinds)('a full interview through the HTTP API on %s', (kind) => {
  let fixture: TestApp;

  beforeAll(async () => {
    fixture = await createTestApp(kind);
  }, 60_000);

  afterAll(async () => {
    await fixture?.destroy();
  });

  it('should run start to finish over SSE and store a report that the integrator and the admin can read', async () => {
    const { app, tenantA } = fixture;
    const { id, token } = await fixture.createInterview(tenantA);

    const before = await app.request('/v1/interview', { headers: { Authorization: `Bearer ${token}` } });
    expect(before.status).toBe(200);
    const initial = (await before.json()) as {
      interview: { status: string; progress: { total: number } };
      messages: unknown[];
    };
    expect(initial.interview.status).toBe('invited');
    expect(initial.messages).toEqual([]);

    const startResponse = await postMessage(
      app,
      token,
      { clientMessageId: messageId(), type: 'start' },
      { stream: true },
    );
    expect(startResponse.status).toBe(200);
    expect(startResponse.headers.get('content-type')).toContain('text/event-stream');
    const startEvents = parseSse(await startResponse.text());
    expect(startEvents.map((event) => event.type)).toEqual([
      'topic-change',
      'question-start',
      ...startEvents.filter((event) => event.type === 'question-delta').map(() => 'question-delta'),
      'question-end',
      'reply-stored',
    ]);

    let ended: WireEvent | undefined;
    let turns = 0;
    for (const text of answers) {
      const response = await postMessage(
        app,
        token,
        { clientMessageId: messageId(), type: 'answer', text },
        { stream: true },
      );
      expect(response.status).toBe(200);
      const events = parseSse(await response.text());
      expect(events[0]).toMatchObject({ type: 'answer-accepted', duplicate: false });
      expect(events.at(-1)?.type).toBe('reply-stored');
      const end = events.find((event) => event.type === 'question-end');
      const deltas = events
        .filter((event) => event.type === 'question-delta')
        .map((event) => (event as { delta: string }).delta);
      expect(deltas.join('')).toBe((end as { text: string }).text);
      turns += 1;
      ended = events.find((event) => event.type === 'interview-end');
      if (ended) break;
    }
    if (!ended) {
      const response = await postMessage(
        app,
        token,
        { clientMessageId: messageId(), type: 'finish' },
        { stream: true },
      );
      ended = parseSse(await response.text()).find((event) => event.type === 'interview-end');
    }
    expect(ended).toBeDefined();
    expect(turns).toBeGreaterThan(3);

    const afterEnd = await postMessage(app, token, {
      clientMessageId: messageId(),
      type: 'answer',
      text: 'one more thing',
    });
    expect(afterEnd.status).toBe(409);
    expect(((await afterEnd.json()) as { error: { code: string } }).error.code).toBe('interview-closed');

    expect(await fixture.services.jobs.runOnce()).toBeGreaterThanOrEqual(1);

    const report = await app.request(`/v1/interviews/${id}/report`, {
      headers: { Authorization: `Bearer ${tenantA.apiKey}` },
    });
    expect(report.status).toBe(200);
    const body = (await report.json()) as { source: string; report: Record<string, unknown> };
    expect(body.source).toBe('offline');
    expect(Object.keys(body.report).length).toBeGreaterThan(3);

    const interview = await app.request(`/v1/admin/interviews/${id}`, {
      headers: { Authorization: `Bearer ${tenantA.adminToken}` },
    });
    const detail = (await interview.json()) as {
      interview: { status: string; report: { status: string } };
      transcript: { role: string }[];
    };
    expect(detail.interview.status).toBe('completed');
    expect(detail.interview.report.status).toBe('ready');
    expect(detail.transcript.filter((message) => message.role === 'employee').length).toBe(turns);

    const employee = await app.request('/v1/interview', { headers: { Authorization: `Bearer ${token}` } });
    expect(((await employee.json()) as { interview: { status: string } }).interview.status).toBe('completed');
  }, 60_000);

  it('should answer with JSON events when the client does not ask for a stream', async () => {
    const { token } = await fixture.createInterview(fixture.tenantA);
    const response = await postMessage(fixture.app, token, { clientMessageId: messageId(), type: 'start' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = (await response.json()) as { accepted: unknown; events: WireEvent[] };
    expect(body.accepted).toBeNull();
    const types = body.events.map((event) => event.type);
    expect(types).toEqual([
      'topic-change',
      'question-start',
      'question-delta',
      'question-end',
      'reply-stored',
    ]);
  });

  it('should replay the opening question when start is sent again', async () => {
    const { token } = await fixture.createInterview(fixture.tenantA);
    const first = (await (
      await postMessage(fixture.app, token, { clientMessageId: messageId(), type: 'start' })
    ).json()) as { events: WireEvent[] };
    const again = (await (
      await postMessage(fixture.app, token, { clientMessageId: messageId(), type: 'start' })
    ).json()) as { events: WireEvent[] };
    expect(again.events).toEqual(first.events);
    const transcript = (await (
      await fixture.app.request('/v1/interview', { headers: { Authorization: `Bearer ${token}` } })
    ).json()) as { messages: unknown[] };
    expect(transcript.messages).toHaveLength(1);
  });
});
