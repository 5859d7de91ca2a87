// Minifies the static text of Lit's html`...`, svg`...` and css`...` templates in our own source before
// esbuild bundles it (esbuild minifies code but leaves template text alone). CSS goes through esbuild's
// CSS minifier; in HTML each run of whitespace becomes one space, which renders the same.
import { transformSync } from 'esbuild';

/** Returns `source` with the text of its html, svg and css tagged templates minified. */
export function minifyTemplates(source: string): string {
  return new Scanner(source).code(false);
}

class Scanner {
  readonly #source: string;
  #index = 0;

  constructor(source: string) {
    this.#source = source;
  }

  /** Copies code up to the end (or, inside `${...}`, up to its closing brace), rewriting templates on the way. */
  code(insideExpression: boolean): string {
    const source = this.#source;
    let out = '';
    let depth = 0;
    while (this.#index < source.length) {
      const char = source[this.#index]!;
      const next = source[this.#index + 1];
      if (char === '/' && next === '/') {
        const end = source.indexOf('\n', this.#index);
        const stop = end === -1 ? source.length : end;
        out += source.slice(this.#index, stop);
        this.#index = stop;
      } else if (char === '/' && next === '*') {
        const end = source.indexOf('*/', this.#index + 2);
        const stop = end === -1 ? source.length : end + 2;
        out += source.slice(this.#index, stop);
        this.#index = stop;
      } else if (char === '"' || char === "'") {
        out += this.#string(char);
      } else if (char === '`') {
        const tag = /\b(html|svg|css)\s*$/.exec(out)?.[1];
        out += this.#template(tag);
      } else if (char === '{') {
        depth += 1;
        out += char;
        this.#index += 1;
      } else if (char === '}') {
        if (insideExpression && depth === 0) return out;
        depth -= 1;
        out += char;
        this.#index += 1;
      } else {
        out += char;
        this.#index += 1;
      }
    }
    if (insideExpression) throw new Error('minifyTemplates: unterminated ${ in a template');
    return out;
  }

  #string(quote: string): string {
    const source = this.#source;
    const start = this.#index;
    this.#index += 1;
    while (this.#index < source.length && source[this.#index] !== quote) {
      this.#index += source[this.#index] === '\\' ? 2 : 1;
    }
    this.#index += 1;
    return source.slice(start, this.#index);
  }

  #template(tag: string | undefined): string {
    const source = this.#source;
    const chunks: string[] = [];
    const expressions: string[] = [];
    let chunk = '';
    this.#index += 1;
    while (this.#index < source.length) {
      const char = source[this.#index]!;
      if (char === '\\') {
        chunk += source.slice(this.#index, this.#index + 2);
        this.#index += 2;
      } else if (char === '`') {
        this.#index += 1;
        break;
      } else if (char === '$' && source[this.#index + 1] === '{') {
        chunks.push(chunk);
        chunk = '';
        this.#index += 2;
        expressions.push(this.code(true));
        this.#index += 1;
      } else {
        chunk += char;
        this.#index += 1;
      }
    }
    chunks.push(chunk);
    const minified = tag === 'css' ? minifyCss(chunks) : tag ? chunks.map(minifyHtml) : chunks;
    let out = `\`${minified[0]}`;
    for (let i = 0; i < expressions.length; i += 1) out += `\${${expressions[i]}}${minified[i + 1]}`;
    return `${out}\``;
  }
}

/**
 * Collapses each run of whitespace in HTML text to one space (what the browser renders anyway, so the
 * minified template looks exactly like the source one) and trims the template's outer edges.
 */
function minifyHtml(chunk: string, index: number, chunks: string[]): string {
  let text = chunk.replace(/\s+/g, ' ');
  if (index === 0) text = text.trimStart();
  if (index === chunks.length - 1) text = text.trimEnd();
  return text;
}

/** Minifies CSS with esbuild, standing in declarations for the `${...}` parts (our styles interpolate only whole blocks of declarations). */
function minifyCss(chunks: string[]): string[] {
  const placeholder = (index: number) => `--exitbot-interpolation-${index}:0;`;
  let css = chunks[0]!;
  for (let i = 1; i < chunks.length; i += 1) css += placeholder(i - 1) + chunks[i];
  const declarationsOnly = !css.includes('{');
  const input = declarationsOnly ? `x{${css}}` : css;
  let output = transformSync(input, { loader: 'css', minify: true }).code.trim();
  if (declarationsOnly) output = output.slice(2, -1);
  // esbuild keeps custom property values verbatim; their whitespace after ':' , '(' and ',' is insignificant.
  output = output
    .replace(/(--[\w-]+:)\s+/g, '$1')
    .replace(/(var\()\s+/g, '$1')
    .replace(/\s+\)/g, ')')
    .replace(/,\s+/g, ',');
  const parts = output.split(/--exitbot-interpolation-\d+:0/);
  if (parts.length !== chunks.length)
    throw new Error('minifyTemplates: a css interpolation was not kept as a declaration');
  return parts;
}
