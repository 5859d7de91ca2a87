import type { ExitInterview, ExitInterviewEventDetails } from './exit-interview.ts';

// Listed here, not imported, so this chunk shares no code with the main bundle.
const eventNames: (keyof ExitInterviewEventDetails)[] = [
  'exit-start',
  'exit-answer',
  'exit-complete',
  'exit-error',
];

/**
 * Runs on the server's embed frame page (isolated mode): waits for the token from the parent page,
 * accepting it only from the parent window and only from an origin the tenant allows, and forwards
 * the element's events to that exact origin. Does nothing on any other page.
 */
export function startEmbedFrame(): void {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="exitbot-allowed-origins"]');
  const element = document.querySelector<ExitInterview>('exit-interview');
  if (meta === null || element === null || window.parent === window) return;
  const allowedOrigins = new Set(meta.content.split(/\s+/).filter(Boolean));
  let parentOrigin: string | undefined;

  addEventListener('message', (event) => {
    if (event.source !== window.parent || !allowedOrigins.has(event.origin)) return;
    if (parentOrigin !== undefined && event.origin !== parentOrigin) return;
    const data = event.data as { type?: unknown; token?: unknown; lang?: unknown; theme?: unknown } | null;
    if (data?.type !== 'exitbot:init' || typeof data.token !== 'string' || data.token === '') return;
    parentOrigin = event.origin;
    if (typeof data.lang === 'string' && data.lang !== '') element.lang = data.lang;
    if (data.theme === 'light' || data.theme === 'dark' || data.theme === 'auto') element.theme = data.theme;
    element.token = data.token;
  });

  for (const name of eventNames) {
    element.addEventListener(name, (event) => {
      if (parentOrigin === undefined) return;
      window.parent.postMessage(
        { type: 'exitbot:event', name, detail: (event as CustomEvent).detail },
        parentOrigin,
      );
    });
  }
  // Carries nothing secret, so any origin may see it; the token only ever goes to `parentOrigin`.
  window.parent.postMessage({ type: 'exitbot:ready' }, '*');
}
