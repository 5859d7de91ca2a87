// Builds the widget and prints what a page downloads for <exit-interview>, gzipped, next to the
// open-source chat and survey widgets people embed today (their published gzip sizes).
import { buildWidget, gzipBudgetBytes } from '../scripts/build.ts';

const peers = [
  { name: 'deep-chat', gzipKb: 108 },
  { name: 'Typebot', gzipKb: 192 },
  { name: 'Formbricks surveys', gzipKb: 262 },
];

const result = await buildWidget();
const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const mainKb = kb(result.esm.gzip);
const localeKb = Math.max(
  ...result.chunks.filter((chunk) => /^exitbot\.[a-z]{2}\./.test(chunk.file)).map((c) => c.gzip),
);

const rows: [string, string][] = [
  ['exitbot.js (ESM, Lit and English included)', `${mainKb} KB`],
  ['  in bytes (budget 20 KB = 20,480 bytes)', `${result.esm.gzip}`],
  ['  + one more locale (de/fr/es), on first use', `${kb(localeKb)} KB`],
  ['exitbot.classic.js (IIFE, every locale)', `${kb(result.classic.gzip)} KB`],
  ...peers.map((peer): [string, string] => [`${peer.name} (published)`, `${peer.gzipKb} KB`]),
];
const width = Math.max(...rows.map(([name]) => name.length));
console.log('widget size, gzip');
for (const [name, value] of rows) console.log(`  ${name.padEnd(width)}  ${value.padStart(8)}`);
const smallest = Math.min(...peers.map((peer) => peer.gzipKb));
console.log(`  exitbot.js is ${(smallest / mainKb).toFixed(1)}x smaller than the smallest of them.`);

const figure = (name: string, value: number, extra: Record<string, unknown> = {}) =>
  console.log(`@bench ${JSON.stringify({ group: 'widget', name, value, unit: 'KB gzip', ...extra })}`);
figure('exitbot.js (Lit included)', mainKb, { target: '<= 20 KB', ok: result.esm.gzip <= gzipBudgetBytes });
figure('exitbot.js + one locale chunk', kb(result.esm.gzip + localeKb));
figure('exitbot.classic.js', kb(result.classic.gzip));
for (const peer of peers) figure(`peer: ${peer.name} (published)`, peer.gzipKb);
