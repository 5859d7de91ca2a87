// <exit-insights> in real Chromium, on an HR portal page under a strict CSP, against the real server
// with seeded interviews: it renders, filters work (and withhold small views), hostile text stays text,
// CSV exports are neutralised, reviews save, and screenshots are kept for a human look.
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../packages/server/src/db/scope.ts';
import { sampleInterviews } from '../../packages/server/src/insights/sample-data.ts';
import { type SeedInterview, seedCompletedInterviews } from '../../packages/server/src/insights/seed.ts';
import { expireInterviews } from '../../packages/server/src/interviews/interview.repository.ts';
import { buildInsights } from '../../packages/widget/scripts/build-insights.ts';
import { launchChromium, type PageProblems, watchPage } from '../helpers/browser.ts';
import { type ExitBotServer, freePort, startExitBotServer } from '../helpers/server.ts';

const screenshots = 'test-results/screenshots';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const hostile = '<img src=x onerror=alert(1)>';

let server: ExitBotServer;
let portal: Server;
let portalOrigin: string;
let browser: Browser;
let adminToken: string;
let analystToken: string;
let seeded: SeedInterview[];

/** An HR portal page under the strict CSP (no inline script or style, no eval, Trusted Types). */
function startPortal(port: number, exitbot: string): Promise<Server> {
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${exitbot}`,
    "style-src 'self'",
    `connect-src 'self' ${exitbot}`,
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "require-trusted-types-for 'script'",
  ].join('; ');
  const css = `html { background: #eef0f3; font: 15px/1.5 "Helvetica Neue", Arial, sans-serif; color: #1d232b; }
body { margin: 0; }
.topbar { display: flex; align-items: center; gap: 12px; padding: 12px 28px; background: #fff; border-bottom: 1px solid #e3e6ea; }
.logo { display: grid; place-items: center; width: 28px; height: 28px; border-radius: 7px; background: #0f766e; color: #fff; font-weight: 700; }
nav a { color: #4b5563; text-decoration: none; margin-left: 18px; }
main { max-width: 1240px; margin: 24px auto; padding: 0 24px; }`;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname === '/portal.css') {
      response.writeHead(200, { 'Content-Type': 'text/css' });
      response.end(css);
      return;
    }
    const token = url.searchParams.get('role') === 'analyst' ? analystToken : adminToken;
    const lang = url.searchParams.get('lang') ?? 'en';
    const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp });
    response.end(`<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
  <meta charset="utf-8">
  <title>Northwind People · Exit insights</title>
  <link rel="stylesheet" href="/portal.css">
  <script type="module" src="${escapeHtml(exitbot)}/insights.js"></script>
</head>
<body>
  <header class="topbar"><span class="logo" aria-hidden="true">N</span><strong>Northwind People</strong>
    <nav aria-label="Portal"><a href="#">People</a><a href="#">Reviews</a><a href="#" aria-current="page">Exit insights</a></nav></header>
  <main><exit-insights token="${escapeHtml(token)}" api="${escapeHtml(exitbot)}" lang="${escapeHtml(lang)}"></exit-insights></main>
</body>
</html>`);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  const portalPort = await freePort();
  portalOrigin = `http://127.0.0.1:${portalPort}`;
  server = await startExitBotServer({ allowedOrigins: [portalOrigin] });
  await buildInsights();
  portal = await startPortal(portalPort, server.url);
  browser = await launchChromium();

  const expiresAt = new Date(Date.now() + 3_600_000);
  adminToken = await server.services.tokens.issueAdminToken({
    tenantId: server.tenantId,
    subject: 'hr.admin@northwind.example',
    role: 'admin',
    expiresAt,
  });
  analystToken = await server.services.tokens.issueAdminToken({
    tenantId: server.tenantId,
    subject: 'analyst@northwind.example',
    role: 'analyst',
    expiresAt,
  });
  seeded = [
    ...sampleInterviews({ count: 240, lastMonth: '2025-11' }),
    // Reports whose evidence is hostile markup, enough of them for the theme to show quotes.
    ...Array.from({ length: 16 }, (_, index) => ({
      endedOn: `2025-12-0${String(1 + (index % 9))}`,
      mode: 'identified' as const,
      employeeName: `Recognition ${index}`,
      department: 'Engineering',
      location: 'Berlin',
      level: 'Senior',
      primaryReason: 'recognition',
      evidence: [`Nobody ever said thanks ${hostile} for the release work.`],
      summary: `Summary with markup ${hostile} that must stay text.`,
      source: 'llm' as const,
    })),
    { endedOn: '2025-10-15', department: '=SUM(1+1)', primaryReason: 'other' },
  ];
  await seedCompletedInterviews(server.services.database, server.tenantId, seeded);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => {
    if (!portal) return resolve();
    portal.closeAllConnections();
    portal.close(() => resolve());
  });
  await server?.close();
});

async function openDashboard(query = ''): Promise<{ page: Page; problems: PageProblems; alerts: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const problems = await watchPage(page);
  const alerts: string[] = [];
  page.on('dialog', (dialog) => {
    alerts.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${portalOrigin}/${query}`);
  await page.locator('exit-insights h2', { hasText: /Why people leave|Warum Menschen gehen/ }).waitFor();
  return { page, problems, alerts };
}

/** Posts an employee message through the real API (JSON answer, not a stream) and expects it taken. */
async function postMessage(token: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${server.url}/v1/interview/messages`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      Accept: 'application/json',
    },
    body: JSON.stringify({ clientMessageId: `m-${Math.random().toString(36).slice(2, 12)}`, ...body }),
  });
  expect(response.status).toBe(200);
}

const tileValue = (page: Page, index: number) =>
  page.locator('exit-insights .tile').nth(index).locator('.tile-value');

describe('<exit-insights>', () => {
  it('should render the dashboard with seeded data under a strict CSP and look right', async () => {
    const { page, problems, alerts } = await openDashboard();
    await expect.poll(() => tileValue(page, 0).textContent()).toBe(String(seeded.length));
    // Charts are drawn on canvases by Chart.js.
    await page.waitForFunction(() => {
      const root = document.querySelector('exit-insights')?.shadowRoot;
      const canvases = [...(root?.querySelectorAll('canvas') ?? [])] as HTMLCanvasElement[];
      return canvases.length >= 4 && canvases.every((canvas) => canvas.width > 0 && canvas.height > 0);
    });
    // Legal (one or two people) is withheld, named as such and never shown as 0.
    await page.locator('exit-insights .withheld-note', { hasText: 'Legal' }).first().waitFor();
    await page.locator('exit-insights .interviews tbody tr').first().waitFor();
    await page.screenshot({ path: `${screenshots}/insights-dashboard.png`, fullPage: true });
    await page.screenshot({ path: `${screenshots}/insights-overview.png` });
    await page.locator('exit-insights #trend-heading').scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, -20));
    await page.screenshot({ path: `${screenshots}/insights-trend-sentiment.png` });
    await page.locator('exit-insights #themes-heading').evaluate((element) => element.scrollIntoView());
    await page.screenshot({ path: `${screenshots}/insights-themes.png` });
    expect(problems.cspViolations).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors).toEqual([]);
    expect(alerts).toEqual([]);
    await page.context().close();
  });

  it('should filter by department and location and withhold views that are too small', async () => {
    const { page, problems } = await openDashboard();
    const select = (label: string) =>
      page.locator('exit-insights .filters label', { hasText: label }).locator('select');
    const engineering = seeded.filter(
      (item) => item.department === 'Engineering' && item.mode !== 'anonymous',
    ).length;
    await select('Department').selectOption('Engineering');
    await expect.poll(() => tileValue(page, 0).textContent()).toBe(String(engineering));
    // Department breakdown is gone for a department view; location is offered instead.
    await expect
      .poll(() => page.locator('exit-insights .segmented button').first().textContent())
      .toBe('Location');

    await select('Department').selectOption('Legal');
    await page.locator('exit-insights .withheld-view').waitFor();
    expect(await page.locator('exit-insights .withheld-view h2').textContent()).toContain(
      'withheld to protect anonymity',
    );
    expect(await page.locator('exit-insights .tile').count()).toBe(0);

    const period = page.locator('exit-insights .filters label', { hasText: 'Period' }).locator('select');
    await select('Department').selectOption('');
    await period.selectOption('2025');
    const in2025 = seeded.filter((item) => item.endedOn.startsWith('2025')).length;
    await expect.poll(() => tileValue(page, 0).textContent()).toBe(String(in2025));
    await page.locator('exit-insights .link', { hasText: 'Reset filters' }).click();
    await expect.poll(() => tileValue(page, 0).textContent()).toBe(String(seeded.length));
    expect(problems.cspViolations).toEqual([]);
    await page.context().close();
  });

  it('should show hostile markup in quotes and reports as text, and save a review with the keyboard', async () => {
    const { page, problems, alerts } = await openDashboard();
    const theme = page.locator('exit-insights .theme', { hasText: 'Recognition' });
    await theme.locator('blockquote').first().waitFor();
    expect(await theme.locator('blockquote').first().textContent()).toContain(hostile);

    // The newest interviews are the recognition ones: open the first report.
    const open = page.locator('exit-insights .interviews button', { hasText: 'Open report' }).first();
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('exit-insights dialog');
    await dialog.locator('.summary').waitFor();
    expect(await dialog.locator('.summary').textContent()).toContain(hostile);
    expect(await dialog.locator('blockquote').first().textContent()).toContain(hostile);
    expect(await dialog.locator('.pill.ai').textContent()).toBe('AI-generated report');
    const images = await page.evaluate(
      () => document.querySelector('exit-insights')?.shadowRoot?.querySelectorAll('img').length,
    );
    expect(images).toBe(0);

    await dialog.locator('label', { hasText: 'Primary reason' }).locator('select').selectOption('manager');
    await dialog.locator('button[type="submit"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.locator('.save-state').textContent()).toContain('Review saved');
    await page.screenshot({ path: `${screenshots}/insights-report.png` });
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.evaluate((element) => (element as HTMLDialogElement).open)).toBe(false);
    // Focus goes back to the button that opened the report.
    expect(
      await page.evaluate(
        () => document.querySelector('exit-insights')?.shadowRoot?.activeElement?.textContent,
      ),
    ).toBe('Open report');
    expect(alerts).toEqual([]);
    expect(problems.cspViolations).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    await page.context().close();
  });

  it('should have no serious or critical accessibility violations (axe) on the dashboard and the report', async () => {
    // axe is injected as a script, which the strict CSP would block: this context bypasses CSP for the check only.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${portalOrigin}/`);
    await page.locator('exit-insights h2', { hasText: 'Why people leave' }).waitFor();
    await page.locator('exit-insights .interviews tbody tr').first().waitFor();
    await page.addScriptTag({ content: axeSource });
    const severe = async () => {
      const violations = await page.evaluate(async () => {
        const axe = (
          window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<unknown> } }
        ).axe;
        const result = (await axe.run({ include: [['exit-insights']] }, { resultTypes: ['violations'] })) as {
          violations: { id: string; impact: string; nodes: { target: unknown }[] }[];
          passes: unknown[];
        };
        return {
          // The rules that ran and passed: proof that axe saw into the shadow root.
          passes: result.passes.length,
          found: result.violations.map((violation) => ({
            id: violation.id,
            impact: violation.impact,
            targets: violation.nodes.map((node) => node.target),
          })),
        };
      });
      expect(violations.passes).toBeGreaterThan(5);
      return violations.found.filter(
        (violation) => violation.impact === 'serious' || violation.impact === 'critical',
      );
    };
    expect(await severe()).toEqual([]);
    await page.locator('exit-insights .interviews button', { hasText: 'Open report' }).first().click();
    await page.locator('exit-insights dialog .summary').waitFor();
    expect(await severe()).toEqual([]);
    // The transcript section (a seeded interview has no messages: the section says so).
    await page.locator('exit-insights dialog button', { hasText: 'Show the transcript' }).click();
    await page
      .locator('exit-insights dialog .transcript-section .hint', { hasText: 'No messages' })
      .waitFor();
    expect(await severe()).toEqual([]);
    await context.close();
  });

  it('should export CSV with formula cells neutralised', async () => {
    const { page } = await openDashboard();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('exit-insights button', { hasText: 'Export interview list (CSV)' }).click(),
    ]);
    const text = readFileSync((await download.path()) as string, 'utf8');
    expect(text).toContain("'=SUM(1+1)");
    expect(text).not.toMatch(/(^|,)"?=SUM/m);
    const [figures] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('exit-insights button', { hasText: 'Export figures (CSV)' }).click(),
    ]);
    const figuresText = readFileSync((await figures.path()) as string, 'utf8');
    expect(figuresText).toContain('section,key,label,count,share_percent,status');
    expect(figuresText).toContain('reasons,career-growth,Career growth,');
    await page.context().close();
  });

  it('should print a clean report and speak German', async () => {
    const { page } = await openDashboard('?lang=de');
    expect(await page.locator('exit-insights h1').textContent()).toBe('Austritts-Insights');
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    await page.locator('exit-insights .filters-summary').waitFor();
    expect(await page.locator('exit-insights .actions').isVisible()).toBe(false);
    await page.screenshot({ path: `${screenshots}/insights-print-de.png`, fullPage: true });
    await page.context().close();
  });

  it("should be the dashboard of the server's own HR admin page", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = await watchPage(page);
    await page.goto(`${server.url}/admin#token=${adminToken}`);
    await page.locator('exit-insights h2', { hasText: 'Why people leave' }).waitFor();
    await expect.poll(() => tileValue(page, 0).textContent()).toBe(String(seeded.length));
    expect(problems.cspViolations).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    await page.screenshot({ path: `${screenshots}/insights-admin-page.png` });
    await context.close();
  });

  it('should keep confidential reports from analysts and show them read-only reviews', async () => {
    const { page } = await openDashboard('?role=analyst');
    await page.locator('exit-insights .interviews tbody tr').first().waitFor();
    await page.locator('exit-insights .interviews button', { hasText: 'Show more' }).click();
    expect(
      await page.locator('exit-insights .interviews td', { hasText: 'Admins only' }).count(),
    ).toBeGreaterThan(0);
    const open = page.locator('exit-insights .interviews button', { hasText: 'Open report' }).first();
    await open.click();
    const dialog = page.locator('exit-insights dialog');
    await dialog.locator('.review').waitFor();
    expect(await dialog.locator('.review select').first().isDisabled()).toBe(true);
    expect(await dialog.locator('.review button[type="submit"]').count()).toBe(0);
    await page.context().close();
  });

  it('should let an admin create an API key with only the scopes a system needs, and revoke it, from the admin page', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = await watchPage(page);
    await page.goto(`${server.url}/admin#token=${adminToken}`);
    await page.locator('#integrations').waitFor();
    await page.locator('#integrations summary').click();
    await page.fill('#key-name', 'HRIS connector');
    // Only "create interviews" is ticked by default; the connector needs nothing else.
    const ticked = await page.$$eval('#key-form input[name="scope"]:checked', (boxes) =>
      boxes.map((box) => (box as HTMLInputElement).value),
    );
    expect(ticked).toEqual(['interviews:write']);
    await page.locator('#key-form button[type="submit"]').click();
    await page.locator('#key-created').waitFor();
    const key = await page.inputValue('#key-created-value');
    expect(key).toMatch(/^exb_[0-9a-f]{32}_/);
    await page.locator('#key-rows tr', { hasText: 'HRIS connector' }).waitFor();
    expect(await page.locator('#key-rows tr', { hasText: 'HRIS connector' }).textContent()).toContain(
      'interviews:write',
    );
    await page.screenshot({ path: `${screenshots}/admin-api-keys.png` });
    // The key creates interviews and reads no transcript.
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const created = await call('POST', '/v1/interviews', { locale: 'en' });
    expect(created.status).toBe(201);
    const { interview } = (await created.json()) as { interview: { id: string } };
    expect((await call('GET', `/v1/interviews/${interview.id}/transcript`)).status).toBe(403);
    // Revoked from the page: refused at once on this server.
    page.once('dialog', (dialog) => dialog.accept());
    await page.locator('#key-rows tr', { hasText: 'HRIS connector' }).locator('button').click();
    await expect.poll(() => page.locator('#key-status').textContent()).toContain('Revoked "HRIS connector"');
    await expect.poll(() => page.locator('#key-rows tr', { hasText: 'HRIS connector' }).count()).toBe(0);
    expect((await call('POST', '/v1/interviews', { locale: 'en' })).status).toBe(401);
    // Analysts do not see the section.
    const analyst = await context.newPage();
    await analyst.goto(`${server.url}/admin#token=${analystToken}`);
    await expect.poll(() => analyst.locator('#who').textContent()).toContain('(analyst)');
    expect(await analyst.locator('#integrations').isHidden()).toBe(true);
    expect(problems.cspViolations).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    await context.close();
  });

  it("should show an admin the transcript of a real interview on request from the admin page's report, and no analyst", async () => {
    // A real interview through the HTTP API (identified, so that analysts may open its report), with hostile text.
    const { id, token } = await server.createInterview({
      mode: 'identified',
      employee: { name: 'Transcript Person' },
      attributes: { department: 'Engineering', location: 'Berlin' },
    });
    const post = (body: Record<string, unknown>) => postMessage(token, body);
    await post({ type: 'start' });
    const answer = `My manager ignored every idea ${hostile} and I stopped proposing any.`;
    await post({ type: 'answer', text: answer });
    await post({ type: 'decline' });
    await post({ type: 'finish' });
    await expect.poll(() => server.status(id), { timeout: 30_000 }).toBe('completed');
    const stored = await server.transcript(id);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = await watchPage(page);
    // Reads of this interview's transcript (the admin interview route, which audits each one).
    let transcriptReads = 0;
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === `/v1/admin/interviews/${id}`) transcriptReads += 1;
    });
    await page.goto(`${server.url}/admin#token=${adminToken}`);
    // The newest interview is this one: its report opens in the dashboard's dialog (no second, raw list).
    const row = page.locator('exit-insights .interviews tbody tr').first();
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('Open report');
    await row.locator('button', { hasText: 'Open report' }).click();
    const dialog = page.locator('exit-insights dialog');
    await dialog.locator('.facts', { hasText: 'Transcript Person' }).waitFor();
    expect(await dialog.locator('.interview-id').textContent()).toBe(id);
    // Nothing word for word until the admin asks (each read is audited), then one read however often clicked.
    expect(await dialog.locator('.transcript li').count()).toBe(0);
    expect(transcriptReads).toBe(0);
    await dialog.locator('button', { hasText: 'Show the transcript' }).click();
    await dialog.locator('.transcript li.employee').first().waitFor();
    expect(transcriptReads).toBe(1);
    // The focus moved from the button (gone) to the section's heading.
    expect(
      await page.evaluate(() => document.querySelector('exit-insights')?.shadowRoot?.activeElement?.id),
    ).toBe('transcript-heading');
    const items = dialog.locator('.transcript li');
    expect(await items.count()).toBe(stored.length);
    expect(await dialog.locator('.transcript li.employee', { hasText: answer }).count()).toBe(1);
    expect(
      await dialog.locator('.transcript li.employee', { hasText: 'Skipped this question' }).count(),
    ).toBe(1);
    expect(await dialog.locator('.transcript li.interviewer').count()).toBe(
      stored.filter((message) => message.role === 'interviewer').length,
    );
    const images = await page.evaluate(
      () => document.querySelector('exit-insights')?.shadowRoot?.querySelectorAll('img').length,
    );
    expect(images).toBe(0);
    await dialog.locator('.transcript-section').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${screenshots}/admin-report-transcript.png` });
    expect(problems.cspViolations).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    await context.close();

    // An analyst opens the same report without names and without a transcript section.
    const { page: analyst } = await openDashboard('?role=analyst');
    const analystRow = analyst.locator('exit-insights .interviews tbody tr').first();
    await analystRow.locator('button', { hasText: 'Open report' }).click();
    const analystDialog = analyst.locator('exit-insights dialog');
    await analystDialog.locator('.review').waitFor();
    expect(await analystDialog.textContent()).not.toContain('Transcript Person');
    expect(await analystDialog.locator('.transcript-section').count()).toBe(0);
    await analyst.context().close();
  });

  it('should let an admin read the transcript of an interview that expired before its end (no report)', async () => {
    const { id, token } = await server.createInterview({
      expiresAt: new Date(Date.now() + 4_000).toISOString(),
      attributes: { department: 'Sales' },
    });
    const post = (body: Record<string, unknown>) => postMessage(token, body);
    await post({ type: 'start' });
    const answer = 'I left half-way through this interview, but here is one honest answer.';
    await post({ type: 'answer', text: answer });
    // The retention sweep expires it once its time ran out (here: the sweep's own statement, nothing purged).
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    await withTenant(server.services.database, server.tenantId, (db) =>
      expireInterviews(db, server.tenantId, new Date()),
    );
    expect(await server.status(id)).toBe('expired');

    const { page, problems } = await openDashboard();
    const row = page.locator('exit-insights .interviews tbody tr').first();
    await expect.poll(() => row.textContent()).toContain('Expired');
    expect(await row.textContent()).toContain('No report yet');
    await row.locator('button', { hasText: 'Transcript' }).click();
    const dialog = page.locator('exit-insights dialog');
    await dialog.locator('.interview-id', { hasText: id }).waitFor();
    expect(await dialog.locator('#report-heading').textContent()).toBe('Interview');
    await dialog.locator('button', { hasText: 'Show the transcript' }).click();
    await dialog.locator('.transcript li.employee', { hasText: answer }).waitFor();
    expect(problems.pageErrors).toEqual([]);
    await page.context().close();

    // Analysts get no transcript button on such a row.
    const { page: analyst } = await openDashboard('?role=analyst');
    const analystRow = analyst.locator('exit-insights .interviews tbody tr').first();
    await expect.poll(() => analystRow.textContent()).toContain('Expired');
    expect(await analystRow.locator('button').count()).toBe(0);
    await analyst.context().close();
  });

  it('should reach every interview of the list with "Show more", past the first ones fetched', async () => {
    const all = (await (
      await fetch(`${server.url}/v1/admin/insights/interviews?limit=50000`, {
        headers: { Authorization: `Bearer ${adminToken}` },
      })
    ).json()) as { interviews: unknown[] };
    // More than the dashboard fetches at first (200).
    expect(all.interviews.length).toBeGreaterThan(200);
    const { page } = await openDashboard();
    const foot = page.locator('exit-insights .list-foot');
    await expect.poll(() => foot.textContent()).toContain('Showing the 15 newest');
    const more = foot.locator('button', { hasText: 'Show more' });
    for (let clicks = 0; clicks < 20 && (await more.count()) > 0; clicks += 1) await more.click();
    await expect.poll(() => foot.textContent()).toContain(`of ${all.interviews.length}`);
    expect(await page.locator('exit-insights .interviews tbody tr').count()).toBe(all.interviews.length);
    expect(await more.count()).toBe(0);
    await page.context().close();
  });

  // Last in this file: it signs out every admin token of the tenant, the ones the tests above use too.
  it('should let an admin create a sign-in link for a colleague and sign everyone out from the admin page', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = await watchPage(page);
    await page.goto(`${server.url}/admin#token=${adminToken}`);
    await page.locator('#access').waitFor();
    expect(await page.locator('#who').textContent()).toContain('hr.admin@northwind.example (admin)');
    expect(await page.locator('#issued').isHidden()).toBe(true);
    await page.locator('#access summary').click();
    await page.fill('#issue-subject', 'Dana Müller <dana@northwind.example>');
    await page.selectOption('#issue-role', 'analyst');
    await page.locator('#issue-form button[type="submit"]').click();
    await page.locator('#issued').waitFor();
    await expect.poll(() => page.inputValue('#issued-url')).not.toBe('');
    const link = await page.inputValue('#issued-url');
    expect(link.startsWith(`${server.url}/admin#token=`)).toBe(true);
    expect(await page.locator('#issued-label').textContent()).toContain(
      'Dana Müller <dana@northwind.example> (analyst)',
    );
    await page.screenshot({ path: `${screenshots}/admin-team-access.png` });

    // The colleague's link opens the page as an analyst: no team access section.
    const colleague = await context.newPage();
    await colleague.goto(link);
    await expect
      .poll(() => colleague.locator('#who').textContent())
      .toContain('Dana Müller <dana@northwind.example> (analyst)');
    expect(await colleague.locator('#access').isHidden()).toBe(true);

    page.once('dialog', (dialog) => dialog.accept());
    await page.locator('#revoke').click();
    await expect.poll(() => page.locator('#access-status').textContent()).toContain('still signed in');
    expect(await page.locator('#issued').isHidden()).toBe(true);
    // The admin goes on with the new token; the colleague's link and the old admin token are refused.
    await page.reload();
    await page.locator('exit-insights h2', { hasText: 'Why people leave' }).waitFor();
    expect(await page.locator('#token-form').isHidden()).toBe(true);
    await colleague.reload();
    await expect.poll(() => colleague.locator('#who').textContent()).toContain('refused');
    expect(await colleague.locator('#token-form').isVisible()).toBe(true);
    expect(await colleague.locator('exit-insights').isHidden()).toBe(true);
    const old = await fetch(`${server.url}/v1/admin/interviews`, {
      headers: { Authorization: `Bearer ${adminToken}` },
    });
    expect(old.status).toBe(401);
    expect(problems.cspViolations).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    await context.close();
  });
});
