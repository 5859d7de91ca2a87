// A new embedded database starts from an initialised data folder (the template) instead of initdb; a template
// this PGlite cannot start must not leave the folder broken: initdb makes the database instead.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { tempFolders } from '../testing/temp-folders.ts';
import { openDatabase } from './connect.ts';
import { migrateToLatest } from './migrate.ts';

describe('openDatabase on a new PGlite folder', () => {
  const newFolder = tempFolders('connect');

  it('should start from the template, migrate, and keep its data when opened again', async () => {
    const folder = newFolder();
    let templateUsed = 0;
    const { dataDir } = await import('@electric-sql/pglite-prepopulatedfs');
    const failures: unknown[] = [];
    const first = await openDatabase({
      dataDir: folder,
      template: () => {
        templateUsed += 1;
        return dataDir();
      },
      onTemplateFailed: (error) => failures.push(error),
    });
    expect(await migrateToLatest(first.db)).toMatchObject({
      applied: expect.arrayContaining([expect.any(String)]),
    });
    await sql`create schema scratch`.execute(first.db);
    await sql`create table scratch.kept (value text)`.execute(first.db);
    await sql`insert into scratch.kept values ('still here')`.execute(first.db);
    await first.close();
    expect(failures).toEqual([]);
    expect(templateUsed).toBe(1);
    expect(readFileSync(join(folder, 'pgdata', 'PG_VERSION'), 'utf8').trim()).toMatch(/^\d+$/);

    // An existing database is opened as it is: the template is not asked for again.
    const second = await openDatabase({
      dataDir: folder,
      template: () => Promise.reject(new Error('unused')),
    });
    const { rows } = await sql<{ value: string }>`select value from scratch.kept`.execute(second.db);
    expect(rows).toEqual([{ value: 'still here' }]);
    expect((await migrateToLatest(second.db)).applied).toEqual([]);
    await second.close();
    expect(templateUsed).toBe(1);
  }, 60_000);

  it('should start afresh from the template when a first start was killed while unpacking it', async () => {
    const folder = newFolder();
    // What a kill half-way through the unpacking leaves: a PG_VERSION, not a database, and the marker.
    mkdirSync(join(folder, 'pgdata'));
    writeFileSync(join(folder, 'pgdata', 'PG_VERSION'), '18\n');
    writeFileSync(join(folder, 'pgdata.unpacking'), '');
    const database = await openDatabase({ dataDir: folder });
    await migrateToLatest(database.db);
    await database.ping();
    await database.close();
    expect(existsSync(join(folder, 'pgdata.unpacking'))).toBe(false);
    const again = await openDatabase({
      dataDir: folder,
      template: () => Promise.reject(new Error('unused')),
    });
    expect((await migrateToLatest(again.db)).applied).toEqual([]);
    await again.close();
  }, 60_000);

  it('should run initdb instead, and say so, when the template cannot be started', async () => {
    const folder = newFolder();
    // What a template made for another Postgres version looks like: PGlite unpacks it and cannot start.
    const made = newFolder();
    mkdirSync(join(made, 'pgdata'));
    writeFileSync(join(made, 'pgdata', 'PG_VERSION'), '12\n');
    execFileSync('tar', ['czf', join(made, 'old.tgz'), '-C', made, 'pgdata']);
    const failures: unknown[] = [];
    const database = await openDatabase({
      dataDir: folder,
      template: async () => new Blob([readFileSync(join(made, 'old.tgz'))]),
      onTemplateFailed: (error) => failures.push(error),
    });
    expect(failures).toHaveLength(1);
    expect(String(failures[0])).toContain('PGlite failed to initialize');
    await migrateToLatest(database.db);
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(database.db);
    expect(rows).toEqual([{ one: 1 }]);
    await database.close();
    expect(existsSync(join(folder, 'pgdata', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(folder, 'pgdata.unpacking'))).toBe(false);
    // The folder initdb made opens again.
    const again = await openDatabase({ dataDir: folder });
    await again.ping();
    await again.close();
  }, 60_000);
});
