// Runs every package's benchmarks (packages/*/bench/*.ts, tests/bench/*.ts), one process each, and prints
// one table. A benchmark reports a figure by printing a line:
//   @bench {"group":"sdk","name":"engine turn, median","value":0.12,"unit":"ms","target":"< 1 ms"}
// `pnpm bench --write` also replaces the generated table in docs/performance.md.
// `pnpm bench <filter>` runs only the files whose path contains <filter>.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Figure {
  group: string;
  name: string;
  value: number | string;
  unit?: string;
  target?: string;
  ok?: boolean;
  file: string;
}

const args = process.argv.slice(2);
const write = args.includes('--write');
const filters = args.filter((arg) => !arg.startsWith('--'));

const roots = [...readdirSync('packages').map((name) => join('packages', name)), 'tests'];
const files = roots
  .map((root) => join(root, 'bench'))
  .filter((dir) => existsSync(dir))
  .flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => name.endsWith('.bench.ts'))
      .map((name) => join(dir, name)),
  )
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)));

function run(file: string): Promise<{ figures: Figure[]; code: number }> {
  return new Promise((resolve) => {
    const figures: Figure[] = [];
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('@bench ')) figures.push({ ...JSON.parse(line.slice(7)), file });
        else process.stdout.write(`  ${line}\n`);
      }
    });
    child.on('close', (code) => resolve({ figures, code: code ?? 1 }));
  });
}

const all: Figure[] = [];
let failures = 0;
for (const file of files) {
  console.log(`\n> ${file}`);
  const { figures, code } = await run(file);
  if (code !== 0) {
    failures += 1;
    console.log(`  (exited ${code})`);
  }
  all.push(...figures);
}

const format = (figure: Figure) =>
  typeof figure.value === 'number'
    ? `${Number(figure.value.toPrecision(4)).toLocaleString('en-US')}${figure.unit ? ` ${figure.unit}` : ''}`
    : figure.value;
const today = new Date().toISOString().slice(0, 10);
const header = '| group | figure | value | target | met | measured |\n| --- | --- | --- | --- | --- | --- |';
const row = (figure: Figure) =>
  `| ${figure.group} | ${figure.name} | ${format(figure)} | ${figure.target ?? ''} | ${
    figure.ok === undefined ? '' : figure.ok ? 'yes' : 'NO'
  } | ${today} |`;
console.log(`\n${[header, ...all.map(row)].join('\n')}\n`);

if (write) {
  // Rows of figures not measured in this run are kept, so one benchmark can be re-run alone.
  const path = 'docs/performance.md';
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const current = existsSync(path) ? readFileSync(path, 'utf8') : `# Performance\n\n${start}\n${end}\n`;
  const previous = current.includes(start) ? current.slice(current.indexOf(start), current.indexOf(end)) : '';
  const rows = new Map<string, string>();
  for (const line of previous.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length >= 7 && cells[1] !== 'group' && !cells[1]?.startsWith('---')) {
      rows.set(`${cells[1]}|${cells[2]}`, line);
    }
  }
  for (const figure of all) rows.set(`${figure.group}|${figure.name}`, row(figure));
  const stamp = `Written by \`pnpm bench --write\` (${process.platform}/${process.arch}, Node ${process.version}); the last column says when each figure was taken.`;
  const block = `${start}\n${stamp}\n\n${[header, ...rows.values()].join('\n')}\n${end}`;
  const next = current.includes(start)
    ? current.replace(new RegExp(`${start}[\\s\\S]*${end}`), () => block)
    : `${current}\n${block}\n`;
  writeFileSync(path, next);
  console.log(`wrote ${path}`);
}
process.exit(failures === 0 ? 0 : 1);
