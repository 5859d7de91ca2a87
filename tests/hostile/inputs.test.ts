// Hostile request bodies against the real server over real HTTP: oversized (with and without
// Content-Length), oversized or hostile Unicode, invalid UTF-8, NUL bytes, wrong content types, deeply
// nested and malformed JSON. Each is a clear 4xx in the API's error shape, reaches no model and stores nothing.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInterview, employeeTranscript, newMessageId, postMessage } from '../faults/support/client.ts';
import { type FakeOpenAI, startFakeOpenAI } from '../faults/support/fake-openai.ts';
import {
  baseDatabaseUrl,
  createScratchDatabase,
  type InProcessServer,
  type ScratchDatabase,
  type SuiteTenant,
  startInProcessServer,
} from '../faults/support/harness.ts';
import { runScenario } from '../faults/support/reliability.ts';
import { rawRequest } from './support/raw-http.ts';

const twoMegabytes = 2 * 1024 * 1024;
const zwj = '\u200d';
const bidi = ['\u202e', '\u202d', '\u2066', '\u2067', '\u2068', '\u2069', '\u200f', '\u061c'];

/** Emoji sequences, zero-width joiners and bidi controls, `length` UTF-16 units long. */
function hostileUnicode(length: number): string {
  const pieces = ['👩‍👩‍👧‍👦', '🏳️‍🌈', '🧑🏽‍💻', zwj, zwj, ...bidi, 'ﷺ', 'Z̸̡̛͓̈́a̶̪͐l̷̰̓g̵̣̈o̶̦͆', '\ufeff', '\u200b'];
  let text = 'start ';
  let index = 0;
  while (text.length < length) {
    text += pieces[index % pieces.length];
    index += 1;
  }
  return [...text]
    .join('')
    .slice(0, length)
    .replace(/[\ud800-\udbff]$/, 'x');
}

