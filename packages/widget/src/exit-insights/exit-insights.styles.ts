import { css } from 'lit';

/** Styles of `<exit-insights>`, with a print stylesheet; colours come from `--exit-*` custom properties. */
export const exitInsightsStyles = css`
  :host {
    display: block !important;
    box-sizing: border-box !important;
    max-width: 100%;
  }
  :host([hidden]) {
    display: none !important;
  }
  .root {
    all: initial;
    display: block;
    box-sizing: border-box;
    --_bg: var(--exit-background, #f6f7f9);
    --_surface: var(--exit-surface, #fff);
    --_text: var(--exit-text, #1b1f24);
    --_muted: var(--exit-text-muted, #5b6471);
    --_border: var(--exit-border, #e3e6ea);
    --_accent: var(--exit-accent, #3d52c4);
    --_accent-text: var(--exit-accent-contrast, #fff);
    --_accent-soft: var(--exit-accent-soft, #eef0fb);
    --_focus: var(--exit-focus-ring, #3d52c4);
    --_radius: var(--exit-radius, 14px);
    --_danger: #b42318;
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
    font-size: 14.5px;
    line-height: 1.5;
    color: var(--_text);
    background: var(--_bg);
    padding: 28px;
    border-radius: var(--_radius);
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  h1,
  h2,
  h3,
  p,
  ul,
  ol,
  dl,
  dd,
  blockquote {
    margin: 0;
  }
  ul,
  ol {
    padding: 0;
    list-style: none;
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
  .print-only {
    display: none;
  }
  [hidden] {
    display: none !important;
  }

  button,
  select {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
    border: 0;
    background: none;
    margin: 0;
  }
  button:disabled {
    cursor: default;
    opacity: 0.55;
  }
  button:focus-visible,
  select:focus-visible,
  summary:focus-visible,
  dialog:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  .primary,
  .secondary {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-height: 38px;
    padding: 7px 14px;
    border-radius: 9px;
    font-weight: 600;
    font-size: 13.5px;
    white-space: nowrap;
  }
  .primary {
    background: var(--_accent);
    color: var(--_accent-text);
  }
  .primary:hover:not(:disabled) {
    filter: brightness(1.08);
  }
  .secondary {
    background: var(--_surface);
    border: 1px solid var(--_border);
    font-weight: 500;
  }
  .secondary:hover:not(:disabled) {
    border-color: #c9ced6;
    background: #fafbfc;
  }
  .secondary.small {
    min-height: 32px;
    padding: 4px 12px;
    font-size: 13px;
  }
  .link {
    color: var(--_accent);
    font-weight: 500;
    padding: 6px 4px;
    align-self: end;
    text-decoration: underline;
    text-underline-offset: 3px;
  }

  /* Header */
  .top {
    display: flex;
    align-items: flex-start;
    justify-content: space-between;
    gap: 20px;
    flex-wrap: wrap;
    margin-bottom: 18px;
  }
  h1 {
    font-size: 24px;
    font-weight: 700;
    letter-spacing: -0.015em;
  }
  .note {
    margin-top: 4px;
    color: var(--_muted);
    max-width: 62ch;
    font-size: 13.5px;
  }
  .actions {
    display: flex;
    gap: 8px;
    flex-wrap: wrap;
  }

  /* Filters */
  .filters {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: 12px 14px;
    padding: 14px 16px;
    margin-bottom: 18px;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .filters label,
  .review label {
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-size: 12px;
    font-weight: 600;
    color: var(--_muted);
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }
  select {
    min-width: 170px;
    min-height: 38px;
    padding: 6px 32px 6px 10px;
    border: 1px solid var(--_border);
    border-radius: 9px;
    background: var(--_surface);
    font-size: 14px;
    text-transform: none;
    letter-spacing: normal;
    font-weight: 500;
    color: var(--_text);
  }

  /* Notices */
  .notice {
    padding: 16px 18px;
    border-radius: var(--_radius);
    border: 1px solid var(--_border);
    background: var(--_surface);
    margin-bottom: 18px;
  }
  .notice.error {
    border-color: #f1c0bb;
    background: #fff5f4;
    color: var(--_danger);
  }
  .withheld-view {
    display: flex;
    gap: 16px;
    align-items: flex-start;
    padding: 22px 24px;
    background: var(--_accent-soft);
    border-color: #d7dcf5;
  }
  .withheld-view h2 {
    font-size: 16px;
    margin-bottom: 4px;
  }
  .withheld-view p {
    color: var(--_muted);
    max-width: 70ch;
  }
  .lock {
    width: 28px;
    height: 28px;
    flex: none;
    fill: none;
    stroke: var(--_accent);
    stroke-width: 1.8;
    stroke-linecap: round;
    stroke-linejoin: round;
  }

  /* Tiles */
  .tiles {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(200px, 1fr));
    gap: 14px;
    margin-bottom: 14px;
  }
  .tile {
    display: flex;
    flex-direction: column;
    gap: 2px;
    padding: 16px 18px;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    min-height: 112px;
  }
  .tile-label {
    font-size: 12.5px;
    font-weight: 600;
    color: var(--_muted);
  }
  .tile-value {
    font-size: 30px;
    font-weight: 700;
    letter-spacing: -0.02em;
    font-variant-numeric: tabular-nums;
    line-height: 1.25;
    margin-top: 4px;
  }
  .tile-value.small {
    font-size: 20px;
    line-height: 1.3;
    margin-top: 8px;
  }
  .tile .withheld {
    margin-top: 10px;
    align-self: flex-start;
  }
  .hint {
    color: var(--_muted);
    font-size: 12.5px;
  }
  .withheld {
    display: inline-block;
    padding: 1px 8px;
    border-radius: 999px;
    background: #f0f1f4;
    color: var(--_muted);
    font-size: 12px;
    font-weight: 600;
  }

  /* Cards */
  .grid {
    display: grid;
    grid-template-columns: repeat(2, minmax(0, 1fr));
    gap: 14px;
    margin-bottom: 14px;
  }
  .card {
    display: flex;
    flex-direction: column;
    gap: 12px;
    padding: 18px 20px;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    min-width: 0;
  }
  .card.wide {
    grid-column: 1 / -1;
  }
  .card.interviews {
    margin-top: 0;
  }
  .card h2 {
    font-size: 16px;
    font-weight: 650;
    letter-spacing: -0.005em;
  }
  .card-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 12px;
    flex-wrap: wrap;
  }
  .segmented {
    display: inline-flex;
    flex-wrap: wrap;
    padding: 3px;
    gap: 2px;
    border-radius: 10px;
    background: #f0f1f4;
  }
  .segmented button {
    padding: 5px 10px;
    border-radius: 8px;
    font-size: 12.5px;
    font-weight: 500;
    color: var(--_muted);
  }
  .segmented button[aria-pressed='true'] {
    background: var(--_surface);
    color: var(--_text);
    box-shadow: 0 1px 2px rgb(16 24 40 / 0.1);
  }
  .chart {
    position: relative;
    height: 220px;
    width: 100%;
  }
  .chart.trend {
    height: 240px;
  }
  .withheld-note {
    margin-top: -4px;
  }
  details.figures summary,
  details.history summary {
    cursor: pointer;
    color: var(--_accent);
    font-size: 13px;
    font-weight: 500;
    width: fit-content;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-size: 13.5px;
    margin-top: 8px;
  }
  th,
  td {
    text-align: start;
    padding: 8px 10px;
    border-bottom: 1px solid var(--_border);
    vertical-align: top;
  }
  thead th {
    font-size: 12px;
    font-weight: 600;
    color: var(--_muted);
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }
  tbody th {
    font-weight: 500;
  }
  .num {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  .table-scroll {
    overflow-x: auto;
  }
  table.list td {
    vertical-align: middle;
  }
  .list-foot {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 12px;
  }
  .row-action {
    text-align: end;
    white-space: nowrap;
  }

  /* Themes and quotes */
  .themes {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(280px, 1fr));
    gap: 12px;
  }
  .theme {
    display: flex;
    flex-direction: column;
    gap: 10px;
    padding: 14px 16px;
    border: 1px solid var(--_border);
    border-radius: 12px;
    background: #fcfcfd;
  }
  .theme-head {
    display: flex;
    align-items: baseline;
    justify-content: space-between;
    gap: 10px;
  }
  .theme h3 {
    font-size: 14.5px;
    font-weight: 650;
  }
  .pill {
    display: inline-block;
    padding: 2px 9px;
    border-radius: 999px;
    background: var(--_accent-soft);
    color: var(--_accent);
    font-size: 12px;
    font-weight: 600;
    white-space: nowrap;
  }
  .pill.muted {
    background: #f0f1f4;
    color: var(--_muted);
  }
  .pill.small {
    margin-inline-start: 6px;
    font-size: 11px;
  }
  .pill.offline {
    background: #f0f1f4;
    color: #3c4450;
  }
  .quotes {
    display: flex;
    flex-direction: column;
    gap: 8px;
  }
  blockquote {
    padding: 8px 12px;
    border-inline-start: 3px solid var(--_accent);
    background: var(--_accent-soft);
    border-radius: 0 8px 8px 0;
    font-size: 13.5px;
    overflow-wrap: anywhere;
  }
  .mode {
    display: inline-block;
    padding: 1px 8px;
    border-radius: 6px;
    font-size: 12px;
    font-weight: 600;
    background: #f0f1f4;
    color: #3c4450;
  }
  .mode-anonymous {
    background: #e8f5ee;
    color: #126b3a;
  }
  .mode-confidential {
    background: #fdf3e2;
    color: #7a4b00;
  }

  /* Report dialog */
  dialog {
    width: min(760px, calc(100vw - 32px));
    max-height: calc(100dvh - 48px);
    padding: 0;
    border: 1px solid var(--_border);
    border-radius: 16px;
    background: var(--_surface);
    color: var(--_text);
    box-shadow: 0 24px 60px rgb(16 24 40 / 0.25);
    font-family: inherit;
  }
  dialog::backdrop {
    background: rgb(16 24 40 / 0.45);
  }
  .dialog-head {
    position: sticky;
    top: 0;
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 12px;
    padding: 16px 22px;
    border-bottom: 1px solid var(--_border);
    background: var(--_surface);
  }
  .dialog-head h2 {
    font-size: 17px;
  }
  .report {
    display: flex;
    flex-direction: column;
    gap: 10px;
    padding: 18px 22px 22px;
  }
  .report h3 {
    margin-top: 8px;
    font-size: 14px;
    font-weight: 650;
  }
  .badges {
    display: flex;
    gap: 8px;
    align-items: center;
  }
  .facts {
    color: var(--_muted);
  }
  .summary {
    overflow-wrap: anywhere;
  }
  .topic-list li {
    display: flex;
    justify-content: space-between;
    gap: 12px;
    padding: 6px 0;
    border-bottom: 1px solid var(--_border);
  }
  .chip {
    font-size: 12px;
    font-weight: 600;
    padding: 1px 8px;
    border-radius: 999px;
  }
  .chip-negative {
    background: #fdece4;
    color: #9a3412;
  }
  .chip-neutral {
    background: #f0f1f4;
    color: #3c4450;
  }
  .chip-positive {
    background: #e8f5ee;
    color: #126b3a;
  }
  .outlook {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 4px 16px;
  }
  .outlook dt {
    color: var(--_muted);
  }
  .report ul:not(.quotes):not(.topic-list) {
    list-style: disc;
    padding-inline-start: 20px;
  }
  .review {
    display: flex;
    flex-direction: column;
    gap: 10px;
    margin-top: 12px;
    padding: 16px;
    border-radius: 12px;
    background: #f8f9fb;
    border: 1px solid var(--_border);
  }
  .review h3 {
    margin-top: 0;
  }
  .review-fields {
    display: flex;
    gap: 12px;
    flex-wrap: wrap;
  }
  .review .primary {
    align-self: flex-start;
  }
  .save-state {
    font-size: 13px;
    color: var(--_muted);
    min-height: 1em;
  }
  .transcript-section {
    display: flex;
    flex-direction: column;
    gap: 10px;
    margin-top: 12px;
  }
  .transcript-section .show-transcript {
    align-self: flex-start;
  }
  .transcript {
    display: flex;
    flex-direction: column;
    gap: 10px;
  }
  .transcript li {
    max-width: 85%;
    padding: 8px 12px;
    border-radius: 12px;
    background: #f0f1f4;
    overflow-wrap: anywhere;
  }
  .transcript li.employee {
    align-self: flex-end;
    background: var(--_accent-soft);
  }
  .transcript-section h3:focus {
    outline: none;
  }
  .transcript-section h3:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .transcript .degraded {
    margin-top: 4px;
    font-size: 12px;
  }
  .interview-id {
    font-size: 12px;
    overflow-wrap: anywhere;
  }
  .transcript .speaker {
    display: block;
    font-size: 12px;
    font-weight: 600;
    color: var(--_muted);
  }

  @media (max-width: 760px) {
    .root {
      padding: 16px;
    }
    .grid {
      grid-template-columns: minmax(0, 1fr);
    }
  }

  @media print {
    .root {
      background: #fff;
      padding: 0;
      font-size: 11pt;
    }
    .no-print,
    .filters label,
    .interviews,
    dialog,
    details > summary {
      display: none !important;
    }
    .print-only {
      display: block;
    }
    .filters {
      border: 0;
      padding: 0;
      margin-bottom: 10px;
    }
    .filters-summary {
      font-weight: 600;
    }
    .card,
    .tile,
    .theme {
      break-inside: avoid;
      border-color: #cfd4da;
    }
    .grid {
      grid-template-columns: minmax(0, 1fr);
    }
    blockquote {
      background: none;
    }
  }
`;
