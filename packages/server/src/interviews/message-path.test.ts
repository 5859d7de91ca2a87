import { ModelCallError, type WireEvent } from '@exitbot/sdk';
import { MockModel } from '@exitbot/sdk/test';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMessage } from '../crypto/row-sealing.ts';
import { withTenant } from '../db/scope.ts';
import { createTestApp, messageId, parseSse, postMessage, type TestApp } from '../testing/test-app.ts';
import { testDatabaseKinds } from '../testing/test-database.ts';

const slowQuestion = [
  'What ',
  'made ',
  'you ',
  'decide ',
  'to ',
  'leave, ',
  'looking ',
  'back ',
  'at ',
  'it',
  '?',
];

describe.each(testDatabaseKinds)('the message path on %s', (kind) => {
  let fixture: TestApp;
  let model: MockModel;

  beforeAll(async () => {
    model = new MockModel({ chunks: slowQuestion, chunkDelayMs: 15 });
    fixture = await createTestApp(kind, { model });
  }, 60_000);

  afterAll(async () => {
    await fixture?.destroy();
  });

  async function started() {
    const interview = await fixture.createInterview(fixture.tenantA);
    const response = await postMessage(fixture.app, interview.token, {
      clientMessageId: messageId(),
      type: 'start',
    });
    expect(response.status).toBe(200);
    return interview;
  }

  async function rows(interviewId: string) {
    // Message text is encrypted at rest: open the rows with the tenant's key.
    const cipher = await fixture.services.encryption.forTenant(fixture.tenantA.id);
    const stored = await withTenant(fixture.database.handle, fixture.tenantA.id, (db) =>
      db
        .selectFrom('messages')
        .selectAll()
        .where('tenant_id', '=', fixture.tenantA.id)
        .where('interview_id', '=', interviewId)
        .orderBy('seq')
        .execute(),
    );
    return stored.map((row) => openMessage(cipher, row));
  }

  it('should store a repeated clientMessageId once and replay the same reply (sequential)', async () => {
    const { id, token } = await started();
    const body = {
      clientMessageId: messageId(),
      type: 'answer',
      text: 'The pay was low and I had no growth path.',
    };
    const first = parseSse(await (await postMessage(fixture.app, token, body, { stream: true })).text());
    const calls = model.calls.length;
    const second = parseSse(await (await postMessage(fixture.app, token, body, { stream: true })).text());
    expect(model.calls.length).toBe(calls);
    expect(first[0]).toMatchObject({ type: 'answer-accepted', duplicate: false });
    expect(second[0]).toMatchObject({
      type: 'answer-accepted',
      duplicate: true,
      seq: (first[0] as { seq: number }).seq,
    });
    const end = (events: WireEvent[]) => events.find((event) => event.type === 'question-end');
    expect(end(second)).toEqual(end(first));
    expect(second.at(-1)).toEqual(first.at(-1));
    const stored = await rows(id);
    expect(stored.filter((row) => row.client_message_id === body.clientMessageId)).toHaveLength(1);
    expect(stored).toHaveLength(3);
  });

  it('should generate once when the same clientMessageId arrives twice at the same time', async () => {
    const { id, token } = await started();
    const body = {
      clientMessageId: messageId(),
      type: 'answer',
      text: 'My manager and I did not get along at all.',
    };
    const calls = model.calls.length;
    const [a, b] = await Promise.all([
      postMessage(fixture.app, token, body, { stream: true }).then(async (response) =>
        parseSse(await response.text()),
      ),
      postMessage(fixture.app, token, body, { stream: true }).then(async (response) =>
        parseSse(await response.text()),
      ),
    ]);
    expect(model.calls.length).toBe(calls + 1);
    const duplicates = [a, b].map((events) => (events[0] as { duplicate: boolean }).duplicate).sort();
    expect(duplicates).toEqual([false, true]);
    expect(a.find((event) => event.type === 'question-end')).toEqual(
      b.find((event) => event.type === 'question-end'),
    );
    expect(a.at(-1)).toEqual(b.at(-1));
    expect(a.at(-1)?.type).toBe('reply-stored');
    const stored = await rows(id);
    expect(stored.map((row) => row.role)).toEqual(['interviewer', 'employee', 'interviewer']);
  });

  it('should refuse a different message while the reply is being generated', async () => {
    const { token } = await started();
    const first = postMessage(
      fixture.app,
      token,
      { clientMessageId: messageId(), type: 'answer', text: 'Workload.' },
      { stream: true },
    );
    const firstResponse = await first;
    const second = await postMessage(fixture.app, token, {
      clientMessageId: messageId(),
      type: 'answer',
      text: 'And pay.',
    });
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('turn-in-progress');
    expect(second.headers.get('retry-after')).toBe('1');
    await firstResponse.text();
  });

  it('should still store the reply when the client disconnects mid-stream, and resume with messages?after', async () => {
    const { token } = await started();
    const reply = [
      'How ',
      'did ',
      'the ',
      'meetings ',
      'affect ',
      'your ',
      'focus ',
      'time ',
      'each ',
      'week',
      '?',
    ];
    model.enqueue({ type: 'chunks', chunks: reply, chunkDelayMs: 15 });
    const response = await postMessage(
      fixture.app,
      token,
      { clientMessageId: messageId(), type: 'answer', text: 'Too many meetings.' },
      { stream: true },
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: question-delta')) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended early');
      text += decoder.decode(value);
    }
    await reader.cancel();
    const accepted = parseSse(text.slice(0, text.indexOf('\n\n') + 2))[0] as { seq: number };
    expect(text).not.toContain('reply-stored');

    expect(await fixture.services.turns.drain(10_000)).toBe(true);
    const resumed = await fixture.app.request(`/v1/interview/messages?after=${accepted.seq}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const page = (await resumed.json()) as {
      messages: { role: string; text: string; seq: number }[];
      status: string;
    };
    expect(page.status).toBe('active');
    expect(page.messages).toHaveLength(1);
    expect(page.messages[0]).toMatchObject({
      role: 'interviewer',
      text: reply.join(''),
      seq: accepted.seq + 1,
    });
  });

  it('should stream and store the scripted fallback, marked degraded, when the model fails', async () => {
    const { id, token } = await started();
    model.enqueue({
      type: 'error',
      error: new ModelCallError({ message: 'upstream down', statusCode: 503, isRetryable: true }),
    });
    const events = parseSse(
      await (
        await postMessage(
          fixture.app,
          token,
          { clientMessageId: messageId(), type: 'answer', text: 'Honestly the commute.' },
          { stream: true },
        )
      ).text(),
    );
    const end = events.find((event) => event.type === 'question-end') as { degraded: boolean; text: string };
    expect(end.degraded).toBe(true);
    expect(end.text.length).toBeGreaterThan(10);
    expect(events.at(-1)?.type).toBe('reply-stored');
    const last = (await rows(id)).at(-1);
    expect(last).toMatchObject({ role: 'interviewer', degraded: true, text: end.text });
  });

  it('should answer 500 and stay up when the database refuses the turn claim, then start once it accepts it', async () => {
    const { id, token } = await fixture.createInterview(fixture.tenantA);
    const db = fixture.database.handle.db;
    // The statement that claims the opening turn fails (as when its connection dies); the commit fails with it.
    await sql`
      create function refuse_turn_claim() returns trigger language plpgsql as $$
      begin
        if new.id = ${sql.lit(id)}::uuid and new.turn_reply_to = 0 then raise exception 'claim refused'; end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger refuse_turn_claim before update on interviews for each row execute function refuse_turn_claim()`.execute(
      db,
    );
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const refused = await postMessage(fixture.app, token, { clientMessageId: messageId(), type: 'start' });
      expect(refused.status).toBe(500);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('internal');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await sql`drop trigger refuse_turn_claim on interviews`.execute(db);
      await sql`drop function refuse_turn_claim()`.execute(db);
    }
    // Nothing of the refused request was kept: the interview starts normally.
    const retried = await postMessage(fixture.app, token, { clientMessageId: messageId(), type: 'start' });
    expect(retried.status).toBe(200);
    expect((await rows(id)).map((row) => row.role)).toEqual(['interviewer']);
  });

  it('should refuse a re-issued or revoked token with 401 and store nothing (checked in the turn)', async () => {
    const { id, token } = await started();
    const before = (await rows(id)).length;
    const manage = (action: 'reissue' | 'revoke') =>
      fixture.app.request(`/v1/hris/interviews/${id}/${action}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${fixture.tenantA.apiKey}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
    const answer = async (bearer: string) => {
      const response = await postMessage(
        fixture.app,
        bearer,
        { clientMessageId: messageId(), type: 'answer', text: 'Too many meetings.' },
        { stream: true },
      );
      await response.text();
      return response;
    };
    expect((await manage('reissue')).status).toBe(200);
    expect((await answer(token)).status).toBe(401);
    const fresh = await fixture.services.tokens.issueInterviewToken({
      tenantId: fixture.tenantA.id,
      interviewId: id,
      version: 2,
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    expect((await answer(fresh)).status).toBe(200);
    const after = (await rows(id)).length;
    expect(after).toBe(before + 2);
    expect((await manage('revoke')).status).toBe(200);
    expect((await answer(fresh)).status).toBe(401);
    expect((await rows(id)).length).toBe(after);
  });

  it('should send the first question text before the model has finished', async () => {
    const interview = await fixture.createInterview(fixture.tenantA);
    const response = await postMessage(
      fixture.app,
      interview.token,
      { clientMessageId: messageId(), type: 'start' },
      { stream: true },
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const started = performance.now();
    let text = '';
    while (!text.includes('question-delta')) text += new TextDecoder().decode((await reader.read()).value);
    const firstDeltaMs = performance.now() - started;
    while (!text.includes('reply-stored')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const totalMs = performance.now() - started;
    expect(firstDeltaMs).toBeLessThan(totalMs - 5 * 15);
  });

  describe('with a turn slower than its lease', () => {
    // The lease is 1 s and the reply takes ~2.75 s: the running turn must renew its lease, or the re-sent
    // answer below (at 2.1 s) would take the turn over and call the model a second time.
    let slow: TestApp;
    let slowModel: MockModel;

    beforeAll(async () => {
      slowModel = new MockModel({ chunks: slowQuestion, chunkDelayMs: 250 });
      slow = await createTestApp(kind, { model: slowModel, turnLeaseMs: 1000 });
    }, 60_000);

    afterAll(async () => {
      await slow?.destroy();
    });

    it('should keep the turn while the model works, so a re-sent answer waits for the same reply', async () => {
      const { token } = await slow.createInterview(slow.tenantA);
      await postMessage(slow.app, token, { clientMessageId: messageId(), type: 'start' });
      const body = { clientMessageId: messageId(), type: 'answer', text: 'The workload was too much.' };
      const calls = slowModel.calls.length;
      const first = postMessage(slow.app, token, body, { stream: true }).then(async (response) =>
        parseSse(await response.text()),
      );
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const second = parseSse(await (await postMessage(slow.app, token, body, { stream: true })).text());
      const firstEvents = await first;
      expect(slowModel.calls.length).toBe(calls + 1);
      expect(second[0]).toMatchObject({ type: 'answer-accepted', duplicate: true });
      expect(second.find((event) => event.type === 'question-end')).toEqual(
        firstEvents.find((event) => event.type === 'question-end'),
      );
      expect(firstEvents.at(-1)?.type).toBe('reply-stored');
      expect(second.at(-1)?.type).toBe('reply-stored');
    }, 30_000);
  });
});
