import { ExitBotError } from '../errors/exitbot-error.ts';

/** The kinds of personal data the redactor replaces; each has its own placeholder prefix. */
export type PiiKind = 'EMAIL' | 'PHONE' | 'URL' | 'IBAN' | 'CARD' | 'NAME';

/** Options of `createRedactor()`. */
export interface RedactorOptions {
  /**
   * Names known from the interview's metadata (employee, manager, company). Each is matched in any
   * casing and with or without diacritics; parts of a multi-word name ("Smith") are matched alone too.
   * Each spelling found gets its own placeholder, so `restore()` gives back exactly what was written.
   */
  names?: readonly string[];
}

/** Replaces personal data with reversible placeholders like `[EMAIL_1]`; one instance per interview. */
export interface Redactor {
  /** Returns `text` with personal data replaced; the same value always gets the same placeholder. */
  redact(text: string): string;
  /** Puts the original values back in place of every placeholder this redactor handed out. */
  restore(text: string): string;
  /** Placeholder -> original value, for every placeholder handed out so far. */
  mapping(): Record<string, string>;
}

const placeholderPattern = /\[(EMAIL|PHONE|URL|IBAN|CARD|NAME)_(\d+)\]/g;

const emailPattern =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
const urlPattern = /\b(?:https?:\/\/|www\.)[^\s<>"'()[\]{}]+/giu;
/** Country code, check digits, then 11 to 30 letters or digits, optionally in groups of four. */
const ibanPattern = /\b[A-Z]{2}\d{2}(?:[ \u00a0]?[A-Z0-9]{4}){2,7}(?:[ \u00a0]?[A-Z0-9]{1,4})?\b/gi;
/** 13 to 19 digits, optionally grouped with single spaces or dashes. */
const cardPattern = /(?<![\d+])\d(?:[ \u00a0-]?\d){12,18}(?!\d)/g;
/**
 * A phone-shaped run: an optional `+`/`00` prefix, digits grouped by spaces, dots, dashes, slashes or
 * parentheses. `phoneCandidateIsPhone` then decides, so that dates, years and amounts stay.
 */
const phonePattern = /(?<![\p{L}\p{N}+])(?:\+|\(\+?)?\d(?:[ \u00a0.\-/]?\(?\d\)?)+(?![\p{L}\p{N}])/gu;

const trailingUrlPunctuation = /[.,;:!?]+$/;

/** Luhn checksum: card numbers pass it, most dates, amounts and ids do not. */
function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index -= 1) {
    let digit = digits.charCodeAt(index) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

function looksLikeIban(candidate: string): boolean {
  const compact = candidate.replace(/[ \u00a0]/g, '');
  if (compact.length < 15 || compact.length > 34) return false;
  // Letters only after the country code would be a word, not an account number.
  return /\d/.test(compact.slice(4)) && (compact.match(/\d/g)?.length ?? 0) >= 8;
}

/**
 * Phones are found by shape rather than by validity (libphonenumber rejects fictional-looking numbers
 * such as 555 ones and needs a default country for national formats); recall matters more here.
 */
function phoneCandidateIsPhone(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return false;
  const trimmed = candidate.trim();
  // Dates (12.03.2024, 2024-03-12, 03/12/2024) and year ranges (2019-2023).
  if (/^\d{1,4}[.\-/]\d{1,2}[.\-/]\d{1,4}$/.test(trimmed)) return false;
  if (/^\d{4}\s?[-/]\s?\d{4}$/.test(trimmed)) return false;
  const international = /^(?:\+|00|\(\+|\(00)/.test(trimmed);
  if (international) return digits.length >= 8;
  // Thousands groups (1 200 000, 1.200.000) are amounts unless they start with a trunk prefix 0.
  if (/^[1-9]\d{0,2}(?:[ \u00a0.]\d{3})+$/.test(trimmed)) return false;
  if (/^\(\d{2,5}\)/.test(trimmed)) return true;
  // North American 555.123.4567 / 555-123-4567 / 555 123 4567.
  if (/^\d{3}[ .-]\d{3}[ .-]\d{4}$/.test(trimmed)) return true;
  // National numbers with a trunk prefix: 030 1234567, 06 12 34 56 78, 020 7946 0958.
  if (/^0\d/.test(trimmed)) return digits.length >= 8;
  return false;
}

const diacriticVariants: Record<string, string> = {
  a: 'aàáâãäåāăą',
  c: 'cçćĉċč',
  e: 'eèéêëēĕėęě',
  i: 'iìíîïĩīĭįı',
  n: 'nñńņňŉ',
  o: 'oòóôõöøōŏő',
  s: 'sśŝşšß',
  u: 'uùúûüũūŭůűų',
  y: 'yýÿŷ',
  z: 'zźżž',
};
const baseOfVariant = new Map<string, string>();
for (const [base, variants] of Object.entries(diacriticVariants)) {
  for (const variant of variants) baseOfVariant.set(variant, base);
}
/** German umlauts are also written out: Müller = Mueller. */
const umlautSpellings: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue' };

function count(text: string, character: string): number {
  return text.split(character).length - 1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A pattern that matches `name` in any casing, with or without diacritics, as a whole word. */
function namePattern(name: string): string {
  let pattern = '';
  for (const character of name.toLowerCase()) {
    if (/\s/.test(character)) {
      pattern += '[\\s\\u00a0]+';
      continue;
    }
    const base = baseOfVariant.get(character);
    if (!base) {
      pattern += escapeRegExp(character);
      continue;
    }
    const variants = `[${diacriticVariants[base]}]`;
    const spelled = umlautSpellings[character];
    pattern += spelled ? `(?:${variants}|${spelled})` : variants;
  }
  return pattern;
}

/** Words that are part of many names and must not be redacted on their own. */
const nameStopwords = new Set([
  'the',
  'and',
  'und',
  'et',
  'y',
  'of',
  'de',
  'del',
  'der',
  'den',
  'des',
  'di',
  'da',
  'du',
  'la',
  'le',
  'el',
  'los',
  'las',
  'van',
  'von',
  'zu',
  'mc',
  'inc',
  'ltd',
  'llc',
  'plc',
  'gmbh',
  'ag',
  'kg',
  'se',
  'sa',
  'sas',
  'sarl',
  'sl',
  'srl',
  'bv',
  'nv',
  'co',
  'corp',
  'company',
  'group',
  'holding',
  'holdings',
  'international',
  'global',
  'solutions',
  'services',
  'systems',
  'technologies',
  'consulting',
  'bank',
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
]);

/**
 * One pattern per known name: the whole name as given, or any run of its distinctive parts ("Bob",
 * "SMITH", "Bob Smith" of 'Robert "Bob" Smith'). Each distinct spelling found gets its own placeholder,
 * so restoring gives back exactly the words that were written.
 */
function buildNamePatterns(names: readonly string[]): RegExp[] {
  const patterns: string[] = [];
  const cleaned = names.map((name) => name.trim().replace(/\s+/g, ' ')).filter((name) => name.length >= 2);
  for (const name of cleaned) {
    const parts = [
      ...new Set(
        name
          .split(/[\s,"'“”‘’()«»]+/)
          .map((part) => part.replace(/\.$/, ''))
          .filter((part) => part.length >= 2 && !nameStopwords.has(part.toLowerCase())),
      ),
    ];
    const whole = namePattern(name);
    const partRun = `(?:${parts.map(namePattern).join('|')})`;
    patterns.push(parts.length > 0 ? `(?:${whole}|${partRun}(?:[\\s\\u00a0]+${partRun})*)` : whole);
  }
  return patterns.map((pattern) => new RegExp(`(?<![\\p{L}\\p{N}_])${pattern}(?![\\p{L}\\p{N}_])`, 'giu'));
}

/** Calls `replace` on the pieces of `text` that are not placeholders already handed out. */
function replaceOutsidePlaceholders(text: string, regex: RegExp, replace: (match: string) => string | null) {
  let result = '';
  let last = 0;
  for (const placeholder of text.matchAll(placeholderPattern)) {
    result += replaceIn(text.slice(last, placeholder.index), regex, replace) + placeholder[0];
    last = placeholder.index + placeholder[0].length;
  }
  return result + replaceIn(text.slice(last), regex, replace);
}

function replaceIn(text: string, regex: RegExp, replace: (match: string) => string | null): string {
  return text.replace(regex, (match) => replace(match) ?? match);
}

/**
 * Creates a redactor that replaces emails, phone numbers, URLs, IBANs, card numbers and the given
 * names with placeholders, and can put the originals back.
 *
 * @example
 * const redactor = createRedactor({ names: ['Jane Doe', 'Acme GmbH'] });
 * const safe = redactor.redact('Call JANE at +49 30 1234567'); // 'Call [NAME_1] at [PHONE_1]'
 * redactor.restore(safe); // 'Call JANE at +49 30 1234567'
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const names = options.names ?? [];
  if (!Array.isArray(names) || names.some((name) => typeof name !== 'string')) {
    throw new ExitBotError({ code: 'invalid-argument', message: 'names must be an array of strings' });
  }
  const namePatterns = buildNamePatterns(names);
  const placeholderOf = new Map<string, string>();
  const originalOf = new Map<string, string>();
  const counters: Record<PiiKind, number> = { EMAIL: 0, PHONE: 0, URL: 0, IBAN: 0, CARD: 0, NAME: 0 };

  const placeholderFor = (kind: PiiKind, key: string, value: string): string => {
    const identity = `${kind}:${key}`;
    const existing = placeholderOf.get(identity);
    if (existing) return existing;
    counters[kind] += 1;
    const placeholder = `[${kind}_${counters[kind]}]`;
    placeholderOf.set(identity, placeholder);
    originalOf.set(placeholder, value);
    return placeholder;
  };

  return {
    redact(text) {
      let result = text;
      result = replaceOutsidePlaceholders(result, emailPattern, (match) =>
        placeholderFor('EMAIL', match.toLowerCase(), match),
      );
      result = replaceOutsidePlaceholders(result, urlPattern, (match) => {
        const url = match.replace(trailingUrlPunctuation, '');
        const tail = match.slice(url.length);
        return placeholderFor('URL', url, url) + tail;
      });
      result = replaceOutsidePlaceholders(result, ibanPattern, (match) =>
        looksLikeIban(match) ? placeholderFor('IBAN', match.replace(/\s/g, '').toUpperCase(), match) : null,
      );
      result = replaceOutsidePlaceholders(result, cardPattern, (match) => {
        const digits = match.replace(/\D/g, '');
        return passesLuhn(digits) ? placeholderFor('CARD', digits, match) : null;
      });
      result = replaceOutsidePlaceholders(result, phonePattern, (match) => {
        let candidate = match.replace(/[.\-/]+$/, '');
        // A closing parenthesis that opened before the number belongs to the sentence.
        if (candidate.endsWith(')') && count(candidate, '(') < count(candidate, ')'))
          candidate = candidate.slice(0, -1);
        if (!phoneCandidateIsPhone(candidate)) return null;
        return (
          placeholderFor('PHONE', candidate.replace(/[^\d+]/g, ''), candidate) + match.slice(candidate.length)
        );
      });
      for (const pattern of namePatterns) {
        result = replaceOutsidePlaceholders(result, pattern, (match) =>
          placeholderFor('NAME', match.toLowerCase().replace(/\s+/g, ' '), match),
        );
      }
      return result;
    },
    restore(text) {
      return text.replace(placeholderPattern, (placeholder) => originalOf.get(placeholder) ?? placeholder);
    },
    mapping() {
      return Object.fromEntries(originalOf);
    },
  };
}
