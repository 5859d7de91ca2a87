import { createExitBotClient, type TranscriptEntry } from '@exitbot/sdk/client';
import type { WireEvent } from '@exitbot/sdk/protocol';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InterviewSession, type PendingStorage, type SessionEvent } from './session.ts';

const base = 'https://exitbot.test';

/**
 * A fake of the server's employee API with the contract's semantics: answers stored once per
 * client message id, replies replayed, and switches to break the network in the ways that matter.
 */
class FakeInterviewServer {
  status: 'invited' | 'active' | 'completed' = 'invited';
  messages: TranscriptEntry[] = [];
  posts = 0;
  /** What the next POST suffers: dropped before the server sees it, or cut after the answer is stored. */
  nextFault:
    | 'drop'
    | 'cut-after-accept'
    | 'cut-before-reply-stored'
    | 'refuse'
    | 'error-after-accept'
    | 'accept-only'
    | undefined;
  /** Answers stored whose reply the fake has not produced yet ('accept-only'). */
  readonly #unanswered = new Set<string>();
  readonly #replies = new Map<string, WireEvent[]>();
  readonly questions = ['Why are you leaving?', 'How was your manager?', 'Would you come back?'];

  handlers() {
    return [
      http.get(`${base}/v1/interview`, () =>
        HttpResponse.json({
          interview: {
            id: 'int_1',
            status: this.status,
            mode: 'confidential',
            locale: 'en',
            progress: { covered: this.#answers(), total: this.questions.length, currentTopicId: null },
            estimatedMinutes: 10,
          },
          messages: this.messages,
        }),
      ),
      http.get(`${base}/v1/interview/messages`, ({ request }) => {
        const after = Number(new URL(request.url).searchParams.get('after'));
        return HttpResponse.json({
          messages: this.messages.filter((entry) => entry.seq > after),
          status: this.status,
        });
      }),
      http.post(`${base}/v1/interview/messages`, async ({ request }) => {
        this.posts += 1;
        const fault = this.nextFault;
        this.nextFault = undefined;
        if (fault === 'drop') return HttpResponse.error();
        if (fault === 'refuse') {
          return HttpResponse.json({ error: { code: 'invalid-body', message: 'No.' } }, { status: 422 });
        }
        const body = (await request.json()) as { clientMessageId: string; type: string; text?: string };
        if (fault === 'accept-only') {
          const seq = this.#store({
            role: 'employee',
            kind: body.type,
            text: body.text ?? '',
            clientMessageId: body.clientMessageId,
          });
          this.#unanswered.add(body.clientMessageId);
          const accepted = {
            type: 'answer-accepted',
            clientMessageId: body.clientMessageId,
            seq,
            duplicate: false,
          };
          return new HttpResponse(`event: answer-accepted\ndata: ${JSON.stringify(accepted)}\n\n`, {
            headers: { 'Content-Type': 'text/event-stream' },
          });
        }
        const events = this.#handle(body);
        let sent = events;
        if (fault === 'cut-after-accept') sent = events.slice(0, 2);
        if (fault === 'cut-before-reply-stored')
          sent = events.filter((event) => event.type !== 'reply-stored');
        if (fault === 'error-after-accept') {
          sent = [
            events[0]!,
            { type: 'error', code: 'model-failed', message: 'The model failed.', retryable: false },
          ];
        }
        const text = sent.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join('');
        return new HttpResponse(text, { headers: { 'Content-Type': 'text/event-stream' } });
      }),
    ];
  }

  employeeEntries(): TranscriptEntry[] {
    return this.messages.filter((entry) => entry.role === 'employee');
  }

  #answers(): number {
    return this.employeeEntries().length;
  }

  #handle(body: { clientMessageId: string; type: string; text?: string }): WireEvent[] {
    if (this.#unanswered.delete(body.clientMessageId)) {
      // The turn was interrupted after the answer was stored: produce the reply now, as the real server does.
      const stored = this.messages.find((entry) => entry.clientMessageId === body.clientMessageId)!;
      const text = this.questions[this.#answers()] ?? 'Thank you.';
      const seq = this.#store({ role: 'interviewer', kind: 'probe', text });
      const events: WireEvent[] = [
        { type: 'answer-accepted', clientMessageId: body.clientMessageId, seq: stored.seq, duplicate: true },
        { type: 'question-start', id: `q${seq}`, topicId: 't', kind: 'probe' },
        { type: 'question-end', id: `q${seq}`, topicId: 't', text, degraded: false },
        { type: 'reply-stored', seq },
      ];
      this.#replies.set(body.clientMessageId, events);
      return events;
    }
    const replayed = this.#replies.get(body.clientMessageId);
    if (replayed) {
      return replayed.map((event) =>
        event.type === 'answer-accepted' ? { ...event, duplicate: true } : event,
      );
    }
    const events: WireEvent[] = [];
    if (body.type !== 'start') {
      const seq = this.#store({
        role: 'employee',
        kind: body.type,
        text: body.text ?? '',
        clientMessageId: body.clientMessageId,
      });
      events.push({ type: 'answer-accepted', clientMessageId: body.clientMessageId, seq, duplicate: false });
    } else if (this.status === 'active') {
      const opening = this.messages[0]!;
      return [
        { type: 'question-start', id: 'q0', topicId: 't0', kind: 'opening' },
        { type: 'question-end', id: 'q0', topicId: 't0', text: opening.text, degraded: false },
        { type: 'reply-stored', seq: opening.seq },
      ];
    }
    this.status = 'active';
    const index = body.type === 'start' ? 0 : this.#answers();
    if (body.type === 'finish' || index >= this.questions.length) {
      const seq = this.#store({ role: 'interviewer', kind: 'closing', text: 'Thank you.' });
      this.status = 'completed';
      events.push(
        { type: 'question-start', id: `q${seq}`, topicId: 'end', kind: 'closing' },
        { type: 'question-end', id: `q${seq}`, topicId: 'end', text: 'Thank you.', degraded: false },
        { type: 'interview-end', reason: body.type === 'finish' ? 'finished-early' : 'completed' },
        { type: 'reply-stored', seq },
      );
    } else {
      const text = this.questions[index]!;
      const seq = this.#store({ role: 'interviewer', kind: 'opening', text });
      const [head, tail] = [text.slice(0, 5), text.slice(5)];
      events.push(
        { type: 'topic-change', from: null, to: `t${index}`, index, total: this.questions.length },
        { type: 'question-start', id: `q${seq}`, topicId: `t${index}`, kind: 'opening' },
        { type: 'question-delta', id: `q${seq}`, delta: head },
        { type: 'question-delta', id: `q${seq}`, delta: tail },
        { type: 'question-end', id: `q${seq}`, topicId: `t${index}`, text, degraded: false },
        { type: 'reply-stored', seq },
      );
    }
    this.#replies.set(body.clientMessageId, events);
    return events;
  }

  #store(entry: Omit<TranscriptEntry, 'seq' | 'at' | 'topicId'>): number {
    const seq = this.messages.length + 1;
    this.messages.push({ ...entry, seq, topicId: null, at: new Date(0).toISOString() });
    return seq;
  }
}

