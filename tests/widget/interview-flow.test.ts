// <exit-interview> in real Chromium, on an HR portal page under a strict CSP, against the real server:
// a whole interview by keyboard, reload in the middle, offline answers, cut connections and streams.
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type PageProblems, watchPage } from '../helpers/browser.ts';
import { type Portal, startPortal, widgetMarkup } from '../helpers/portal.ts';
import { type ExitBotServer, freePort, startExitBotServer } from '../helpers/server.ts';
import {
  announcement,
  bubbles,
  exitEvents,
  focusedPart,
  recordExitEvents,
  sampleAnswers,
  tabTo,
  waitForTurn,
} from '../helpers/widget.ts';

const screenshots = 'test-results/screenshots';

let server: ExitBotServer;
let portal: Portal;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  const portalPort = await freePort();
  server = await startExitBotServer({ allowedOrigins: [`http://127.0.0.1:${portalPort}`] });
  portal = await startPortal({ port: portalPort, exitbotOrigin: server.url });
  browser = await launchChromium();
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});

afterAll(async () => {
  await browser?.close();
  await portal?.close();
  await server?.close();
});

/** A portal page with one widget for a fresh interview, opened in a new context. */
async function openInterview(
  options: {
    viewport?: { width: number; height: number };
    attributes?: Record<string, string | boolean>;
  } = {},
): Promise<{
  page: Page;
  context: BrowserContext;
  problems: PageProblems;
  interviewId: string;
  url: string;
}> {
  const { id, token } = await server.createInterview();
  const url = portal.page(`/interview-${id}`, {
    body: widgetMarkup({ token, api: server.url, ...options.attributes }),
    scripts: [{ src: `${server.url}/exitbot.js`, module: true }],
  });
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  const problems = await watchPage(page);
  await recordExitEvents(page);
  await page.goto(url);
  return { page, context, problems, interviewId: id, url };
}

function widgetOf(page: Page) {
  return page.locator('exit-interview');
}

async function startByClick(page: Page): Promise<void> {
  await widgetOf(page).getByRole('button', { name: 'Start the interview' }).click();
  await waitForTurn(widgetOf(page));
}

async function answer(page: Page, text: string, label = 'Your answer'): Promise<void> {
  const input = widgetOf(page).getByRole('textbox', { name: label });
  await input.fill(text);
  await input.press('Enter');
}

async function employeeTexts(interviewId: string): Promise<string[]> {
  const messages = await server.transcript(interviewId);
  return messages.filter((message) => message.role === 'employee').map((message) => message.text);
}

