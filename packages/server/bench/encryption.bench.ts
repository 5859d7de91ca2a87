// What encryption at rest costs: sealing and opening one answer, the interview state, and reading a
// whole transcript from the embedded database with and without decryption. Bounded to a few seconds.
import { randomBytes, randomUUID } from 'node:crypto';
import { createTenantCipher, encryptionContexts } from '../src/crypto/encryption.ts';
import { openMessage, sealMessage, sealState } from '../src/crypto/row-sealing.ts';
import { openDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { withTenant } from '../src/db/scope.ts';
import { listMessages } from '../src/interviews/interview.repository.ts';

function report(name: string, value: number, unit: string, target?: string, ok?: boolean): void {
  console.log(
    `@bench ${JSON.stringify({ group: 'server', name, value: Math.round(value * 100) / 100, unit, ...(target ? { target, ok } : {}) })}`,
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Median per-operation microseconds over `rounds` batches of `batch` calls. */
function microseconds(work: () => void, batch = 2_000, rounds = 15): number {
  for (let index = 0; index < batch; index += 1) work();
  const samples: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const started = performance.now();
    for (let index = 0; index < batch; index += 1) work();
    samples.push(((performance.now() - started) * 1000) / batch);
  }
  return median(samples);
}

const tenantId = randomUUID();
const cipher = createTenantCipher(tenantId, new Map([[1, randomBytes(32)]]));
const answer =
  'Honestly the main reason is my manager. We had no one-to-ones for months, my promotion was promised twice and then ' +
  'postponed, and the on-call load doubled after the reorganisation without anyone asking the team. I liked the product ' +
  'and my colleagues, and I would consider coming back if the engineering leadership changed.';
const context = encryptionContexts.messageText(randomUUID(), 3);
const sealedAnswer = cipher.seal(answer, context);
report(
  `seal one answer (${answer.length} chars), AES-256-GCM`,
  microseconds(() => cipher.seal(answer, context)),
  'µs',
);
report(
  `open one answer (${answer.length} chars)`,
  microseconds(() => cipher.open(sealedAnswer, context)),
  'µs',
);
report(
  `stored size of that answer, encrypted (plain: ${Buffer.byteLength(answer)} B)`,
  Buffer.byteLength(sealedAnswer),
  'B',
);

const state = {
  version: 1,
  transcript: Array.from({ length: 40 }, (_, index) => ({
    id: randomUUID(),
    role: index % 2 ? 'employee' : 'interviewer',
    text: answer,
    topicId: 'reason-for-leaving',
    kind: index % 2 ? 'answer' : 'probe',
    at: new Date().toISOString(),
  })),
};
const stateContext = encryptionContexts.interviewState(randomUUID());
const sealedState = cipher.sealJson(state, stateContext);
report(
  `seal + open the interview state (${Math.round(JSON.stringify(state).length / 1024)} KB JSON, 40 messages)`,
  microseconds(() => cipher.openJson(cipher.sealJson(state, stateContext), stateContext), 200),
  'µs',
);
void sealedState;

// A transcript read through the repository, plain vs sealed rows, on the embedded database.
const handle = await openDatabase({ dataDir: 'memory://' });
await migrateToLatest(handle.db);
const [plainId, sealedId] = [randomUUID(), randomUUID()];
await withTenant(handle, tenantId, async (db) => {
  await db.insertInto('tenants').values({ id: tenantId, name: 'Bench', settings: '{}' }).execute();
  for (const id of [plainId, sealedId]) {
    await db
      .insertInto('interviews')
      .values({
        id,
        tenant_id: tenantId,
        status: 'active',
        mode: 'confidential',
        locale: 'en',
        expires_at: new Date(Date.now() + 86_400_000),
        state: id === sealedId ? sealState(cipher, id, state) : JSON.stringify(state),
      })
      .execute();
    const messages = Array.from({ length: 40 }, (_, index) => ({
      tenant_id: tenantId,
      interview_id: id,
      seq: index + 1,
      role: (index % 2 ? 'employee' : 'interviewer') as 'employee' | 'interviewer',
      kind: (index % 2 ? 'answer' : 'probe') as 'answer' | 'probe',
      topic_id: 'reason-for-leaving',
      text: answer,
      client_message_id: null,
      reply_to: null,
      sentiment_score: null,
      sentiment_label: null,
      events: index % 2 ? null : JSON.stringify([{ type: 'question-end', text: answer }]),
    }));
    await db
      .insertInto('messages')
      .values(id === sealedId ? messages.map((message) => sealMessage(cipher, message)) : messages)
      .execute();
  }
});

async function readTranscript(id: string, open: boolean): Promise<number> {
  const started = performance.now();
  const rows = await withTenant(handle, tenantId, (db) => listMessages(db, tenantId, id, 0, 1000));
  const texts = open ? rows.map((row) => openMessage(cipher, row).text) : rows.map((row) => row.text);
  if (texts[1] !== answer) throw new Error('read back the wrong text');
  return performance.now() - started;
}

const plain: number[] = [];
const sealed: number[] = [];
for (let round = 0; round < 40; round += 1)
  await Promise.all([readTranscript(plainId, false), readTranscript(sealedId, true)]);
for (let round = 0; round < 300; round += 1) {
  plain.push(await readTranscript(plainId, false));
  sealed.push(await readTranscript(sealedId, true));
}
const plainMedian = median(plain);
const sealedMedian = median(sealed);
report('transcript read (40 messages, PGlite), plain', plainMedian, 'ms');
report('transcript read (40 messages, PGlite), encrypted', sealedMedian, 'ms');
report('encryption overhead on a transcript read', ((sealedMedian - plainMedian) / plainMedian) * 100, '%');
const perMessage = ((sealedMedian - plainMedian) * 1000) / 40;
report('added per message read (decrypt text and events)', perMessage, 'µs', '< 50 µs', perMessage < 50);
await handle.close();
