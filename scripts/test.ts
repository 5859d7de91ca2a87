// Runs every check (type-check, lint, unit, integration, browser) and prints one closing line
// "N passed, N failed" that CI reads. Type-check and lint count as one check each.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const resultsFile = 'test-results/vitest.json';
mkdirSync('test-results', { recursive: true });
rmSync(resultsFile, { force: true });

let passed = 0;
let failed = 0;
let skipped = 0;

// What the integration and browser tests need. Without them those tests are skipped (a newcomer's laptop);
// in CI a missing requirement is a failure, so a green CI never hides skipped suites.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const missing: string[] = [];
if (!process.env.DATABASE_URL)
  missing.push('DATABASE_URL is not set: the tests against real Postgres are skipped');
if (!existsSync(chromiumPath)) missing.push(`no Chromium at ${chromiumPath}: the browser tests are skipped`);
const pgbouncer = ['pgbouncer', '/usr/sbin/pgbouncer', '/usr/local/sbin/pgbouncer'].some(
  (binary) => spawnSync(binary, ['--version']).status === 0,
);
if (!pgbouncer) missing.push('no pgbouncer binary: the live PgBouncer test is skipped');
for (const line of missing) console.log(`note: ${line}`);
if (process.env.CI && missing.length > 0) {
  console.log(
    'CI must run every test: start Postgres, set DATABASE_URL, install chromium and pgbouncer (see .ci/run).',
  );
  console.log(`\n0 passed, ${missing.length} failed`);
  process.exit(1);
}

function step(name: string, command: string, args: string[]): boolean {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', shell: false });
  const ok = result.status === 0;
  console.log(`=== ${name}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`}`);
  return ok;
}

for (const [name, args] of [
  ['typecheck', ['-r', '--no-bail', 'typecheck']],
  ['lint', ['exec', 'biome', 'check', '.']],
] as const) {
  if (step(name, 'pnpm', [...args])) passed += 1;
  else failed += 1;
}

const vitestOk = step('vitest', 'pnpm', [
  'exec',
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${resultsFile}`,
  ...process.argv.slice(2),
]);

if (existsSync(resultsFile)) {
  const report = JSON.parse(readFileSync(resultsFile, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numTotalTests: number;
    testResults: { status: string; name: string; message?: string }[];
  };
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  // A test file that fails to load has no failed test but must fail the run.
  const brokenFiles = report.testResults.filter((file) => file.status === 'failed' && file.message);
  failed += brokenFiles.length;
  for (const file of brokenFiles) console.log(`failed to run: ${file.name}`);
} else if (!vitestOk) {
  failed += 1;
}
if (!vitestOk && failed === 0) failed += 1;

console.log(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