class MemoryStorage implements PendingStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

let fake: FakeInterviewServer;
let storage: MemoryStorage;
let online: boolean;
let events: SessionEvent[];
const sessions: InterviewSession[] = [];

beforeEach(() => {
  fake = new FakeInterviewServer();
  server.use(...fake.handlers());
  storage = new MemoryStorage();
  online = true;
  events = [];
});
afterEach(() => {
  for (const session of sessions.splice(0)) session.dispose();
});

function createSession(): InterviewSession {
  let counter = 0;
  const session = new InterviewSession({
    client: createExitBotClient({ baseUrl: base, token: 'tok' }),
    storage,
    onChange: () => {},
    onEvent: (event) => events.push(event),
    isOnline: () => online,
    backoff: () => 5,
    generateId: () => `msg_${String(++counter).padStart(6, '0')}_${Math.random().toString(36).slice(2, 8)}`,
  });
  sessions.push(session);
  return session;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function texts(session: InterviewSession): string[] {
  return session.snapshot.messages.map((message) => `${message.role}:${message.text}`);
}

async function startedSession(): Promise<InterviewSession> {
  const session = createSession();
  await session.load();
  session.start();
  await until(
    () => session.snapshot.messages.length === 1 && !session.snapshot.replying,
    'the opening question',
  );
  return session;
}

describe('InterviewSession', () => {
  it('should show the start screen for an invited interview and stream the opening question on start', async () => {
    const session = createSession();
    await session.load();
    expect(session.snapshot.phase).toBe('ready');
    session.start();
    await until(
      () => !session.snapshot.replying && session.snapshot.messages.length === 1,
      'the opening question',
    );
    expect(texts(session)).toEqual(['interviewer:Why are you leaving?']);
    expect(session.snapshot.announcement).toBe('Why are you leaving?');
    expect(events.map((event) => event.name)).toEqual(['exit-start']);
    expect(storage.items.size).toBe(0);
  });

  it('should run a whole interview to the end and report each answer and the completion', async () => {
    const session = await startedSession();
    for (const answer of ['Pay.', 'Fine.', 'Maybe.']) {
      expect(session.answer(answer)).toBe(true);
      expect(session.answer('too early')).toBe(false);
      await until(() => !session.snapshot.replying, `the reply to ${answer}`);
    }
    expect(session.snapshot.phase).toBe('done');
    expect(session.snapshot.progress).toEqual({ covered: 3, total: 3 });
    expect(texts(session)).toEqual([
      'interviewer:Why are you leaving?',
      'employee:Pay.',
      'interviewer:How was your manager?',
      'employee:Fine.',
      'interviewer:Would you come back?',
      'employee:Maybe.',
      'interviewer:Thank you.',
    ]);
    expect(events.map((event) => event.name)).toEqual([
      'exit-start',
      'exit-answer',
      'exit-answer',
      'exit-answer',
      'exit-complete',
    ]);
    expect(events.at(-1)).toEqual({
      name: 'exit-complete',
      detail: { interviewId: 'int_1', reason: 'completed' },
    });
  });

  it('should keep the answer in storage until the server accepts it', async () => {
    const session = await startedSession();
    online = false;
    session.answer('Offline answer.');
    await until(() => session.snapshot.connection === 'offline', 'the offline state');
    expect(session.snapshot.messages.at(-1)?.status).toBe('queued');
    expect(JSON.parse(storage.items.get('exitbot:pending:int_1') ?? '{}')).toMatchObject({
      type: 'answer',
      text: 'Offline answer.',
    });
    expect(fake.posts).toBe(1);
    online = true;
    session.notifyOnline();
    await until(() => !session.snapshot.replying, 'the reply after coming back online');
    expect(storage.items.size).toBe(0);
    expect(fake.employeeEntries().map((entry) => entry.text)).toEqual(['Offline answer.']);
  });

  it('should resend with the same id after a dropped request and store the answer once', async () => {
    const session = await startedSession();
    fake.nextFault = 'drop';
    session.answer('Dropped once.');
    await until(() => !session.snapshot.replying, 'the reply after the retry');
    expect(fake.posts).toBe(3);
    expect(fake.employeeEntries().map((entry) => entry.text)).toEqual(['Dropped once.']);
    expect(texts(session).slice(-2)).toEqual(['employee:Dropped once.', 'interviewer:How was your manager?']);
  });

  it('should recover a reply whose stream was cut by reading the stored messages, without resending', async () => {
    const session = await startedSession();
    fake.nextFault = 'cut-after-accept';
    session.answer('Cut me off.');
    await until(() => !session.snapshot.replying, 'the recovered reply');
    expect(fake.posts).toBe(2);
    expect(texts(session).slice(-2)).toEqual(['employee:Cut me off.', 'interviewer:How was your manager?']);
    expect(session.snapshot.messages.map((message) => message.seq)).toEqual([1, 2, 3]);
    expect(session.snapshot.announcement).toBe('How was your manager?');
  });

  it('should fetch the reply, not hand the answer back, when an error follows the acknowledgement', async () => {
    const session = await startedSession();
    fake.nextFault = 'error-after-accept';
    session.answer('Stored, then the stream said error.');
    await until(() => !session.snapshot.replying, 'the recovered reply');
    expect(session.snapshot.problem).toBeUndefined();
    expect(session.returnedDraft).toBeUndefined();
    expect(texts(session).slice(-2)).toEqual([
      'employee:Stored, then the stream said error.',
      'interviewer:How was your manager?',
    ]);
    expect(events.filter((event) => event.name === 'exit-answer')).toHaveLength(1);
    expect(events.some((event) => event.name === 'exit-error')).toBe(false);
  });

  it('should resend under the same id when the reply never shows up, and report the answer once', async () => {
    const session = await startedSession();
    fake.nextFault = 'accept-only';
    session.answer('Accepted, then silence.');
    await until(() => !session.snapshot.replying, 'the reply after the resend');
    expect(fake.posts).toBe(3);
    expect(fake.employeeEntries().map((entry) => entry.text)).toEqual(['Accepted, then silence.']);
    expect(texts(session).slice(-2)).toEqual([
      'employee:Accepted, then silence.',
      'interviewer:How was your manager?',
    ]);
    expect(events.filter((event) => event.name === 'exit-answer')).toHaveLength(1);
  });

  it('should show a replayed reply once when the stream ended before reply-stored', async () => {
    const session = await startedSession();
    fake.nextFault = 'cut-before-reply-stored';
    session.answer('Almost.');
    await until(() => !session.snapshot.replying, 'the recovered reply');
    expect(texts(session)).toEqual([
      'interviewer:Why are you leaving?',
      'employee:Almost.',
      'interviewer:How was your manager?',
    ]);
  });

  it('should resend the pending answer after a reload and show the transcript once', async () => {
    const first = await startedSession();
    online = false;
    first.answer('Written before the reload.');
    await until(() => storage.items.size === 1, 'the stored pending answer');
    first.dispose();
    online = true;

    const second = createSession();
    await second.load();
    await until(() => !second.snapshot.replying && second.snapshot.messages.length === 3, 'the resumed turn');
    expect(texts(second)).toEqual([
      'interviewer:Why are you leaving?',
      'employee:Written before the reload.',
      'interviewer:How was your manager?',
    ]);
    expect(fake.employeeEntries()).toHaveLength(1);
    expect(storage.items.size).toBe(0);
  });

  it('should not resend a pending answer that the server already stored, and fetch its reply', async () => {
    const first = await startedSession();
    // Keep the pending entry as if the page closed between storing and acknowledging.
    const pending = JSON.stringify({
      clientMessageId: 'msg_reloaded',
      type: 'answer',
      text: 'Stored already.',
    });
    first.dispose();
    await fetch(`${base}/v1/interview/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ clientMessageId: 'msg_reloaded', type: 'answer', text: 'Stored already.' }),
    }).then((response) => response.text());
    storage.setItem('exitbot:pending:int_1', pending);
    const postsBefore = fake.posts;

    const second = createSession();
    await second.load();
    expect(texts(second).slice(-2)).toEqual([
      'employee:Stored already.',
      'interviewer:How was your manager?',
    ]);
    expect(fake.posts).toBe(postsBefore);
    expect(storage.items.size).toBe(0);
  });

  it('should hand the text back and report an error when the server refuses the answer', async () => {
    const session = await startedSession();
    fake.nextFault = 'refuse';
    session.answer('Refused.');
    await until(() => !session.snapshot.replying, 'the refusal');
    expect(session.snapshot.problem).toBe('send-failed');
    expect(session.returnedDraft).toBe('Refused.');
    expect(texts(session)).toEqual(['interviewer:Why are you leaving?']);
    expect(events.at(-1)).toMatchObject({
      name: 'exit-error',
      detail: { code: 'invalid-body', status: 422 },
    });
    expect(storage.items.size).toBe(0);
  });

  it('should decline a question and finish early', async () => {
    const session = await startedSession();
    session.decline();
    await until(() => !session.snapshot.replying, 'the reply to the decline');
    expect(events.at(-1)).toMatchObject({ name: 'exit-answer', detail: { type: 'decline' } });
    session.finish();
    await until(() => session.snapshot.phase === 'done', 'the end');
    expect(events.at(-1)).toEqual({
      name: 'exit-complete',
      detail: { interviewId: 'int_1', reason: 'finished-early' },
    });
    expect(fake.employeeEntries().map((entry) => entry.kind)).toEqual(['decline', 'finish']);
  });

  it('should show the thank-you screen for a completed interview and nothing for an invalid token', async () => {
    fake.status = 'completed';
    const done = createSession();
    await done.load();
    expect(done.snapshot.phase).toBe('done');

    server.use(
      http.get(`${base}/v1/interview`, () =>
        HttpResponse.json({ error: { code: 'unauthorized', message: 'Bad token.' } }, { status: 401 }),
      ),
    );
    const invalid = createSession();
    await invalid.load();
    expect(invalid.snapshot).toMatchObject({ phase: 'unavailable', problem: 'invalid' });
  });

  it('should keep trying to load while the server is unreachable', async () => {
    let failures = 2;
    server.use(
      http.get(`${base}/v1/interview`, () => {
        if (failures > 0) {
          failures -= 1;
          return HttpResponse.error();
        }
        return undefined;
      }),
    );
    const session = createSession();
    await session.load();
    expect(failures).toBe(0);
    expect(session.snapshot).toMatchObject({ phase: 'ready', problem: undefined });
  });
});
