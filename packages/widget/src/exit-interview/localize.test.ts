import type { Locale } from '@exitbot/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { loadStrings, resolveLocale, stringsFor, type WidgetStrings } from './localize.ts';

const locales: Locale[] = ['en', 'de', 'fr', 'es'];

function leaves(strings: WidgetStrings): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(strings)) {
    if (typeof value === 'object' && value !== null) {
      for (const [inner, text] of Object.entries(value)) flat[`${key}.${inner}`] = text;
    } else flat[key] = value;
  }
  return flat;
}

describe('widget strings', () => {
  it('should pick the first supported locale, region subtags included, and fall back to English', () => {
    expect(resolveLocale('de-AT', 'fr')).toBe('de');
    expect(resolveLocale(undefined, '', 'es_MX')).toBe('es');
    expect(resolveLocale('pt-BR', 'FR')).toBe('fr');
    expect(resolveLocale('pt', null)).toBe('en');
  });

  it('should have every string in every locale, none empty and none left in English', async () => {
    const english = leaves((await loadStrings('en')) as WidgetStrings);
    for (const locale of locales) {
      const strings = leaves(await loadStrings(locale));
      expect(Object.keys(strings).sort(), locale).toEqual(Object.keys(english).sort());
      for (const [key, value] of Object.entries(strings)) {
        const text = typeof value === 'function' ? String(value(3, 10)) : value;
        expect(typeof text === 'string' && text.trim().length > 0, `${locale}.${key}`).toBe(true);
        if (locale !== 'en' && !['interviewer', 'transcriptLabel'].includes(key)) {
          const englishText =
            typeof english[key] === 'function'
              ? String((english[key] as (a: number, b: number) => string)(3, 10))
              : english[key];
          expect(text, `${locale}.${key} is untranslated`).not.toBe(englishText);
        }
      }
      expect(stringsFor(locale)).toBeDefined();
    }
  });

  it('should say honestly who reads the answers in each mode', async () => {
    const en = await loadStrings('en');
    expect(en.whoReads.identified).toMatch(/with your name/);
    expect(en.whoReads.confidential).toMatch(/Only HR administrators/);
    expect(en.whoReads.anonymous).toMatch(/not stored with your answers/);
    expect(en.duration(12)).toBe('About 12 minutes.');
    expect(en.progress(3, 10)).toBe('3 of 10 topics');
  });
});
