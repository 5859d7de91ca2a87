// How <exit-interview> lives inside someone else's page: hostile styles, two widgets, the script twice,
// the classic build, the isolated iframe mode, accessibility (axe) and zero CSP violations.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type PageProblems, watchPage } from '../helpers/browser.ts';
import { type Portal, type PortalPage, startPortal, widgetMarkup } from '../helpers/portal.ts';
import { type ExitBotServer, freePort, startExitBotServer } from '../helpers/server.ts';
import { bubbles, exitEvents, recordExitEvents, sampleAnswers, waitForTurn } from '../helpers/widget.ts';

const screenshots = 'test-results/screenshots';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let server: ExitBotServer;
let portal: Portal;
/** A second portal whose origin the tenant does not allow. */
let strangerPortal: Portal;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  const portalPort = await freePort();
  server = await startExitBotServer({ allowedOrigins: [`http://127.0.0.1:${portalPort}`], demo: true });
  portal = await startPortal({ port: portalPort, exitbotOrigin: server.url });
  strangerPortal = await startPortal({ exitbotOrigin: server.url });
  browser = await launchChromium();
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});

afterAll(async () => {
  await browser?.close();
  await strangerPortal?.close();
  await portal?.close();
  await server?.close();
});

const moduleScript = () => ({ src: `${server.url}/exitbot.js`, module: true });

async function open(
  target: Portal,
  path: string,
  page: PortalPage,
  options: { width?: number; bypassCSP?: boolean } = {},
): Promise<{ page: Page; problems: PageProblems }> {
  const url = target.page(path, page);
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: 900 },
    bypassCSP: options.bypassCSP ?? false,
  });
  contexts.push(context);
  const tab = await context.newPage();
  const problems = await watchPage(tab);
  await recordExitEvents(tab);
  await tab.goto(url);
  return { page: tab, problems };
}

/** Computed styles of the widget's own elements that a leaking host stylesheet would change. */
async function widgetLook(page: Page): Promise<Record<string, unknown>> {
  const widget = page.locator('exit-interview');
  await widget.getByRole('button', { name: 'Start the interview' }).waitFor();
  const pick = (selector: string, properties: string[]) =>
    widget
      .locator(selector)
      .first()
      .evaluate((element, names) => {
        const style = getComputedStyle(element);
        const box = element.getBoundingClientRect();
        return {
          ...Object.fromEntries(names.map((name) => [name, style.getPropertyValue(name)])),
          height: Math.round(box.height),
        };
      }, properties);
  return {
    card: await pick('[part="card"]', [
      'background-color',
      'border-top-left-radius',
      'font-size',
      'font-family',
    ]),
    heading: await pick('h2', ['font-size', 'color', 'text-transform', 'letter-spacing', 'line-height']),
    lead: await pick('.lead', ['font-size', 'color', 'background-color', 'font-family']),
    fact: await pick('.fact p', ['font-size', 'color', 'line-height']),
    icon: await pick('.fact-icon svg', ['width', 'height']),
    start: await pick('[part="start-button"]', [
      'display',
      'visibility',
      'font-size',
      'color',
      'background-color',
    ]),
  };
}

