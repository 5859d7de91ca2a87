// Driving `<exit-interview>` in a page the way an employee does, and reading what it shows.
import type { Frame, Locator, Page } from 'playwright-core';

/** A page or a frame: both have the same locator API. */
export type Surface = Page | Frame;

/** The `part` attribute of the element that has keyboard focus, looking through shadow roots. */
export function focusedPart(surface: Surface): Promise<string | null> {
  return surface.evaluate(() => {
    let active: Element | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.getAttribute('part') ?? active?.tagName.toLowerCase() ?? null;
  });
}

/** Presses Tab until the focused element has `part` (at most `limit` times); fails otherwise. */
export async function tabTo(page: Page, part: string, limit = 20): Promise<void> {
  for (let i = 0; i < limit; i += 1) {
    if ((await focusedPart(page)) === part) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached part="${part}" (last: ${await focusedPart(page)})`);
}

/** Records every exit-* event that reaches `window`, from before the page's scripts run. */
export async function recordExitEvents(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const events: { name: string; detail: unknown }[] = [];
    (window as unknown as { __exitEvents: typeof events }).__exitEvents = events;
    for (const name of ['exit-start', 'exit-answer', 'exit-complete', 'exit-error']) {
      window.addEventListener(name, (event) => events.push({ name, detail: (event as CustomEvent).detail }));
    }
  });
}

/** The exit-* events recorded so far. */
export function exitEvents(page: Page): Promise<{ name: string; detail: Record<string, unknown> }[]> {
  return page.evaluate(
    () =>
      (window as unknown as { __exitEvents: { name: string; detail: Record<string, unknown> }[] })
        .__exitEvents,
  );
}

/** Texts of the message bubbles in order, as `interviewer: ...` / `employee: ...`. */
export async function bubbles(widget: Locator): Promise<string[]> {
  return widget
    .locator('[part~="message"]')
    .evaluateAll((elements) =>
      elements.map(
        (element) =>
          `${element.getAttribute('part')?.includes('interviewer') ? 'interviewer' : 'employee'}: ${element.textContent}`,
      ),
    );
}

/** Waits until the interviewer has finished replying: the skip button is enabled again, or the interview ended. */
export async function waitForTurn(widget: Locator, timeout = 20_000): Promise<'ready' | 'done'> {
  const skip = widget.locator('[part="skip-button"]:not([disabled])');
  const done = widget.locator('[part="done"]');
  await skip.or(done).first().waitFor({ timeout });
  return (await done.count()) > 0 ? 'done' : 'ready';
}

/** The text of the live region that announces questions. */
export async function announcement(widget: Locator): Promise<string> {
  return ((await widget.locator('.sr-only[role="status"]').textContent()) ?? '').trim();
}

/** Long, specific answers, so the interviewer moves through the topics rather than probing. */
export const sampleAnswers = [
  'Mostly the lack of growth. I asked twice for a path to senior and nothing concrete came of it.',
  'The workload was heavy in the last two quarters, with on-call every other week and no time to recover.',
  'My manager meant well but we rarely had one-to-ones, and feedback only came at review time.',
  'I wanted to lead a project and learn architecture, but those chances went to people outside the team.',
  'Pay was below what I was offered elsewhere by about fifteen percent, and the bonus was unclear.',
  'The team itself was great: kind, funny and always ready to help each other out when things broke.',
  'The deployment tooling was slow and flaky, so releases took a whole afternoon of babysitting.',
  'A clear promotion timeline and a lighter on-call rotation would probably have made me stay.',
  'I would consider coming back in a few years, and I would recommend the team to a friend.',
  'Thank you for asking. I hope the next person in my role gets a proper onboarding plan.',
];
