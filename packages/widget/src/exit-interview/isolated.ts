// The host-page side of isolated mode, loaded only when an element has the `isolated` attribute.

/** What the element hands over to the frame once it says it is ready. */
export interface FrameInit {
  token: string;
  lang: string | undefined;
  theme: string;
}

/** The URL of the server's embed frame for a token: its tenant (whose allowed origins the frame checks) and display options. */
export function frameUrl(base: URL, options: FrameInit): string {
  const url = new URL('embed/frame', base);
  const tenant = readTenantClaim(options.token);
  if (tenant) url.searchParams.set('tenant', tenant);
  if (options.lang) url.searchParams.set('lang', options.lang);
  url.searchParams.set('theme', options.theme);
  return url.href;
}

/**
 * Handles a message from the frame: only from that frame's window and the server's exact origin.
 * `exitbot:ready` gets the token back (to that origin only); `exitbot:event` is re-fired on the element.
 */
export function handleFrameMessage(options: {
  event: MessageEvent;
  frame: HTMLIFrameElement | null;
  base: URL;
  init: FrameInit;
  eventNames: readonly string[];
  dispatch: (name: string, detail: unknown) => void;
}): void {
  const { event, frame, base } = options;
  const target = frame?.contentWindow;
  if (!target || event.source !== target || event.origin !== base.origin) return;
  const data = event.data as { type?: unknown; name?: unknown; detail?: unknown } | null;
  if (data?.type === 'exitbot:ready') {
    target.postMessage({ type: 'exitbot:init', ...options.init }, base.origin);
  } else if (data?.type === 'exitbot:event' && options.eventNames.includes(data.name as string)) {
    options.dispatch(data.name as string, data.detail);
  }
}

/** The tenant id (`tid`) from an interview token's payload, read without verifying: it only picks the frame's tenant. */
function readTenantClaim(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='))) as {
      tid?: unknown;
    };
    return typeof claims.tid === 'string' ? claims.tid : undefined;
  } catch {
    return undefined;
  }
}
