import { describe, expect, it } from 'vitest';
import { minifyTemplates } from './minify-templates.ts';

describe('minifyTemplates', () => {
  it('should collapse whitespace in html templates to single spaces and leave untagged templates alone', () => {
    const source = [
      'const view = html`',
      '  <div class="a  b">',
      '    <span>${name}</span>   text  with  spaces',
      '    ${items.map((item) => html`<li>  ${item}  </li>`)}',
      '  </div>`;',
      'const key = `exitbot:pending:  ${id}`;',
    ].join('\n');
    expect(minifyTemplates(source)).toBe(
      [
        'const view = html`<div class="a b"> <span>${name}</span> text with spaces' +
          ' ${items.map((item) => html`<li> ${item} </li>`)} </div>`;',
        'const key = `exitbot:pending:  ${id}`;',
      ].join('\n'),
    );
  });

  it('should minify css templates and keep interpolated blocks in place', () => {
    const source =
      'const tokens = css`\n  --a: var(--x, #ffffff);\n  color: red;\n`;\n' +
      'const styles = css`\n  .root {\n    ${tokens}\n  }\n  /* note */\n  .b  >  .c { margin: 0px 0px; }\n`;';
    expect(minifyTemplates(source)).toBe(
      'const tokens = css`--a:var(--x,#ffffff);color:red`;\nconst styles = css`.root{${tokens}}.b>.c{margin:0}`;',
    );
  });

  it('should leave strings and comments that contain backticks alone', () => {
    const source = "const a = 'it`s'; // html`  <b>  </b>`\nconst b = html`<i> </i>`;";
    expect(minifyTemplates(source)).toBe("const a = 'it`s'; // html`  <b>  </b>`\nconst b = html`<i> </i>`;");
  });
});
