import { describe, expect, it } from 'vitest';
import { ExitBotError } from '../errors/exitbot-error.ts';
import { createRedactor } from './redactor.ts';

const people = ['Jane Doe', 'Jürgen Müller', 'Acme Widgets GmbH'];

/** [text as an employee might write it, the personal values that must not survive redaction] */
const corpus: Array<[string, string[]]> = [
  [
    'Write to jane.doe@acme-widgets.com or Jane.Doe+hr@Example.CO.UK.',
    ['jane.doe', 'Jane.Doe+hr', 'acme-widgets.com'],
  ],
  ['My Berlin line was +49 30 1234567, my mobile +49 (0)171 234 5678.', ['1234567', '234 5678']],
  [
    'Call the US office at (555) 123-4567 or 555.123.4567 or 555-987-6543.',
    ['123-4567', '123.4567', '987-6543'],
  ],
  ['In Paris: +33 6 12 34 56 78 or 06 12 34 56 78.', ['12 34 56 78']],
  ['London desk 0044 20 7946 0958, also +44 20 7946 0000.', ['7946 0958', '7946 0000']],
  ['Madrid: +34 912 345 678. Munich: 089/1234567.', ['345 678', '1234567']],
  [
    'See https://intranet.acme.example/people?id=42 and www.glassdoor.com/reviews.',
    ['intranet.acme', 'glassdoor'],
  ],
  [
    'Salary went to DE89 3704 0044 0532 0130 00, before that to GB29NWBK60161331926819.',
    ['3704 0044', 'NWBK6016'],
  ],
  ['Expenses hit my card 4111 1111 1111 1111 and 5500-0000-0000-0004.', ['4111 1111', '5500-0000']],
  ['JANE DOE was my manager; jane was fine, but doe never listened.', ['JANE', 'jane', 'doe', 'DOE']],
  [
    'I reported to jürgen müller, sometimes spelled Juergen Mueller or Jurgen Muller. MÜLLER knew.',
    ['rgen', 'ller'],
  ],
  ['Acme widgets gmbh paid badly, and at ACME we all knew it.', ['Acme', 'ACME', 'widgets']],
];

/** Text that must come back unchanged: years, durations, amounts, dates, ranges, versions. */
const ordinaryNumbers = [
  'I joined in 2019 and stayed 3 years.',
  'My salary was 55,000 and the offer is 62.500 EUR; the market pays $70k.',
  'Between 12.03.2021 and 2023-04-30 we shipped 1 200 000 units.',
  'From 2019-2023 I worked 40 hours a week, sometimes 60.',
  'Release 10.4.2 shipped on 03/12/2024 with 1,234,567 downloads.',
  'Our team of 12 handled 250 tickets in Q3 2022.',
  'Order 4111 1111 1111 1112 is not a valid card number.',
];

describe('createRedactor', () => {
  it('should remove every email, phone, URL, IBAN, card and known name in the corpus', () => {
    const redactor = createRedactor({ names: people });
    for (const [text, secrets] of corpus) {
      const redacted = redactor.redact(text);
      for (const secret of secrets) expect(redacted, `${text} -> ${redacted}`).not.toContain(secret);
      expect(redactor.restore(redacted)).not.toContain('[');
    }
  });

  it('should use the documented placeholder kinds', () => {
    const redactor = createRedactor({ names: ['Jane Doe'] });
    const redacted = redactor.redact(
      'jane@example.com, +49 30 1234567, https://example.com, DE89370400440532013000, 4111111111111111, Jane',
    );
    expect(redacted).toBe('[EMAIL_1], [PHONE_1], [URL_1], [IBAN_1], [CARD_1], [NAME_1]');
  });

  it('should leave ordinary numbers alone', () => {
    const redactor = createRedactor({ names: people });
    for (const text of ordinaryNumbers) expect(redactor.redact(text)).toBe(text);
    expect(redactor.mapping()).toEqual({});
  });

  it('should give the same value the same placeholder across calls', () => {
    const redactor = createRedactor({ names: ['Jane Doe'] });
    const first = redactor.redact('Ask Jane Doe at jane@example.com.');
    const second = redactor.redact('jane doe (JANE@example.com) left; Jane agreed, DOE too.');
    expect(first).toBe('Ask [NAME_1] at [EMAIL_1].');
    expect(second).toBe('[NAME_1] ([EMAIL_1]) left; [NAME_2] agreed, [NAME_3] too.');
    expect(redactor.redact('bob@example.com')).toBe('[EMAIL_2]');
  });

  it('should restore exactly what was written, leaving unknown placeholders as they are', () => {
    const redactor = createRedactor({ names: ['Jane Doe', 'Robert "Bob" Smith'] });
    const text = 'JANE (jane@example.com, +33 6 12 34 56 78) sent www.example.com/x to Bob Smith and bob.';
    const redacted = redactor.redact(text);
    expect(redacted).toBe('[NAME_1] ([EMAIL_1], [PHONE_1]) sent [URL_1] to [NAME_2] and [NAME_3].');
    expect(redactor.restore(redacted)).toBe(text);
    expect(redactor.restore('[NAME_2] and [NAME_9] and [EMAIL_1]')).toBe(
      'Bob Smith and [NAME_9] and jane@example.com',
    );
    expect(redactor.mapping()).toEqual({
      '[NAME_1]': 'JANE',
      '[NAME_2]': 'Bob Smith',
      '[NAME_3]': 'bob',
      '[EMAIL_1]': 'jane@example.com',
      '[PHONE_1]': '+33 6 12 34 56 78',
      '[URL_1]': 'www.example.com/x',
    });
  });

  it('should keep sentence punctuation after URLs and phones outside the placeholder', () => {
    const redactor = createRedactor();
    expect(redactor.redact('See https://example.com/a. Then call 555-123-4567.')).toBe(
      'See [URL_1]. Then call [PHONE_1].',
    );
  });

  it('should redact names written without their diacritics or with umlauts spelled out', () => {
    const redactor = createRedactor({ names: ['Zoë Müller-Lüdenscheidt', 'José Núñez'] });
    expect(redactor.redact('zoe muller-ludenscheidt, ZOË, Mueller-Luedenscheidt')).toBe(
      '[NAME_1], [NAME_2], [NAME_3]',
    );
    expect(redactor.redact('jose nunez and NÚÑEZ')).toBe('[NAME_4] and [NAME_5]');
  });

  it('should not redact a name part inside another word or common words of company names', () => {
    const redactor = createRedactor({ names: ['Ann Lee', 'The Global Company'] });
    expect(redactor.redact('Annual leave was fine; the company was global.')).toBe(
      'Annual leave was fine; the company was global.',
    );
    expect(redactor.redact('ann and LEE, Ann Lee')).toBe('[NAME_1] and [NAME_2], [NAME_3]');
    expect(redactor.redact('the global company')).toBe('[NAME_4]');
  });

  it('should reject names that are not strings when created', () => {
    expect(() => createRedactor({ names: [42 as unknown as string] })).toThrowError(ExitBotError);
  });
});
