// examples/hr-portal as its README runs it: its own server script (`pnpm start` of the example) against
// a running ExitBot, then its pages in Chromium under their strict CSP: the employee answers in the
// inline and the isolated interview, HR reads the dashboard. Zero CSP violations, zero page errors.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleInterviews } from '../../packages/server/src/insights/sample-data.ts';
import { seedCompletedInterviews } from '../../packages/server/src/insights/seed.ts';
import { launchChromium, type PageProblems, watchPage } from '../helpers/browser.ts';
import { type ExitBotServer, startExitBotServer } from '../helpers/server.ts';
import { waitForTurn } from '../helpers/widget.ts';
import {
  baseEnvironment,
  freePort,
  type RunningProcess,
  repoRoot,
  startProcess,
  waitForHttp,
} from './support.ts';

let exitbot: ExitBotServer;
let portal: RunningProcess;
let portalUrl = '';
let browser: Browser;

beforeAll(async () => {
  // No allowed origin yet: the example adds its own through the admin API, as it does for a reader.
  exitbot = await startExitBotServer({ allowedOrigins: [] });
  const adminToken = await exitbot.services.tokens.issueAdminToken({
    tenantId: exitbot.tenantId,
    subject: 'hr.admin@acme.example',
    role: 'admin',
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  await seedCompletedInterviews(
    exitbot.services.database,
    exitbot.tenantId,
    sampleInterviews({ count: 80, lastMonth: '2026-10' }),
  );
  const port = await freePort();
  portal = startProcess(process.execPath, ['server.ts'], {
    cwd: join(repoRoot, 'examples/hr-portal'),
    env: baseEnvironment({ EXITBOT_URL: exitbot.url, EXITBOT_ADMIN_TOKEN: adminToken, PORT: String(port) }),
  });
  // The portal calls itself localhost (the origin it allowed in the tenant); browsers must use that name.
  portalUrl = `http://localhost:${port}`;
  await waitForHttp(`${portalUrl}/`, portal);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await exitbot?.close();
});

async function open(path: string): Promise<{ page: Page; problems: PageProblems }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const problems = await watchPage(page);
  const response = await page.goto(`${portalUrl}${path}`);
  expect(response?.headers()['content-security-policy']).toContain("require-trusted-types-for 'script'");
  return { page, problems };
}

function expectNoProblems(problems: PageProblems): void {
  expect(problems.cspViolations).toEqual([]);
  expect(problems.pageErrors).toEqual([]);
  expect(problems.consoleErrors).toEqual([]);
}

describe('examples/hr-portal', () => {
  it('should allow its own origin in the tenant and say how to reuse the API key it created', async () => {
    const settings = await exitbot.services.tenants.find(exitbot.tenantId);
    expect(settings?.settings.allowedOrigins).toEqual([portalUrl]);
    expect(portal.output()).toMatch(/set EXITBOT_API_KEY=exb_[\w-]+ to reuse it/);
  });

  it('should let the employee answer in the inline interview, mark the checklist, and keep the interview on reload', async () => {
    const { page, problems } = await open('/offboarding');
    const widget = page.locator('exit-interview');
    await widget.getByRole('button', { name: 'Start the interview' }).click();
    expect(await waitForTurn(widget)).toBe('ready');
    await expect.poll(() => page.locator('#exit-interview-status').textContent()).toBe('In progress');
    await widget
      .getByRole('textbox', { name: 'Your answer' })
      .fill('The rota changed every week with two days notice.');
    await widget.getByRole('textbox', { name: 'Your answer' }).press('Enter');
    expect(await waitForTurn(widget)).toBe('ready');

    // The same browser session continues the same interview: the answer is still there.
    await page.reload();
    await widget.getByText('The rota changed every week with two days notice.').waitFor();
    // One interview for this session, created by the portal's backend with the employee's HR data.
    const listed = await fetch(`${exitbot.url}/v1/interviews?department=Logistics`, {
      headers: { authorization: `Bearer ${exitbot.apiKey}` },
    });
    const { interviews } = (await listed.json()) as { interviews: { status: string }[] };
    expect(interviews.map((interview) => interview.status)).toEqual(['active']);
    expectNoProblems(problems);
  });

  it('should run the interview isolated in a frame on the ExitBot origin under the same policy', async () => {
    const { page, problems } = await open('/offboarding?isolated');
    const frame = page.frameLocator('exit-interview iframe');
    const framed = frame.locator('exit-interview');
    await framed.getByRole('button', { name: 'Start the interview' }).click();
    expect(await waitForTurn(framed)).toBe('ready');
    // The token was handed to the frame and taken off the portal's DOM.
    expect(await page.locator('exit-interview').getAttribute('token')).toBeNull();
    expectNoProblems(problems);
  });

  it('should show HR the insights dashboard with figures from the seeded interviews', async () => {
    const { page, problems } = await open('/analytics');
    await page.locator('exit-insights h2', { hasText: 'Why people leave' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('exit-insights .tile').count()).toBeGreaterThan(0);
    expect(await page.locator('#insights-notice').isHidden()).toBe(true);
    expectNoProblems(problems);
  });
});