describe('<exit-interview> conversation', () => {
  it('should take an employee through a whole interview with the keyboard only', async () => {
    const { page, problems, interviewId } = await openInterview();
    const widget = widgetOf(page);
    await widget.getByRole('button', { name: 'Start the interview' }).waitFor();
    await expect(widget.getByText('Only HR administrators at your company').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: `${screenshots}/start-1280.png` });

    await tabTo(page, 'start-button');
    await page.keyboard.press('Enter');
    expect(await waitForTurn(widget)).toBe('ready');
    expect(await focusedPart(page)).toBe('input');
    const opening = (await bubbles(widget))[0] ?? '';
    expect(opening).toMatch(/^interviewer: \S/);
    expect(await announcement(widget)).toBe(`Interviewer: ${opening.slice('interviewer: '.length)}`);

    let turns = 0;
    let skipped = false;
    for (; turns < 40; turns += 1) {
      if (turns === 2 && !skipped) {
        // Skip one question with the keyboard: from the text box, Tab reaches "Skip question".
        await tabTo(page, 'skip-button', 4);
        await page.keyboard.press('Enter');
        skipped = true;
      } else {
        await page.keyboard.type(sampleAnswers[turns % sampleAnswers.length]!);
        if (turns === 1) await page.screenshot({ path: `${screenshots}/typing-1280.png` });
        await page.keyboard.press('Enter');
      }
      if ((await waitForTurn(widget)) === 'done') break;
      expect(await focusedPart(page)).toBe('input');
      if (turns === 3) await page.screenshot({ path: `${screenshots}/chat-1280.png` });
    }
    expect(turns).toBeLessThan(40);
    await expect.poll(() => focusedPart(page)).toBe('h2');
    await expect(widget.getByRole('heading', { name: 'Thank you' }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: `${screenshots}/done-1280.png` });

    const names = (await exitEvents(page)).map((event) => event.name);
    expect(names[0]).toBe('exit-start');
    expect(names.at(-1)).toBe('exit-complete');
    expect(names.filter((name) => name === 'exit-answer').length).toBe(turns + 1);
    const stored = await server.transcript(interviewId);
    expect(stored.filter((entry) => entry.role === 'employee' && entry.kind === 'decline')).toHaveLength(1);
    expect(new Set(stored.map((entry) => entry.clientMessageId).filter(Boolean)).size).toBe(
      stored.filter((entry) => entry.role === 'employee').length,
    );
    expect(problems.cspViolations).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
  });

  it('should bring the transcript back after a reload and carry on where it was', async () => {
    const { page, problems, interviewId } = await openInterview();
    const widget = widgetOf(page);
    await startByClick(page);
    for (const text of sampleAnswers.slice(0, 2)) {
      await answer(page, text);
      await waitForTurn(widget);
    }
    const before = await bubbles(widget);
    expect(before).toHaveLength(5);
    const progress = await widget.locator('[part="progress"]').textContent();
    expect(progress).toMatch(/\d+ of \d+ topics/);

    await page.reload();
    await waitForTurn(widget);
    expect(await bubbles(widget)).toEqual(before);
    expect(await widget.locator('[part="progress"]').textContent()).toBe(progress);

    await answer(page, sampleAnswers[2]!);
    await waitForTurn(widget);
    expect(await bubbles(widget)).toHaveLength(7);
    expect(await employeeTexts(interviewId)).toEqual(sampleAnswers.slice(0, 3));
    expect(problems.cspViolations).toEqual([]);
  });

  it('should keep an answer written offline, say so, and send it once when the network returns', async () => {
    const { page, context, problems, interviewId } = await openInterview();
    const widget = widgetOf(page);
    await startByClick(page);

    await context.setOffline(true);
    await answer(page, 'Written on the train with no signal.');
    const notice = widget.locator('[part="notice"]');
    await expect.poll(() => notice.textContent()).toContain('You are offline');
    await expect.poll(() => widget.locator('.status').textContent()).toContain('Saved on this device');
    await page.screenshot({ path: `${screenshots}/offline-1280.png` });
    expect(await employeeTexts(interviewId)).toEqual([]);

    await context.setOffline(false);
    expect(await waitForTurn(widget)).toBe('ready');
    await expect.poll(() => notice.count()).toBe(0);
    expect(await employeeTexts(interviewId)).toEqual(['Written on the train with no signal.']);
    expect((await bubbles(widget)).filter((text) => text.startsWith('employee:'))).toEqual([
      'employee: Written on the train with no signal.',
    ]);
    expect(problems.cspViolations).toEqual([]);
  });

  it('should resend an answer queued offline after the page was closed and opened again', async () => {
    const { page, context, interviewId, url } = await openInterview();
    await startByClick(page);
    await context.setOffline(true);
    await answer(page, 'I wrote this, then my laptop went to sleep.');
    await expect
      .poll(() =>
        page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('exitbot:pending:'))),
      )
      .toHaveLength(1);
    await page.close();

    await context.setOffline(false);
    const again = await context.newPage();
    await again.goto(url);
    const widget = widgetOf(again);
    await widget.getByText('I wrote this, then my laptop went to sleep.').waitFor();
    expect(await waitForTurn(widget)).toBe('ready');
    expect(await employeeTexts(interviewId)).toEqual(['I wrote this, then my laptop went to sleep.']);
    expect((await bubbles(widget)).filter((text) => text.startsWith('employee:'))).toHaveLength(1);
    expect(
      await again.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('exitbot:'))),
    ).toEqual([]);
  });

  it('should resend with the same id when the connection drops after the server stored the answer', async () => {
    const { page, interviewId } = await openInterview();
    const widget = widgetOf(page);
    await startByClick(page);
    const posted: string[] = [];
    let dropped = false;
    await page.route(`${server.url}/v1/interview/messages`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      posted.push((route.request().postDataJSON() as { clientMessageId: string }).clientMessageId);
      if (dropped) return route.continue();
      dropped = true;
      // The server gets the answer and replies in full; the browser only sees the connection reset.
      const response = await route.fetch();
      await response.body();
      return route.abort('connectionreset');
    });

    await answer(page, 'The connection died right after I pressed send.');
    expect(await waitForTurn(widget)).toBe('ready');
    expect(posted).toHaveLength(2);
    expect(posted[1]).toBe(posted[0]);
    expect(await employeeTexts(interviewId)).toEqual(['The connection died right after I pressed send.']);
    const shown = await bubbles(widget);
    expect(shown).toHaveLength(3);
    expect(new Set(shown).size).toBe(3);
  });

  it('should recover a reply whose stream was cut, by reading the stored messages, without resending', async () => {
    const { page, interviewId } = await openInterview();
    const widget = widgetOf(page);
    await startByClick(page);
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/v1/interview/messages'))
        requests.push(`${request.method()} ${request.url()}`);
    });
    let cut = false;
    await page.route(`${server.url}/v1/interview/messages`, async (route) => {
      if (route.request().method() !== 'POST' || cut) return route.continue();
      cut = true;
      const response = await route.fetch();
      const body = await response.text();
      // Keep the acknowledgement, the question's start and its first piece; drop the rest of the stream.
      const firstDelta = body.indexOf('event: question-delta');
      const end = body.indexOf('\n\n', firstDelta) + 2;
      expect(firstDelta).toBeGreaterThan(0);
      return route.fulfill({ status: 200, headers: response.headers(), body: body.slice(0, end) });
    });

    await answer(page, 'Halfway through the reply my Wi-Fi hiccuped.');
    expect(await waitForTurn(widget)).toBe('ready');
    const stored = await server.transcript(interviewId);
    const question = stored.at(-1);
    expect(question?.role).toBe('interviewer');
    expect((await bubbles(widget)).at(-1)).toBe(`interviewer: ${question?.text}`);
    expect(requests.filter((request) => request.startsWith('POST'))).toHaveLength(1);
    expect(requests.some((request) => /GET .*messages\?after=\d+/.test(request))).toBe(true);
    expect(await employeeTexts(interviewId)).toEqual(['Halfway through the reply my Wi-Fi hiccuped.']);
  });

  it('should finish early after a confirmation and show the thank-you screen', async () => {
    const { page, problems, interviewId } = await openInterview();
    const widget = widgetOf(page);
    await startByClick(page);
    await widget.getByRole('button', { name: 'Finish early' }).click();
    const dialog = widget.getByRole('alertdialog', { name: 'Finish the interview now?' });
    await dialog.waitFor();
    expect(await focusedPart(page)).not.toBe('finish-button');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await focusedPart(page)).toBe('finish-button');

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await widget.getByRole('button', { name: 'Finish now' }).click();
    expect(await waitForTurn(widget)).toBe('done');
    const events = await exitEvents(page);
    expect(events.at(-1)).toMatchObject({ name: 'exit-complete', detail: { reason: 'finished-early' } });
    // 'ending' while the report job runs, then 'completed'; the employee sees 'completed' either way.
    expect(['ending', 'completed']).toContain(await server.status(interviewId));
    expect(await employeeTexts(interviewId)).toEqual([]);
    expect(problems.cspViolations).toEqual([]);
  });

  it('should work on a 360 px phone with the on-screen keyboard open', async () => {
    const { page, problems } = await openInterview({ viewport: { width: 360, height: 740 } });
    const widget = widgetOf(page);
    await widget.getByRole('button', { name: 'Start the interview' }).waitFor();
    await page.screenshot({ path: `${screenshots}/start-360.png`, fullPage: true });
    await startByClick(page);
    await answer(page, sampleAnswers[0]!);
    await waitForTurn(widget);
    await widget.locator('[part="card"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${screenshots}/chat-360.png` });

    // An on-screen keyboard leaves about 400 px; the text box grows with the answer and Send stays reachable.
    await page.setViewportSize({ width: 360, height: 400 });
    const input = widget.getByRole('textbox', { name: 'Your answer' });
    await input.focus();
    const before = (await input.boundingBox())?.height ?? 0;
    for (const line of ['First line of a longer answer,', 'a second line,', 'a third', 'and a fourth.']) {
      await page.keyboard.type(line);
      await page.keyboard.press('Shift+Enter');
    }
    const after = (await input.boundingBox())?.height ?? 0;
    expect(after).toBeGreaterThan(before + 40);
    const send = widget.getByRole('button', { name: 'Send answer' });
    await send.scrollIntoViewIfNeeded();
    const box = await send.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    expect(box!.y + box!.height).toBeLessThanOrEqual(400);
    expect(await send.isEnabled()).toBe(true);
    await page.screenshot({ path: `${screenshots}/keyboard-360.png` });
    await send.click();
    expect(await waitForTurn(widget)).toBe('ready');
    expect(problems.cspViolations).toEqual([]);
  });

  it('should show every string in the interview locale and follow the dark theme', async () => {
    const { id, token } = await server.createInterview({ locale: 'de' });
    const url = portal.page(`/de-${id}`, {
      body: widgetMarkup({ token, api: server.url, theme: 'dark' }),
      scripts: [{ src: `${server.url}/exitbot.js`, module: true }],
    });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      colorScheme: 'light',
    });
    contexts.push(context);
    const page = await context.newPage();
    const problems = await watchPage(page);
    await page.goto(url);
    const widget = widgetOf(page);
    await widget.getByRole('button', { name: 'Gespräch beginnen' }).waitFor();
    await expect(widget.getByText('Wer Ihre Antworten liest').isVisible()).resolves.toBe(true);
    const background = await widget
      .locator('[part="card"]')
      .evaluate((element) => getComputedStyle(element).backgroundColor);
    expect(background).toBe('rgb(22, 24, 29)');
    await page.screenshot({ path: `${screenshots}/start-dark-de-1280.png` });
    await widget.getByRole('button', { name: 'Gespräch beginnen' }).click();
    await waitForTurn(widget);
    await answer(
      page,
      'Vor allem fehlten mir Entwicklungsmöglichkeiten und klare Perspektiven.',
      'Ihre Antwort',
    );
    await waitForTurn(widget);
    await expect(widget.getByRole('button', { name: 'Frage überspringen' }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: `${screenshots}/chat-dark-de-1280.png` });
    expect(problems.cspViolations).toEqual([]);
  });
});