describe('<exit-interview> on a host page', () => {
  it('should look the same under a host stylesheet that unsets and overrides everything', async () => {
    const { token } = await server.createInterview();
    const markup = widgetMarkup({ token, api: server.url, class: 'fixed-width' });
    const plain = await open(portal, '/plain', { body: markup, scripts: [moduleScript()] });
    const hostile = await open(portal, '/hostile', {
      body: markup,
      scripts: [moduleScript()],
      hostile: true,
    });

    const expected = await widgetLook(plain.page);
    expect(expected.start).toMatchObject({ display: 'flex', visibility: 'visible', 'font-size': '15px' });
    expect(await widgetLook(hostile.page)).toEqual(expected);
    // The host's rules did apply to its own elements, so the test page really is hostile.
    const hostHeading = await hostile.page
      .locator('h1')
      .evaluate((element) => getComputedStyle(element).fontSize);
    expect(hostHeading).toBe('40px');
    await hostile.page.locator('exit-interview').getByRole('button', { name: 'Start the interview' }).click();
    expect(await waitForTurn(hostile.page.locator('exit-interview'))).toBe('ready');
    await hostile.page.screenshot({ path: `${screenshots}/hostile-host-css-1280.png` });
    expect(hostile.problems.cspViolations).toEqual([]);
  });

  it('should not change the host page: its elements look the same with and without the widget', async () => {
    const { token } = await server.createInterview();
    const withWidget = await open(portal, '/with', {
      body: `<p class="probe">Portal text</p><button class="probe-button">Portal button</button>${widgetMarkup({ token, api: server.url })}`,
      scripts: [moduleScript()],
    });
    const without = await open(portal, '/without', {
      body: '<p class="probe">Portal text</p><button class="probe-button">Portal button</button>',
      scripts: [moduleScript()],
    });
    await withWidget.page
      .locator('exit-interview')
      .getByRole('button', { name: 'Start the interview' })
      .waitFor();
    const look = (page: Page) =>
      page.evaluate(() =>
        ['.probe', '.probe-button', 'h1', 'body'].map((selector) => {
          const style = getComputedStyle(document.querySelector(selector)!);
          return [style.fontFamily, style.fontSize, style.color, style.backgroundColor, style.padding].join(
            '|',
          );
        }),
      );
    expect(await look(withWidget.page)).toEqual(await look(without.page));
  });

  it('should run two widgets on one page, each with its own interview', async () => {
    const first = await server.createInterview();
    const second = await server.createInterview({ locale: 'fr' });
    const { page, problems } = await open(portal, '/two', {
      body: `<div class="pair">${widgetMarkup({ token: first.token, api: server.url, id: 'one' })}${widgetMarkup({ token: second.token, api: server.url, id: 'two' })}</div>`,
      scripts: [moduleScript()],
    });
    const one = page.locator('#one');
    const two = page.locator('#two');
    await one.getByRole('button', { name: 'Start the interview' }).click();
    await two.getByRole('button', { name: 'Commencer l’entretien' }).click();
    await waitForTurn(one);
    await waitForTurn(two);
    await one.getByRole('textbox', { name: 'Your answer' }).fill('Answer in the first widget.');
    await one.getByRole('textbox', { name: 'Your answer' }).press('Enter');
    await two.getByRole('textbox', { name: 'Votre réponse' }).fill('Réponse dans le second widget.');
    await two.getByRole('textbox', { name: 'Votre réponse' }).press('Enter');
    await waitForTurn(one);
    await waitForTurn(two);
    await page.screenshot({ path: `${screenshots}/two-widgets-1280.png` });

    const texts = async (id: string) =>
      (await server.transcript(id)).filter((entry) => entry.role === 'employee').map((entry) => entry.text);
    expect(await texts(first.id)).toEqual(['Answer in the first widget.']);
    expect(await texts(second.id)).toEqual(['Réponse dans le second widget.']);
    expect((await bubbles(one)).filter((text) => text.startsWith('employee'))).toEqual([
      'employee: Answer in the first widget.',
    ]);
    expect(problems.cspViolations).toEqual([]);
  });

  it('should define the element once when the script is included twice, hashed and classic too', async () => {
    const manifest = (await (
      await fetch(`${server.url}/assets/manifest.json`)
    )
      .json()
      .catch(() => null)) as Record<string, string> | null;
    const { token } = await server.createInterview();
    const scripts = [
      moduleScript(),
      moduleScript(),
      { src: `${server.url}/exitbot.classic.js`, module: false },
      ...(manifest?.['exitbot.js']
        ? [{ src: `${server.url}/assets/${manifest['exitbot.js']}`, module: true }]
        : []),
    ];
    const { page, problems } = await open(portal, '/twice', {
      body: widgetMarkup({ token, api: server.url }),
      scripts,
    });
    const widget = page.locator('exit-interview');
    await widget.getByRole('button', { name: 'Start the interview' }).click();
    expect(await waitForTurn(widget)).toBe('ready');
    expect(await widget.locator('[part="card"]').count()).toBe(1);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.cspViolations).toEqual([]);
  });

  it('should work from the classic (non-module) script alone, finding its server from the script URL', async () => {
    const { token } = await server.createInterview();
    const { page, problems } = await open(portal, '/classic', {
      body: widgetMarkup({ token }),
      scripts: [{ src: `${server.url}/exitbot.classic.js`, module: false }],
    });
    const widget = page.locator('exit-interview');
    await widget.getByRole('button', { name: 'Start the interview' }).click();
    expect(await waitForTurn(widget)).toBe('ready');
    expect(problems.pageErrors).toEqual([]);
    expect(problems.cspViolations).toEqual([]);
  });

  it('should run isolated in the server frame, out of reach of the host page', async () => {
    const { id, token } = await server.createInterview();
    const { page, problems } = await open(portal, '/isolated', {
      body: widgetMarkup({ token, api: server.url, isolated: true }),
      scripts: [moduleScript()],
    });
    const frame = await embedFrame(page);
    const framed = frame.locator('exit-interview');
    await framed.getByRole('button', { name: 'Start the interview' }).click();
    expect(await waitForTurn(framed)).toBe('ready');
    await framed.getByRole('textbox', { name: 'Your answer' }).fill(sampleAnswers[0]!);
    await framed.getByRole('textbox', { name: 'Your answer' }).press('Enter');
    expect(await waitForTurn(framed)).toBe('ready');
    await page.screenshot({ path: `${screenshots}/isolated-1280.png` });

    // The host page sees an iframe from another origin: no token in its DOM, no transcript, no frame document.
    const reach = await page.evaluate(() => {
      const element = document.querySelector('exit-interview')!;
      const iframe = element.shadowRoot!.querySelector('iframe')!;
      return {
        tokenAttribute: element.getAttribute('token'),
        tokenProperty: (element as unknown as { token?: string }).token ?? null,
        frameDocument: iframe.contentDocument === null ? 'unreachable' : 'reachable',
        frameOrigin: new URL(iframe.src).origin,
        hostText: document.body.textContent,
        shadowText: element.shadowRoot!.textContent,
      };
    });
    expect(reach).toMatchObject({
      tokenAttribute: null,
      tokenProperty: null,
      frameDocument: 'unreachable',
      frameOrigin: server.url,
    });
    expect(reach.hostText).not.toContain(sampleAnswers[0]);
    expect(reach.shadowText).not.toContain(sampleAnswers[0]);
    expect(
      (await server.transcript(id)).filter((entry) => entry.role === 'employee').map((e) => e.text),
    ).toEqual([sampleAnswers[0]]);
    // Events still reach the host page, forwarded from the frame (ids, never text).
    const names = (await exitEvents(page)).map((event) => event.name);
    expect(names).toEqual(['exit-start', 'exit-answer']);
    expect(JSON.stringify(await exitEvents(page))).not.toContain(sampleAnswers[0]);
    expect(problems.cspViolations).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
  });

  it('should refuse to be framed by an origin the tenant does not allow', async () => {
    const { token } = await server.createInterview();
    const { page } = await open(strangerPortal, '/isolated', {
      body: widgetMarkup({ token, api: server.url, isolated: true }),
      scripts: [moduleScript()],
    });
    await page.locator('exit-interview').locator('iframe').waitFor({ state: 'attached' });
    await page.waitForTimeout(1500);
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
    const framedWidgets = frame
      ? await frame
          .locator('exit-interview')
          .count()
          .catch(() => 0)
      : 0;
    expect(framedWidgets).toBe(0);
    expect(await exitEvents(page)).toEqual([]);
  });

  it('should have no serious or critical accessibility violations (axe) on every screen', async () => {
    const { token } = await server.createInterview();
    // axe is injected as a script, which the strict CSP would block: this context bypasses CSP for the check only.
    const { page } = await open(
      portal,
      '/axe',
      { body: widgetMarkup({ token, api: server.url }), scripts: [moduleScript()] },
      {
        bypassCSP: true,
      },
    );
    const widget = page.locator('exit-interview');
    await widget.getByRole('button', { name: 'Start the interview' }).waitFor();
    await page.addScriptTag({ content: axeSource });
    const check = async (screen: string) => {
      const violations = await page.evaluate(async () => {
        const axe = (
          window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<unknown> } }
        ).axe;
        const result = (await axe.run(
          { include: [['exit-interview']] },
          { resultTypes: ['violations'] },
        )) as { violations: { id: string; impact: string; nodes: { target: unknown }[] }[] };
        return result.violations.map((violation) => ({
          id: violation.id,
          impact: violation.impact,
          targets: violation.nodes.map((node) => node.target),
        }));
      });
      const severe = violations.filter(
        (violation) => violation.impact === 'serious' || violation.impact === 'critical',
      );
      expect(severe, `${screen}: ${JSON.stringify(violations)}`).toEqual([]);
      return violations;
    };
    await check('start');
    await widget.getByRole('button', { name: 'Start the interview' }).click();
    await waitForTurn(widget);
    await widget.getByRole('textbox', { name: 'Your answer' }).fill(sampleAnswers[1]!);
    await widget.getByRole('textbox', { name: 'Your answer' }).press('Enter');
    await waitForTurn(widget);
    await check('chat');
    await widget.getByRole('button', { name: 'Finish early' }).click();
    await check('confirm');
    await widget.getByRole('button', { name: 'Finish now' }).click();
    expect(await waitForTurn(widget)).toBe('done');
    await check('done');
  });

  it('should load the server demo HR portal page with no CSP violations', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    const problems = await watchPage(page);
    const response = await page.goto(`${server.url}/demo`);
    expect(response?.status()).toBe(200);
    const widget = page.locator('exit-interview');
    await widget.getByRole('button', { name: 'Start the interview' }).click();
    expect(await waitForTurn(widget)).toBe('ready');
    await page.screenshot({ path: `${screenshots}/demo-portal-1280.png` });
    expect(problems.cspViolations).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
  });
});

/** The frame of the isolated widget, once its page has loaded on the server's origin. */
async function embedFrame(page: Page): Promise<Frame> {
  await page.locator('exit-interview').locator('iframe').waitFor({ state: 'attached' });
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const frame = page.frames().find((candidate) => candidate.url().includes('/embed/frame'));
    if (frame) return frame;
    await page.waitForTimeout(50);
  }
  throw new Error('the embed frame never loaded');
}
