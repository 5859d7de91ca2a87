// The operator and integrator documents against the code: every variable docs/configuration.md lists
// is one the server reads and the other way round; the variables and links in the documents of the
// deployment issue exist; docs/README.md indexes every document; and every TypeScript block of
// docs/sdk.md type-checks, and those marked `ts run` run (against a real ExitBot server and an empty
// Postgres database).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentSchema } from '../../packages/server/src/env.ts';
import { type ExitBotServer, startExitBotServer } from '../helpers/server.ts';
import {
  baseEnvironment,
  createEmptyDatabase,
  type EmptyDatabase,
  readRepoFile,
  repoRoot,
  runToEnd,
} from './support.ts';

const serverVariables = new Set(Object.keys(environmentSchema.shape));

/** Variables that are not the server's, each read by the file named. */
const otherVariables: Record<string, string> = {
  EXITBOT_MIGRATOR_USER: 'deploy/postgres/init-roles.sh',
  EXITBOT_MIGRATOR_PASSWORD: 'deploy/postgres/init-roles.sh',
  EXITBOT_DB_USER: 'deploy/postgres/init-roles.sh',
  EXITBOT_DB_PASSWORD: 'deploy/postgres/init-roles.sh',
  EXITBOT_SCALE_PUBLIC_URL: 'docker-compose.yml',
  EXITBOT_ADMIN_TOKEN: 'examples/hr-portal/server.ts',
  EXITBOT_API_KEY: 'examples/hr-portal/server.ts',
  EXITBOT_INSIGHTS_TOKEN: 'examples/hr-portal/server.ts',
  EXITBOT_URL: 'examples/hr-portal/server.ts',
  EXITBOT_LOCALE: 'examples/node-sdk/index.ts',
  EXITBOT_TOKEN: 'docs/sdk.md',
};

/** The documents of the deployment, documentation and examples issue. */
const ownDocuments = [
  'docs/README.md',
  'docs/deployment.md',
  'docs/scaling.md',
  'docs/security.md',
  'docs/sdk.md',
  'docs/hr-admins.md',
  'docs/employees.md',
  'examples/hr-portal/README.md',
  'examples/node-sdk/README.md',
];

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(path: string): Set<string> {
  const text = readFileSync(path, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1] ?? '')));
}

describe('docs/configuration.md', () => {
  const documented = [
    ...readRepoFile('docs/configuration.md').matchAll(/^\| `([A-Z][A-Z0-9_]+)`(?:, `([A-Z][A-Z0-9_]+)`)?/gm),
  ]
    .flatMap((match) => [match[1], match[2]])
    .filter((name): name is string => Boolean(name));

  it('should document only variables the server reads', () => {
    expect(documented.length).toBeGreaterThan(20);
    expect(documented.filter((name) => !serverVariables.has(name))).toEqual([]);
  });

  it('should document every variable the server reads', () => {
    expect([...serverVariables].filter((name) => !documented.includes(name))).toEqual([]);
  });
});

describe('the deployment, SDK, HR and employee documents', () => {
  it('should name only variables that something reads', () => {
    for (const [name, file] of Object.entries(otherVariables)) {
      expect(readRepoFile(file), `${name} in ${file}`).toContain(name);
    }
    const unknown: string[] = [];
    for (const document of ownDocuments) {
      for (const match of readRepoFile(document).matchAll(
        /\b(EXITBOT_[A-Z0-9_]+|OPENAI_[A-Z0-9_]+|DATABASE_URL)\b/g,
      )) {
        const name = match[1] ?? '';
        if (!serverVariables.has(name) && !(name in otherVariables)) unknown.push(`${document}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('should link only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const document of ownDocuments) {
      const text = readRepoFile(document).replace(/```[\s\S]*?```/g, '');
      for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1] ?? '';
        if (/^(https?:|mailto:)/.test(target)) continue;
        const [path = '', anchor] = target.split('#');
        const file = path ? resolve(dirname(join(repoRoot, document)), path) : join(repoRoot, document);
        if (!existsSync(file)) broken.push(`${document}: ${target}`);
        else if (anchor && file.endsWith('.md') && !anchorsOf(file).has(anchor))
          broken.push(`${document}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('should index every document of docs/ in docs/README.md', () => {
    const index = readRepoFile('docs/README.md');
    const documents = readdirSync(join(repoRoot, 'docs')).filter(
      (name) => name.endsWith('.md') && name !== 'README.md',
    );
    expect(documents.filter((name) => !index.includes(`](${name})`))).toEqual([]);
  });
});

describe('docs/sdk.md code blocks', () => {
  const blocks = [...readRepoFile('docs/sdk.md').matchAll(/```ts( run)?\n([\s\S]*?)```/g)].map(
    (match, index) => ({
      name: `sdk-snippet-${index + 1}.ts`,
      run: Boolean(match[1]),
      code: match[2] ?? '',
    }),
  );
  // Inside the tests package, so that @exitbot/sdk and pg resolve as they would in a reader's project.
  const folder = join(repoRoot, 'tests/deploy', `.snippets-${crypto.randomUUID().slice(0, 8)}`);
  let exitbot: ExitBotServer;
  let database: EmptyDatabase;

  beforeAll(async () => {
    await mkdir(folder, { recursive: true });
    for (const block of blocks) await writeFile(join(folder, block.name), block.code);
    await writeFile(
      join(folder, 'tsconfig.json'),
      JSON.stringify({ extends: '../../tsconfig.json', include: ['*.ts'] }),
    );
    exitbot = await startExitBotServer({ allowedOrigins: [] });
    database = await createEmptyDatabase('exitbot_deploy_docs');
  }, 120_000);

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
    await exitbot?.close();
    await database?.drop();
  });

  it('should have runnable blocks and type-checked ones', () => {
    expect(blocks.filter((block) => block.run).length).toBeGreaterThanOrEqual(6);
    expect(blocks.filter((block) => !block.run).length).toBeGreaterThanOrEqual(2);
  });

  it('should type-check every block as a module of a reader project', () => {
    const result = spawnSync(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', folder], { encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  });

  it('should run every block marked `ts run` to a clean exit', async () => {
    for (const block of blocks.filter((candidate) => candidate.run)) {
      const { token } = await exitbot.createInterview();
      const result = await runToEnd(process.execPath, [join(folder, block.name)], {
        cwd: folder,
        env: baseEnvironment({ EXITBOT_URL: exitbot.url, EXITBOT_TOKEN: token, DATABASE_URL: database.url }),
      });
      expect(result.code, `${block.name}:\n${block.code}\n${result.output}`).toBe(0);
      expect(result.output, block.name).not.toMatch(/Error|undefined/);
    }
  });
});
