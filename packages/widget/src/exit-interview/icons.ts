import { html, type SVGTemplateResult, svg, type TemplateResult } from 'lit';

const paths = {
  lock: svg`<rect x="4.5" y="10.5" width="15" height="10" rx="2.5"/><path d="M8 10.5V7.5a4 4 0 0 1 8 0v3"/>`,
  eyeOff: svg`<path d="M3 3l18 18M10.6 10.6a2 2 0 0 0 2.8 2.8M6.6 6.6C4.3 8 2.7 10.2 2 12c1 2.5 5 7 10 7 2 0 3.9-.6 5.4-1.6M9.9 5.1Q11 5 12 5c5 0 9 4.5 10 7-.5 1.3-1.4 2.5-2.6 3.6"/>`,
  user: svg`<circle cx="12" cy="8" r="4"/><path d="M4.5 20.5a7.5 7.5 0 0 1 15 0"/>`,
  clock: svg`<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/>`,
  skip: svg`<path d="M6 5.5l9 6.5-9 6.5zM18.5 5.5v13"/>`,
  send: svg`<path d="M12 19V5.5M5.5 12L12 5.5l6.5 6.5"/>`,
  check: svg`<path d="M5 12.5l4.5 4.5L19 7.5"/>`,
  alert: svg`<circle cx="12" cy="12" r="8.5"/><path d="M12 8v4.5M12 16h.01"/>`,
  chat: svg`<path d="M20.5 11.5a8 8 0 0 1-11.9 7L4 19.5l1.1-4.2A8 8 0 1 1 20.5 11.5z"/>`,
} satisfies Record<string, SVGTemplateResult>;

/** Names of the widget's icons. */
export type IconName = keyof typeof paths;

/** A decorative 24x24 stroke icon in the current text colour (hidden from assistive technology). */
export function icon(name: IconName): TemplateResult {
  return html`<svg class="icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8"
    stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${paths[name]}</svg>`;
}
