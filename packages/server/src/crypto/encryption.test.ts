import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../db/scope.ts';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '../testing/test-database.ts';
import { DecryptionError } from './aead.ts';
import { createEncryption, createTenantCipher, isSealed } from './encryption.ts';
import { createKeyring, generateMasterKey, loadMasterKey, parseMasterKey } from './keyring.ts';
import { anonymiseStoredReport, openReport, sealReport } from './report-sealing.ts';

describe('tenant cipher', () => {
  const tenantId = randomUUID();
  const cipher = createTenantCipher(tenantId, new Map([[1, Buffer.alloc(32, 7)]]));

  it('should round-trip text and JSON, with a fresh IV every time', () => {
    const first = cipher.seal('Mein Chef hat mich nie gefragt. 🙂', 'messages/a/1/text');
    const second = cipher.seal('Mein Chef hat mich nie gefragt. 🙂', 'messages/a/1/text');
    expect(first).not.toBe(second);
    expect(isSealed(first)).toBe(true);
    expect(first).not.toContain('Chef');
    expect(cipher.open(first, 'messages/a/1/text')).toBe('Mein Chef hat mich nie gefragt. 🙂');
    const state = { transcript: [{ text: 'pay' }], turns: 3 };
    expect(cipher.openJson(cipher.sealJson(state, 'interviews/a/state'), 'interviews/a/state')).toEqual(
      state,
    );
  });

  it('should refuse a ciphertext moved to another row, column or tenant, or tampered with', () => {
    const sealed = cipher.seal('secret answer', 'messages/a/1/text');
    expect(() => cipher.open(sealed, 'messages/a/2/text')).toThrow(DecryptionError);
    expect(() => cipher.open(sealed, 'messages/a/1/events')).toThrow(DecryptionError);
    const otherTenant = createTenantCipher(randomUUID(), new Map([[1, Buffer.alloc(32, 7)]]));
    expect(() => otherTenant.open(sealed, 'messages/a/1/text')).toThrow(DecryptionError);
    // One bit of the ciphertext flipped (decoded first: editing a base64url character may not change a byte).
    const dot = sealed.lastIndexOf('.');
    const bytes = Buffer.from(sealed.slice(dot + 1), 'base64url');
    bytes[0] = (bytes[0] as number) ^ 1;
    const flipped = `${sealed.slice(0, dot + 1)}${bytes.toString('base64url')}`;
    expect(flipped).not.toBe(sealed);
    expect(() => cipher.open(flipped, 'messages/a/1/text')).toThrow(DecryptionError);
  });

  it('should pass through values written before encryption and JSON that was never sealed', () => {
    expect(cipher.open('plain legacy text', 'messages/a/1/text')).toBe('plain legacy text');
    expect(cipher.openJson({ legacy: true }, 'interviews/a/state')).toEqual({ legacy: true });
  });

  it('should keep only categorical facets of a report in clear and drop the text when anonymised', () => {
    const report = {
      interviewId: 'a',
      locale: 'en',
      source: 'offline',
      summary: 'Left because CANARY-manager never listened',
      reasons: {
        primary: { reason: 'manager', confidence: 0.8, evidence: ['CANARY-evidence'] },
        secondary: [],
      },
      topicSentiment: [{ topicId: 'manager-and-leadership', score: -0.6, label: 'negative' }],
      keyQuotes: [{ text: 'CANARY-quote', topicId: 'manager-and-leadership', sentiment: 'negative' }],
      regrettableLoss: { likely: true, signals: ['CANARY-signal'] },
      wouldReturn: 'no',
      wouldRecommend: 'maybe',
      suggestedActions: ['CANARY-action'],
      newFreeTextField: 'CANARY-new',
    };
    const stored = sealReport(cipher, 'a', report);
    const { sealed, ...clear } = stored;
    expect(JSON.stringify(clear)).not.toContain('CANARY');
    expect(clear.reasons?.primary).toEqual({ reason: 'manager', confidence: 0.8 });
    expect(openReport(cipher, 'a', stored)).toEqual(report);
    const anonymised = anonymiseStoredReport(stored, new Date('2027-01-01T00:00:00Z'));
    expect(JSON.stringify(anonymised)).not.toContain('CANARY');
    expect(anonymised.sealed).toBeUndefined();
    expect(openReport(cipher, 'a', anonymised)).toMatchObject({ anonymised: true, wouldReturn: 'no' });
  });
});

