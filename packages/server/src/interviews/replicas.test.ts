import type { WireEvent } from '@exitbot/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connect.ts';
import { withTenant } from '../db/scope.ts';
import { createTestApp, messageId, parseSse, postMessage, type TestApp } from '../testing/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';

const hasPostgres = Boolean(process.env.DATABASE_URL);

describe.runIf(hasPostgres)('two server instances on one Postgres', () => {
  let database: TestDatabase;
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    first = await createTestApp('postgres', { database });
    // A second process: its own pool on the same database, its own caches and keys in memory.
    const pool = await openDatabase({ databaseUrl: database.url as string, poolSize: 10 });
    second = await createTestApp('postgres', {
      database: { ...database, handle: pool, destroy: () => pool.close() },
    });
  }, 60_000);

  afterAll(async () => {
    await second?.destroy();
    await second?.database.handle.close();
    await first?.destroy();
    await database?.destroy();
  });

  it('should serve alternate turns of one interview from either instance and keep one ordered transcript', async () => {
    const { id, token } = await first.createInterview(first.tenantA);
    const apps = [first.app, second.app];
    const seqs: number[] = [];
    let events = parseSse(
      await (
        await postMessage(
          apps[1] as TestApp['app'],
          token,
          { clientMessageId: messageId(), type: 'start' },
          { stream: true },
        )
      ).text(),
    );
    seqs.push((events.at(-1) as { seq: number }).seq);
    const texts = [
      'The workload doubled after the reorganisation.',
      'My manager was supportive but overloaded.',
      'No training budget at all.',
      'Salary was fine.',
    ];
    for (const [index, text] of texts.entries()) {
      const app = apps[index % 2] as TestApp['app'];
      events = parseSse(
        await (
          await postMessage(
            app,
            token,
            { clientMessageId: messageId(), type: 'answer', text },
            { stream: true },
          )
        ).text(),
      );
      expect(events[0]).toMatchObject({ type: 'answer-accepted', duplicate: false });
      const stored = events.at(-1) as WireEvent & { seq: number };
      expect(stored.type).toBe('reply-stored');
      seqs.push(stored.seq);
    }
    expect(seqs).toEqual([1, 3, 5, 7, 9]);
    const rows = await withTenant(database.handle, first.tenantA.id, (db) =>
      db
        .selectFrom('messages')
        .select(['seq', 'role'])
        .where('tenant_id', '=', first.tenantA.id)
        .where('interview_id', '=', id)
        .orderBy('seq')
        .execute(),
    );
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(rows.map((row) => row.role)).toEqual([
      'interviewer',
      ...Array(4).fill(['employee', 'interviewer']).flat(),
    ]);
  });

  it('should store one answer when both instances receive the same clientMessageId at once', async () => {
    const { id, token } = await first.createInterview(first.tenantA);
    await postMessage(first.app, token, { clientMessageId: messageId(), type: 'start' });
    const body = { clientMessageId: messageId(), type: 'answer', text: 'Mostly the commute and the pay.' };
    const [a, b] = await Promise.all(
      [first.app, second.app].map(async (app) =>
        parseSse(await (await postMessage(app, token, body, { stream: true })).text()),
      ),
    );
    expect([a, b].map((events) => (events as { duplicate?: boolean }[])[0]?.duplicate).sort()).toEqual([
      false,
      true,
    ]);
    expect(a?.at(-1)).toEqual(b?.at(-1));
    const count = await withTenant(database.handle, first.tenantA.id, (db) =>
      db
        .selectFrom('messages')
        .select(['seq'])
        .where('tenant_id', '=', first.tenantA.id)
        .where('interview_id', '=', id)
        .execute(),
    );
    expect(count).toHaveLength(3);
  });
});
