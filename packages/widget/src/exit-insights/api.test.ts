import { describe, expect, it } from 'vitest';
import { roleOfToken, viewQuery } from './api.ts';
import { formatPeriod, insightsStringsFor, resolveInsightsLocale } from './localize.ts';

function token(payload: Record<string, unknown>): string {
  const encode = (value: unknown) =>
    btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${encode({ alg: 'ES256', typ: 'admin+jwt' })}.${encode(payload)}.signature`;
}

describe('viewQuery', () => {
  it('should encode the period, filters and "not recorded" as ~', () => {
    const query = new URLSearchParams(
      viewQuery('2025-Q3', { department: 'R&D / Berlin', location: null }, { lang: 'de' }),
    );
    expect(query.get('period')).toBe('2025-Q3');
    expect(query.get('department')).toBe('R&D / Berlin');
    expect(query.get('location')).toBe('~');
    expect(query.has('level')).toBe(false);
    expect(query.get('lang')).toBe('de');
  });
});

describe('roleOfToken', () => {
  it('should read the role of an admin token and nothing from anything else', () => {
    expect(roleOfToken(token({ role: 'analyst' }))).toBe('analyst');
    expect(roleOfToken(token({ role: 'admin' }))).toBe('admin');
    expect(roleOfToken(token({ role: 'owner' }))).toBeUndefined();
    expect(roleOfToken('not-a-token')).toBeUndefined();
    expect(roleOfToken('a.%%%.c')).toBeUndefined();
    expect(roleOfToken(undefined)).toBeUndefined();
  });
});

describe('insights locales', () => {
  it('should resolve languages and fall back to English', () => {
    expect(resolveInsightsLocale('de-AT')).toBe('de');
    expect(resolveInsightsLocale('fr_CA')).toBe('fr');
    expect(resolveInsightsLocale('pt-BR')).toBe('en');
    expect(resolveInsightsLocale(undefined)).toBe('en');
  });

  it('should give every locale every string, translated', () => {
    const english = insightsStringsFor('en');
    for (const locale of ['de', 'fr', 'es'] as const) {
      const strings = insightsStringsFor(locale);
      expect(Object.keys(strings).sort()).toEqual(Object.keys(english).sort());
      expect(strings.title).not.toBe(english.title);
      expect(strings.withheldSmall(5)).toContain('5');
      expect(strings.report.aiGenerated).not.toBe(english.report.aiGenerated);
    }
  });

  it('should name periods the way people read them', () => {
    expect(formatPeriod('all', 'en', 'All time')).toBe('All time');
    expect(formatPeriod('2025-Q3', 'en', '')).toBe('Q3 2025');
    expect(formatPeriod('2025-Q3', 'fr', '')).toBe('T3 2025');
    expect(formatPeriod('2025-08', 'de', '')).toBe('August 2025');
    expect(formatPeriod('2025', 'es', '')).toBe('2025');
  });
});