describe('master keys', () => {
  it('should parse a base64 key of 32 bytes and refuse anything else', () => {
    expect(parseMasterKey(generateMasterKey()).key.length).toBe(32);
    expect(() => parseMasterKey('c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => parseMasterKey('not base64 at all!')).toThrow(/base64/);
  });

  it('should refuse to unwrap a data key under another tenant or version', () => {
    const keyring = createKeyring({ current: parseMasterKey(generateMasterKey()) });
    const tenantId = randomUUID();
    const wrapped = keyring.wrap({ tenantId, version: 1, dataKey: Buffer.alloc(32, 1) });
    expect(keyring.unwrap({ tenantId, version: 1, wrapped })).toEqual(Buffer.alloc(32, 1));
    expect(() => keyring.unwrap({ tenantId: randomUUID(), version: 1, wrapped })).toThrow(DecryptionError);
    expect(() => keyring.unwrap({ tenantId, version: 2, wrapped })).toThrow(DecryptionError);
  });

  it('should generate a development key once into the data folder and reuse it', async () => {
    const { mkdtemp, stat } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dataDir = await mkdtemp(join(tmpdir(), 'exitbot-key-'));
    const first = await loadMasterKey({ masterKey: undefined, dataDir });
    const second = await loadMasterKey({ masterKey: undefined, dataDir });
    expect(first.generated).toBe(true);
    expect(second.generated).toBe(false);
    expect(second.key.id).toBe(first.key.id);
    expect((await stat(join(dataDir, 'master.key'))).mode & 0o777).toBe(0o600);
    const configured = generateMasterKey();
    expect((await loadMasterKey({ masterKey: configured, dataDir })).key.id).toBe(
      parseMasterKey(configured).id,
    );
  });
});

describe.each(testDatabaseKinds)('envelope encryption on %s', (kind) => {
  let database: TestDatabase;
  const tenants = [randomUUID(), randomUUID()];
  const oldMaster = parseMasterKey(generateMasterKey());
  const newMaster = parseMasterKey(generateMasterKey());

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    for (const id of tenants) {
      await withTenant(database.handle, id, (db) =>
        db.insertInto('tenants').values({ id, name: 'T', settings: '{}' }).execute(),
      );
    }
  }, 60_000);

  afterAll(async () => {
    await database?.destroy();
  });

  it('should create one data key per tenant even when asked concurrently, stored only wrapped', async () => {
    const encryption = createEncryption({
      database: database.handle,
      keyring: createKeyring({ current: oldMaster }),
    });
    const ciphers = await Promise.all([...tenants, ...tenants].map((id) => encryption.forTenant(id)));
    const rows = await sql<{ tenant_id: string; wrapped_key: string; master_key_id: string }>`
      select tenant_id, wrapped_key, master_key_id from tenant_keys order by tenant_id`.execute(
      database.handle.db,
    );
    expect(rows.rows.length).toBe(2);
    expect(
      rows.rows.every((row) => row.master_key_id === oldMaster.id && row.wrapped_key.startsWith('mk1.')),
    ).toBe(true);
    const sealed = ciphers[0]?.seal('hello', 'x');
    expect(ciphers[2]?.open(sealed ?? '', 'x')).toBe('hello');
  });

  it('should re-wrap every data key under a new master key and keep old ciphertexts readable', async () => {
    const before = createEncryption({
      database: database.handle,
      keyring: createKeyring({ current: oldMaster }),
    });
    const sealed = await Promise.all(
      tenants.map(async (id) =>
        (await before.forTenant(id)).seal(`answer of ${id}`, `messages/${id}/1/text`),
      ),
    );

    const rotating = createEncryption({
      database: database.handle,
      keyring: createKeyring({ current: newMaster, previous: oldMaster }),
    });
    expect(await rotating.rotateMasterKey()).toEqual({ tenants: 2, rewrapped: 2, alreadyCurrent: 0 });
    expect(await rotating.rotateMasterKey()).toEqual({ tenants: 2, rewrapped: 0, alreadyCurrent: 2 });
    expect((await rotating.keyStatus()).byMasterKey).toEqual({ [newMaster.id]: 2 });

    const after = createEncryption({
      database: database.handle,
      keyring: createKeyring({ current: newMaster }),
    });
    for (const [index, id] of tenants.entries()) {
      expect((await after.forTenant(id)).open(sealed[index] ?? '', `messages/${id}/1/text`)).toBe(
        `answer of ${id}`,
      );
    }
    const stale = createEncryption({
      database: database.handle,
      keyring: createKeyring({ current: oldMaster }),
    });
    await expect(stale.forTenant(tenants[0] ?? '')).rejects.toThrow(/not configured/);
  });
});
