// The invitation link in real Chromium: <public url>/i#token=… opens the interview, the token leaves
// the address bar and the history at once, is exchanged for a session token, and a reload keeps going.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchPage } from '../helpers/browser.ts';
import { type ExitBotServer, startExitBotServer } from '../helpers/server.ts';
import { bubbles, waitForTurn } from '../helpers/widget.ts';

let server: ExitBotServer;
let browser: Browser;

beforeAll(async () => {
  server = await startExitBotServer({ allowedOrigins: [] });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function invitationLink(): Promise<string> {
  const response = await fetch(`${server.url}/v1/hris/events`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      eventId: `evt-${crypto.randomUUID()}`,
      employeeId: `E-${crypto.randomUUID()}`,
      lastDay: new Date().toISOString().slice(0, 10),
      terminationType: 'voluntary',
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { link: string }).link;
}

describe('the invitation link page /i', () => {
  it('should remove the token from the address bar and history, exchange it, and run the interview (also after a reload)', async () => {
    const link = await invitationLink();
    const linkToken = link.split('#token=')[1] ?? '';
    expect(link.startsWith(`${server.url}/i#token=`)).toBe(true);
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = await watchPage(page);
    const requests: string[] = [];
    page.on('request', (request) =>
      requests.push(`${request.url()} ${request.headers().authorization ?? ''}`),
    );
    await page.goto(link);

    const widget = page.locator('exit-interview');
    await widget.waitFor();
    expect(page.url()).toBe(`${server.url}/i`);
    expect(await page.evaluate(() => location.hash)).toBe('');
    const devtools = await context.newCDPSession(page);
    const { entries } = await devtools.send('Page.getNavigationHistory');
    // The new tab's about:blank, then the page: no entry keeps the token.
    expect(entries.map((entry) => entry.url)).toEqual(['about:blank', `${server.url}/i`]);
    const session = await page.evaluate(() =>
      JSON.parse(sessionStorage.getItem('exitbot.session') ?? 'null'),
    );
    expect(session.token).toMatch(/^ey/);
    expect(session.token).not.toBe(linkToken);
    expect(await widget.getAttribute('token')).toBe(session.token);
    await widget.getByRole('button', { name: 'Start the interview' }).click();
    expect(await waitForTurn(widget)).toBe('ready');
    expect((await bubbles(widget))[0]).toMatch(/^interviewer: /);

    // The link's token went to the exchange only; everything else used the session token.
    const withLinkToken = requests.filter((entry) => entry.includes(linkToken));
    expect(withLinkToken.every((entry) => entry.includes('/v1/interview/session'))).toBe(true);
    expect(
      requests.some((entry) => entry.includes(`?token=`) || entry.split(' ')[0]?.includes(linkToken)),
    ).toBe(false);

    await page.reload();
    await widget.waitFor();
    expect(await waitForTurn(widget)).toBe('ready');
    expect((await bubbles(widget)).length).toBeGreaterThan(0);
    expect(problems).toEqual({ cspViolations: [], consoleErrors: [], pageErrors: [] });
    await context.close();
  });

  it('should say so, without mounting the interview, when the link was revoked', async () => {
    const link = await invitationLink();
    const token = link.split('#token=')[1] ?? '';
    const interviewId = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
      .sub as string;
    const revoked = await fetch(`${server.url}/v1/hris/interviews/${interviewId}/revoke`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.apiKey}` },
    });
    expect(revoked.status).toBe(200);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    await page.locator('#link-status').waitFor();
    expect(await page.locator('#link-status').textContent()).toMatch(/no longer valid/);
    expect(await page.locator('exit-interview').count()).toBe(0);
    expect(page.url()).toBe(`${server.url}/i`);
    await context.close();
  });
});
