import { css } from 'lit';

// Dark values, used by theme="dark" and by theme="auto" when the system is dark.
const darkTokens = css`
  --_bg: var(--exit-background, #16181d);
  --_surface: var(--exit-surface, #20242b);
  --_text: var(--exit-text, #e9ebee);
  --_muted: var(--exit-text-muted, #a3aab6);
  --_border: var(--exit-border, #2e333c);
  --_accent: var(--exit-accent, #93a2ff);
  --_accent-text: var(--exit-accent-contrast, #10131c);
  --_accent-soft: var(--exit-accent-soft, #262c48);
  --_focus: var(--exit-focus-ring, #aab6ff);
  --_warning-bg: var(--exit-warning-background, #3a2f14);
  --_warning-text: var(--exit-warning-text, #f4da95);
  --_danger-text: var(--exit-danger-text, #ffb4ab);
  --_shadow: var(--exit-shadow, 0 1px 2px rgb(0 0 0 / 0.3), 0 12px 32px rgb(0 0 0 / 0.35));
  color-scheme: dark;
`;

/** Styles of `<exit-interview>`; every colour and size comes from an `--exit-*` custom property with a default. */
export const exitInterviewStyles = css`
  :host {
    /* !important: the host page's own rules on the element (e.g. * { all: unset }) must not hide or inline it. */
    display: block !important;
    box-sizing: border-box !important;
    max-width: 100%;
    contain: layout style;
  }
  :host([hidden]) {
    display: none !important;
  }

  .root {
    /* Cut inheritance from the host page: fonts, colours, spacing and alignment are ours. */
    all: initial;
    display: block;
    box-sizing: border-box;
    container-type: inline-size;
    --_bg: var(--exit-background, #fff);
    --_surface: var(--exit-surface, #f4f5f7);
    --_text: var(--exit-text, #1b1f24);
    --_muted: var(--exit-text-muted, #5b6471);
    --_border: var(--exit-border, #e2e5e9);
    --_accent: var(--exit-accent, #3d52c4);
    --_accent-text: var(--exit-accent-contrast, #fff);
    --_accent-soft: var(--exit-accent-soft, #eef0fb);
    --_focus: var(--exit-focus-ring, #3d52c4);
    --_warning-bg: var(--exit-warning-background, #fff6e0);
    --_warning-text: var(--exit-warning-text, #6d4b00);
    --_danger-text: var(--exit-danger-text, #b42318);
    --_shadow: var(--exit-shadow, 0 1px 2px rgb(16 24 40 / 0.04), 0 10px 30px rgb(16 24 40 / 0.07));
    --_radius: var(--exit-radius, 16px);
    color-scheme: light;
    font-family: var(
      --exit-font-family,
      ui-sans-serif,
      system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      'Helvetica Neue',
      Arial,
      sans-serif
    );
    font-size: var(--exit-font-size, 15px);
    line-height: 1.5;
    color: var(--_text);
    text-align: start;
  }
  .root.theme-dark {
    ${darkTokens}
  }
  @media (prefers-color-scheme: dark) {
    .root.theme-auto {
      ${darkTokens}
    }
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  .card {
    display: flex;
    flex-direction: column;
    height: var(--exit-height, 640px);
    max-height: var(--exit-max-height, 100dvh);
    min-height: 320px;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
    overflow: hidden;
  }

  .icon {
    width: var(--_icon, 18px);
    height: var(--_icon, 18px);
    flex: none;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
  h2,
  h3,
  p {
    margin: 0;
  }

  button {
    font: inherit;
    color: inherit;
    margin: 0;
    border: 0;
    background: none;
    cursor: pointer;
  }
  button:disabled {
    cursor: default;
  }
  button:focus-visible,
  .transcript:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  /* Headings get focus only to move screen readers and keyboards along; they are not controls. */
  [tabindex='-1']:focus {
    outline: none;
  }
  .primary,
  .secondary {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    border-radius: 10px;
  }
  .primary {
    gap: 8px;
    min-height: 44px;
    padding: 10px 20px;
    background: var(--_accent);
    color: var(--_accent-text);
    font-weight: 600;
  }
  .primary:hover {
    filter: brightness(1.08);
  }
  .secondary {
    min-height: 40px;
    padding: 8px 16px;
    border: 1px solid var(--_border);
    background: var(--_bg);
    font-weight: 500;
  }
  .secondary:hover {
    background: var(--_surface);
  }

  /* Header */
  .header {
    display: flex;
    flex-direction: column;
    gap: 10px;
    padding: 16px 20px 14px;
    border-bottom: 1px solid var(--_border);
  }
  .header-row {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 12px;
  }
  .brand {
    display: flex;
    align-items: center;
    gap: 10px;
    min-width: 0;
  }
  .avatar,
  .fact-icon,
  .seal {
    display: grid;
    place-items: center;
    width: 36px;
    height: 36px;
    border-radius: 10px;
    background: var(--_accent-soft);
    color: var(--_accent);
    flex: none;
  }
  .avatar {
    width: 32px;
    height: 32px;
  }
  .title {
    font-size: 15px;
    font-weight: 600;
    letter-spacing: -0.005em;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .badge {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    padding: 4px 10px 4px 8px;
    border-radius: 999px;
    background: var(--_accent-soft);
    color: var(--_accent);
    font-size: 12.5px;
    font-weight: 600;
    white-space: nowrap;
    --_icon: 14px;
  }
  .progress {
    display: flex;
    align-items: center;
    gap: 12px;
    font-size: 12.5px;
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
  }
  progress {
    flex: 1;
    height: 4px;
    border: 0;
    border-radius: 2px;
    background: var(--_border);
    overflow: hidden;
    appearance: none;
  }
  progress::-webkit-progress-bar {
    background: var(--_border);
  }
  progress::-webkit-progress-value {
    background: var(--_accent);
    border-radius: 2px;
    transition: width 0.4s ease;
  }
  progress::-moz-progress-bar {
    background: var(--_accent);
  }

  /* Notices */
  .notice {
    display: flex;
    align-items: flex-start;
    gap: 10px;
    padding: 10px 20px;
    background: var(--_warning-bg);
    color: var(--_warning-text);
    font-size: 13.5px;
    line-height: 1.45;
  }
  .notice.error {
    background: var(--_surface);
    color: var(--_danger-text);
  }

  /* Transcript */
  .transcript:focus-visible {
    outline-offset: -2px;
  }
  .transcript {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    overscroll-behavior: contain;
    padding: 20px;
  }
  .messages,
  .facts {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .messages {
    display: flex;
    flex-direction: column;
    gap: 14px;
  }
  .message {
    display: flex;
    flex-direction: column;
    gap: 4px;
    max-width: min(85%, 560px);
  }
  .message.interviewer {
    align-self: flex-start;
  }
  .message.employee {
    align-self: flex-end;
    align-items: flex-end;
  }
  .bubble {
    padding: 10px 14px;
    border-radius: 16px;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .interviewer .bubble {
    background: var(--_surface);
    border-top-left-radius: 6px;
  }
  .employee .bubble {
    background: var(--_accent);
    color: var(--_accent-text);
    border-top-right-radius: 6px;
  }
  .employee.pending .bubble {
    opacity: 0.75;
  }
  .status {
    font-size: 12px;
    color: var(--_muted);
  }
  .event {
    align-self: center;
    max-width: 90%;
    text-align: center;
    font-size: 12.5px;
    color: var(--_muted);
    padding: 2px 10px;
  }
  .typing {
    display: inline-flex;
    gap: 4px;
    padding: 14px 16px;
    border-radius: 16px;
    border-top-left-radius: 6px;
    background: var(--_surface);
  }
  .typing span {
    width: 6px;
    height: 6px;
    border-radius: 50%;
    background: var(--_muted);
    opacity: 0.35;
    animation: blink 1.2s infinite ease-in-out;
  }
  .typing span:nth-child(2) {
    animation-delay: 0.15s;
  }
  .typing span:nth-child(3) {
    animation-delay: 0.3s;
  }
  @keyframes blink {
    0%,
    80%,
    100% {
      opacity: 0.35;
      transform: translateY(0);
    }
    40% {
      opacity: 0.9;
      transform: translateY(-2px);
    }
  }
  .caret::after {
    content: '';
    display: inline-block;
    width: 2px;
    height: 1em;
    margin-left: 2px;
    vertical-align: -2px;
    background: currentColor;
    opacity: 0.5;
    animation: blink 1s infinite;
  }

  /* Composer */
  .composer {
    padding: 12px 16px 14px;
    border-top: 1px solid var(--_border);
    background: var(--_bg);
  }
  .input-row {
    display: flex;
    align-items: flex-end;
    gap: 8px;
    padding: 6px 6px 6px 14px;
    border: 1px solid var(--_border);
    border-radius: 14px;
    background: var(--_bg);
    transition:
      border-color 0.15s,
      box-shadow 0.15s;
  }
  .input-row:focus-within {
    border-color: var(--_accent);
    box-shadow:
      0 0 0 1px var(--_accent),
      0 0 0 4px var(--_accent-soft);
  }
  textarea {
    flex: 1;
    min-width: 0;
    height: 36px;
    min-height: 36px;
    max-height: 168px;
    padding: 7px 0;
    border: 0;
    outline: 0;
    resize: none;
    background: transparent;
    color: var(--_text);
    font: inherit;
    line-height: 22px;
  }
  textarea:focus-visible {
    outline: none;
  }
  textarea::placeholder {
    color: var(--_muted);
    opacity: 1;
  }
  .send {
    display: grid;
    place-items: center;
    width: 36px;
    height: 36px;
    flex: none;
    border-radius: 10px;
    background: var(--_accent);
    color: var(--_accent-text);
    transition: opacity 0.15s;
  }
  .send:disabled {
    opacity: 0.35;
  }
  .actions {
    display: flex;
    align-items: center;
    gap: 4px;
    margin-top: 8px;
    flex-wrap: wrap;
  }
  .link {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    min-height: 32px;
    padding: 4px 8px;
    border-radius: 8px;
    color: var(--_muted);
    font-size: 13px;
    --_icon: 15px;
  }
  .link:hover:not(:disabled) {
    color: var(--_text);
    background: var(--_surface);
  }
  .link:disabled {
    opacity: 0.5;
  }
  .hint,
  .counter {
    margin-left: auto;
    font-size: 12px;
    color: var(--_muted);
  }
  .counter.low {
    color: var(--_danger-text);
  }

  .confirm {
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  .confirm-title {
    font-weight: 600;
  }
  .confirm-body {
    color: var(--_muted);
    font-size: 14px;
  }
  .confirm-actions {
    display: flex;
    justify-content: flex-end;
    gap: 8px;
    margin-top: 8px;
  }

  /* Start, thank-you, loading and unavailable screens */
  .screen {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    display: flex;
    flex-direction: column;
    gap: 20px;
    padding: 28px;
  }
  .screen.centered {
    align-items: center;
    justify-content: center;
    text-align: center;
    gap: 12px;
  }
  .screen h2 {
    font-size: 22px;
    line-height: 1.25;
    font-weight: 650;
    letter-spacing: -0.015em;
  }
  .lead {
    margin-top: 8px;
    color: var(--_muted);
  }
  .facts {
    display: grid;
    gap: 10px;
  }
  .fact {
    display: grid;
    grid-template-columns: 36px 1fr;
    gap: 14px;
    padding: 14px 16px;
    border: 1px solid var(--_border);
    border-radius: 12px;
  }
  .fact h3 {
    font-size: 14px;
    font-weight: 600;
    margin-bottom: 2px;
  }
  .fact p {
    font-size: 14px;
    color: var(--_muted);
  }
  .start-actions {
    /* Stays in view at the bottom of the card, however long the texts above are on a small screen. */
    position: sticky;
    bottom: -28px;
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 10px;
    margin: auto -28px -28px;
    padding: 16px 28px 24px;
    background: var(--_bg);
  }
  .start-actions .primary {
    width: 100%;
  }
  .footnote {
    font-size: 12.5px;
    color: var(--_muted);
  }
  .seal {
    width: 56px;
    height: 56px;
    border-radius: 50%;
    margin-bottom: 4px;
    --_icon: 26px;
  }
  .screen.centered p {
    max-width: 420px;
    color: var(--_muted);
  }
  .spinner {
    width: 28px;
    height: 28px;
    border-radius: 50%;
    border: 3px solid var(--_accent-soft);
    border-top-color: var(--_accent);
    animation: spin 0.9s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }

  iframe {
    display: block;
    width: 100%;
    height: var(--exit-height, 640px);
    max-height: var(--exit-max-height, 100dvh);
    border: 0;
    border-radius: var(--exit-radius, 16px);
    color-scheme: normal;
  }

  @container (max-width: 480px) {
    .header {
      padding: 14px 16px 12px;
    }
    .transcript {
      padding: 16px 14px;
    }
    .composer {
      padding: 10px 12px 12px;
    }
    .screen {
      padding: 22px 18px;
    }
    .start-actions {
      bottom: -22px;
      margin: auto -18px -22px;
      padding: 12px 18px 18px;
    }
    .hint {
      display: none;
    }
    .message {
      max-width: 90%;
    }
  }

  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation-duration: 0.01ms !important;
      animation-iteration-count: 1 !important;
      transition-duration: 0.01ms !important;
    }
  }
`;
