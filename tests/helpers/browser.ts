// Debian's Chromium driven by playwright-core, and a watch on every page for CSP violations and errors.
import { type Browser, chromium, type Page } from 'playwright-core';

/** Launches headless Chromium from /usr/bin/chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What went wrong on a page: CSP violations (from events and the console), console errors, uncaught errors. */
export interface PageProblems {
  cspViolations: string[];
  consoleErrors: string[];
  pageErrors: string[];
}

/**
 * Records problems on `page` from now on. `securitypolicyviolation` listeners are installed before
 * any page script runs (through the DevTools protocol, which the page's CSP does not govern).
 */
export async function watchPage(page: Page): Promise<PageProblems> {
  const problems: PageProblems = { cspViolations: [], consoleErrors: [], pageErrors: [] };
  await page.exposeFunction('__exitbotReportViolation', (text: string) => problems.cspViolations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __exitbotReportViolation: (text: string) => void })
        .__exitbotReportViolation;
      report(
        `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`,
      );
    });
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (/Content Security Policy|Trusted ?Type|TrustedHTML|TrustedScript/i.test(text))
      problems.cspViolations.push(text);
    else problems.consoleErrors.push(text);
  });
  page.on('pageerror', (error) => problems.pageErrors.push(String(error)));
  return problems;
}