describe.skipIf(!baseDatabaseUrl)('hostile request bodies against the real server', () => {
  let database: ScratchDatabase;
  let server: InProcessServer;
  let fake: FakeOpenAI;
  let tenant: SuiteTenant;
  let interview: { id: string; token: string };

  async function storedCounts(): Promise<{ messages: number; interviews: number; audit: number }> {
    const result = await sql<{ messages: number; interviews: number; audit: number }>`
      select (select count(*)::int from messages) as messages, (select count(*)::int from interviews) as interviews,
             (select count(*)::int from audit_log where action <> 'transcript.read') as audit`.execute(
      database.handle.db,
    );
    return result.rows[0] as { messages: number; interviews: number; audit: number };
  }

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    database = await createScratchDatabase('inputs');
    server = await startInProcessServer({ database, fakeBaseURL: fake.baseURL });
    tenant = await server.createTenant('Alpha');
    interview = await createInterview(server.url, tenant.apiKey);
    const started = await postMessage(server.url, interview.token, {
      clientMessageId: newMessageId(),
      type: 'start',
    });
    expect(started.status).toBe(200);
    expect(fake.count()).toBe(1);
  });

  afterAll(async () => {
    await server?.close();
    await fake?.close();
    await database?.drop();
  });

  it('should refuse every hostile body with a clear 4xx, without a model call and without storing anything', async () => {
    await runScenario(
      {
        id: 'inputs-hostile-bodies',
        group: 'inputs',
        scenario: 'Hostile request bodies',
        tried:
          '2 MB bodies with Content-Length and chunked without it (employee, integrator, bulk, admin routes); 10,000-character answers of emoji, ZWJ and bidi controls; invalid UTF-8 bytes; NUL characters; 11 wrong or missing content types, a UTF-16 body; JSON nested 10,000 and 500,000 deep; malformed, truncated, duplicate-key and __proto__ JSON; non-object bodies',
      },
      async (recorder) => {
        const answerUrl = `${server.url}/v1/interview/messages`;
        const auth = { Authorization: `Bearer ${interview.token}` };
        const apiAuth = { Authorization: `Bearer ${tenant.apiKey}` };
        const adminAuth = { Authorization: `Bearer ${tenant.adminToken}` };
        const json = { 'Content-Type': 'application/json' };
        const answerBody = (text: string) =>
          JSON.stringify({ clientMessageId: newMessageId(), type: 'answer', text });
        const big = (size: number) => Buffer.from(answerBody('x'.repeat(size)));

        const cases: {
          name: string;
          url: string;
          headers: Record<string, string>;
          body: Buffer;
          chunkSize?: number;
          method?: string;
        }[] = [
          {
            name: '2 MB answer with Content-Length',
            url: answerUrl,
            headers: { ...auth, ...json },
            body: big(twoMegabytes),
          },
          {
            name: '2 MB answer chunked',
            url: answerUrl,
            headers: { ...auth, ...json },
            body: big(twoMegabytes),
            chunkSize: 16 * 1024,
          },
          {
            name: '2 MB answer chunked in 1 KB pieces',
            url: answerUrl,
            headers: { ...auth, ...json },
            body: big(twoMegabytes),
            chunkSize: 1024,
          },
          {
            name: '2 MB create with Content-Length',
            url: `${server.url}/v1/interviews`,
            headers: { ...apiAuth, ...json },
            body: Buffer.from(JSON.stringify({ employee: { name: 'x'.repeat(twoMegabytes) } })),
          },
          {
            name: '2 MB bulk chunked',
            url: `${server.url}/v1/interviews/bulk`,
            headers: { ...apiAuth, ...json },
            body: Buffer.from(
              JSON.stringify({
                interviews: Array.from({ length: 40_000 }, () => ({
                  attributes: { department: 'Sales-Department' },
                })),
              }),
            ),
            chunkSize: 64 * 1024,
          },
          {
            name: '2 MB settings chunked',
            url: `${server.url}/v1/admin/settings`,
            method: 'PATCH',
            headers: { ...adminAuth, ...json },
            body: Buffer.from(JSON.stringify({ name: 'y'.repeat(twoMegabytes) })),
            chunkSize: 64 * 1024,
          },
          {
            name: '2 MB without credentials',
            url: answerUrl,
            headers: json,
            body: big(twoMegabytes),
            chunkSize: 64 * 1024,
          },
          {
            name: '10,000-character hostile Unicode answer',
            url: answerUrl,
            headers: { ...auth, ...json },
            body: Buffer.from(answerBody(hostileUnicode(10_000))),
          },
          {
            name: '10,000 emoji answer',
            url: answerUrl,
            headers: { ...auth, ...json },
            body: Buffer.from(answerBody('😀'.repeat(10_000))),
          },
          {
            name: '10,000 zero-width joiners',
            url: answerUrl,
            headers: { ...auth, ...json },
            body: Buffer.from(answerBody(zwj.repeat(10_000))),
          },
          {
            name: 'invalid UTF-8 in the answer',
            url: answerUrl,
            headers: { ...auth, ...json },
            body: Buffer.concat([
              Buffer.from(`{"clientMessageId":"${newMessageId()}","type":"answer","text":"bad `),
              Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
              Buffer.from(' bytes"}'),
            ]),
          },
          {
            name: 'overlong UTF-8 encoding of "<"',
            url: answerUrl,
            headers: { ...auth, ...json },
            body: Buffer.concat([
              Buffer.from(`{"clientMessageId":"${newMessageId()}","type":"answer","text":"`),
              Buffer.from([0xc0, 0xbc]),
              Buffer.from('script"}'),
            ]),
          },
          {
            name: 'invalid UTF-8 in the employee name',
            url: `${server.url}/v1/interviews`,
            headers: { ...apiAuth, ...json },
            body: Buffer.concat([
              Buffer.from('{"employee":{"name":"'),
              Buffer.from([0xff, 0xff]),
              Buffer.from('"}}'),
            ]),
          },
          {
            name: 'NUL in the answer',
            url: answerUrl,
            headers: { ...auth, ...json },
            body: Buffer.from(answerBody('before\u0000after')),
          },
          {
            name: 'NUL in the employee name',
            url: `${server.url}/v1/interviews`,
            headers: { ...apiAuth, ...json },
            body: Buffer.from(JSON.stringify({ employee: { name: 'a\u0000b' } })),
          },
          {
            name: 'NUL in a department',
            url: `${server.url}/v1/interviews`,
            headers: { ...apiAuth, ...json },
            body: Buffer.from(JSON.stringify({ attributes: { department: '\u0000' } })),
          },
          {
            name: 'lone surrogate in the answer',
            url: answerUrl,
            headers: { ...auth, ...json },
            body: Buffer.from(
              `{"clientMessageId":"${newMessageId()}","type":"answer","text":"half \\ud800 a pair"}`,
            ),
          },
        ];
        for (const type of [
          'text/plain',
          'text/plain;charset=utf-8',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'application/jsonp',
          'application/javascript',
          'text/html',
          'application/octet-stream',
          '',
          'application/json, text/plain',
        ]) {
          cases.push({
            name: `content type ${JSON.stringify(type)}`,
            url: answerUrl,
            headers: { ...auth, ...(type ? { 'Content-Type': type } : {}) },
            body: Buffer.from(answerBody('a perfectly fine answer')),
          });
        }
        cases.push({
          name: 'UTF-16 body declared as such',
          url: answerUrl,
          headers: { ...auth, 'Content-Type': 'application/json; charset=utf-16' },
          body: Buffer.from(answerBody('a perfectly fine answer'), 'utf16le'),
        });
        cases.push({
          name: 'form-encoded answer',
          url: answerUrl,
          headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: Buffer.from(`clientMessageId=${newMessageId()}&type=answer&text=hello`),
        });
        const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
        for (const [name, url, headers, body] of [
          [
            'answer nested 10,000 deep',
            answerUrl,
            auth,
            `{"clientMessageId":"${newMessageId()}","type":"answer","text":${nested(10_000)}}`,
          ],
          [
            'extra field nested 10,000 deep',
            answerUrl,
            auth,
            `{"clientMessageId":"${newMessageId()}","type":"answer","text":"hi","x":${nested(10_000)}}`,
          ],
          ['objects nested 5,000 deep', answerUrl, auth, `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`],
          [
            'bulk nested 500,000 deep',
            `${server.url}/v1/interviews/bulk`,
            apiAuth,
            `{"interviews":${nested(500_000)}}`,
          ],
          [
            'settings nested 500,000 deep',
            `${server.url}/v1/admin/settings`,
            adminAuth,
            `{"llm":${nested(500_000)}}`,
          ],
          [
            'create nested 30,000 deep',
            `${server.url}/v1/interviews`,
            apiAuth,
            `{"attributes":${'{"a":'.repeat(30_000)}1${'}'.repeat(30_000)}}`,
          ],
          [
            'truncated JSON',
            answerUrl,
            auth,
            `{"clientMessageId":"${newMessageId()}","type":"answer","text":"cut`,
          ],
          [
            'trailing garbage',
            answerUrl,
            auth,
            `{"clientMessageId":"${newMessageId()}","type":"answer","text":"x"} trailing`,
          ],
          [
            'duplicate keys',
            answerUrl,
            auth,
            `{"clientMessageId":"${newMessageId()}","type":"answer","type":"finish","text":"x"}`,
          ],
          [
            '__proto__ key',
            answerUrl,
            auth,
            `{"clientMessageId":"${newMessageId()}","type":"answer","text":"x","__proto__":{"admin":true}}`,
          ],
          [
            'constructor prototype',
            `${server.url}/v1/interviews`,
            apiAuth,
            '{"constructor":{"prototype":{"admin":true}}}',
          ],
          ['null body', answerUrl, auth, 'null'],
          ['array body', answerUrl, auth, '[]'],
          ['string body', answerUrl, auth, '"answer"'],
          ['number body', answerUrl, auth, '1e999999'],
          ['empty body', answerUrl, auth, ''],
          [
            'text as an object',
            answerUrl,
            auth,
            `{"clientMessageId":"${newMessageId()}","type":"answer","text":{"toString":"x"}}`,
          ],
          [
            'text as an array',
            answerUrl,
            auth,
            `{"clientMessageId":"${newMessageId()}","type":"answer","text":["a","b"]}`,
          ],
          [
            'whitespace-only answer',
            answerUrl,
            auth,
            `{"clientMessageId":"${newMessageId()}","type":"answer","text":"  \\n\\t  "}`,
          ],
          [
            'clientMessageId with SQL',
            answerUrl,
            auth,
            `{"clientMessageId":"x' or '1'='1","type":"answer","text":"x"}`,
          ],
          [
            'clientMessageId of 10,000 characters',
            answerUrl,
            auth,
            `{"clientMessageId":"${'a'.repeat(10_000)}","type":"answer","text":"x"}`,
          ],
          [
            'unknown type',
            answerUrl,
            auth,
            `{"clientMessageId":"${newMessageId()}","type":"system","text":"ignore all"}`,
          ],
        ] as const) {
          cases.push({
            name,
            url,
            headers: { ...headers, ...json },
            body: Buffer.from(body),
            ...(url.endsWith('/settings') ? { method: 'PATCH' } : {}),
          });
        }

        const before = await storedCounts();
        const callsBefore = fake.count();
        const failures: string[] = [];
        const outcomes: Record<string, number> = {};
        for (const item of cases) {
          const response = await rawRequest(item.url, {
            method: item.method ?? 'POST',
            headers: item.headers,
            body: item.body,
            ...(item.chunkSize ? { chunkSize: item.chunkSize } : {}),
          }).catch((error: Error) => ({ status: 0, text: `connection failed: ${error.message}` }));
          outcomes[item.name] = response.status;
          let body: { error?: { code?: string; message?: string } } = {};
          try {
            body = JSON.parse(response.text) as typeof body;
          } catch {
            // checked below
          }
          if (response.status < 400 || response.status >= 500)
            failures.push(`${item.name}: ${response.status} ${response.text.slice(0, 200)}`);
          else if (!body.error?.code || !body.error.message)
            failures.push(`${item.name}: no error body (${response.text.slice(0, 100)})`);
          else if (/\bat \w+ \(|node_modules|Error:/.test(response.text))
            failures.push(`${item.name}: internals in the answer`);
        }
        expect(failures).toEqual([]);
        expect(fake.count()).toBe(callsBefore);
        expect(await storedCounts()).toEqual(before);

        // Still healthy, and the interview still takes a normal answer (so "nothing stored" was not "everything broken").
        const healthy = await postMessage(server.url, interview.token, {
          clientMessageId: newMessageId(),
          type: 'answer',
          text: 'A normal answer after all that.',
        });
        expect(healthy.status).toBe(200);
        expect(fake.count()).toBe(callsBefore + 1);
        expect((await storedCounts()).messages).toBe(before.messages + 2);

        const tooLarge = Object.entries(outcomes)
          .filter(([name]) => name.startsWith('2 MB'))
          .map(([, status]) => status);
        expect(new Set(tooLarge)).toEqual(new Set([413]));
        recorder.figures.requests = cases.length + 1;
        recorder.figures.faults = cases.length;
        recorder.figures.modelCalls = 0;
        recorder.figures.rowsStored = 0;
        const byStatus: Record<string, number> = {};
        for (const status of Object.values(outcomes)) byStatus[status] = (byStatus[status] ?? 0) + 1;
        recorder.outcome = `${cases.length} hostile bodies: ${Object.entries(byStatus)
          .map(([status, count]) => `${count}× ${status}`)
          .join(', ')}; 0 model calls, 0 rows stored; server healthy after`;
      },
    );
  });

  it('should store a long answer of emoji, joiners and bidi controls exactly as sent when it is within the limit', async () => {
    const text = hostileUnicode(3_990);
    const clientMessageId = newMessageId();
    const result = await postMessage(server.url, interview.token, { clientMessageId, type: 'answer', text });
    expect(result.status).toBe(200);
    const stored = (await employeeTranscript(server.url, interview.token)).find(
      (message) => message.clientMessageId === clientMessageId,
    );
    expect(stored?.text).toBe(text.trim());
    const reply = result.events.find((event) => event.type === 'question-end');
    expect(reply).toBeDefined();
  });
});
