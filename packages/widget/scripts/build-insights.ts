// Builds the HR dashboard bundle: dist/insights.js (stable alias) and dist/insights.<hash>.js
// (immutable), one ESM file with Lit, Chart.js (only the registered parts) and every locale, and
// records it in dist/manifest.json. Called by build.ts; `node scripts/build-insights.ts` builds it alone.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(packageDir, 'dist');

/** Size of the dashboard bundle. */
export interface InsightsBundleSize {
  file: string;
  bytes: number;
  gzip: number;
}

/** Builds insights.js into dist/ and adds it to the manifest; returns its size. */
export async function buildInsights(options: { plugins?: Plugin[] } = {}): Promise<InsightsBundleSize> {
  mkdirSync(distDir, { recursive: true });
  const result = await build({
    entryPoints: [join(packageDir, 'src/insights.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome105', 'edge105', 'firefox110', 'safari16'],
    platform: 'browser',
    write: false,
    legalComments: 'eof',
    charset: 'utf8',
    logLevel: 'warning',
    plugins: options.plugins ?? [],
  });
  const code = result.outputFiles?.[0]?.contents;
  if (code === undefined) throw new Error('build: esbuild wrote no insights bundle');
  const file = `insights.${createHash('sha256').update(code).digest('hex').slice(0, 12)}.js`;
  for (const old of readdirSync(distDir)) {
    if (/^insights\.[a-f0-9]{12}\.js$/.test(old) && old !== file) rmSync(join(distDir, old));
  }
  writeFileSync(join(distDir, file), code);
  writeFileSync(join(distDir, 'insights.js'), code);
  // Read the manifest again right before writing: the other bundles' entries stay as they are.
  const manifestPath = join(distDir, 'manifest.json');
  const manifest: Record<string, string> = existsSync(manifestPath)
    ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, string>)
    : {};
  manifest['insights.js'] = file;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { file, bytes: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const size = await buildInsights();
  console.log(
    `insights.js ${(size.bytes / 1024).toFixed(1)} KB  ${(size.gzip / 1024).toFixed(1)} KB gzip  (${size.file})`,
  );
}
