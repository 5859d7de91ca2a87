import { describe, expect, it } from 'vitest';
import { ExitBotError } from '../errors/exitbot-error.ts';
import { locales } from '../protocol/events.ts';
import { defaultGuide } from './default-guide.ts';
import { parseGuide } from './guide-schema.ts';
import { localize } from './localize.ts';
import { normalizeText } from './normalize-text.ts';
import type { Guide, LocalizedText } from './types.ts';

/** A fresh, mutable copy of the default guide to break on purpose. */
function guideCopy(): Guide {
  return structuredClone(defaultGuide);
}

function errorOf(input: unknown): ExitBotError {
  try {
    parseGuide(input);
  } catch (error) {
    if (ExitBotError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('parseGuide accepted the guide');
}

describe('defaultGuide', () => {
  it('should pass its own schema', () => {
    expect(parseGuide(defaultGuide)).toEqual(defaultGuide);
  });

  it('should cover the ten topics the product promises, in order', () => {
    expect(defaultGuide.topics.map((topic) => topic.id)).toEqual([
      'reason-for-leaving',
      'role-and-workload',
      'manager-and-leadership',
      'growth-and-career',
      'pay-and-benefits',
      'culture-and-team',
      'tools-and-processes',
      'what-would-have-made-you-stay',
      'return-or-recommend',
      'anything-else',
    ]);
  });

  it('should give every text in en, de, fr and es, and three probes per topic', () => {
    const texts: LocalizedText[] = [defaultGuide.closing, defaultGuide.introduction!];
    for (const topic of defaultGuide.topics) {
      expect(topic.probes).toHaveLength(3);
      texts.push(topic.title, topic.opening, ...topic.probes);
    }
    for (const text of texts) {
      for (const locale of locales) expect(text[locale], JSON.stringify(text)).toMatch(/\S/);
    }
  });

  it('should end every opening and probe with a question mark in every language', () => {
    for (const topic of defaultGuide.topics) {
      for (const question of [topic.opening, ...topic.probes]) {
        for (const locale of locales) expect(localize(question, locale)).toMatch(/\?$/);
      }
    }
  });

  it('should put an opening ¿ in every Spanish question and a space before ? in French', () => {
    for (const topic of defaultGuide.topics) {
      for (const question of [topic.opening, ...topic.probes]) {
        expect(question.es).toContain('¿');
        expect(question.fr).toMatch(/ \?$/);
      }
    }
  });

  it('should use the polite form in German, French and Spanish', () => {
    const all = defaultGuide.topics.flatMap((topic) => [topic.opening, ...topic.probes]);
    expect(all.some((text) => /\b(du|dich|dir|dein\w*)\b/i.test(text.de ?? ''))).toBe(false);
    expect(all.some((text) => /\b(tu|toi|ton|ta|tes)\b/i.test(text.fr ?? ''))).toBe(false);
    expect(all.some((text) => /\bvous\b/.test(text.fr ?? ''))).toBe(true);
    expect(all.some((text) => /\b(Sie|Ihr\w*)\b/.test(text.de ?? ''))).toBe(true);
    expect(all.some((text) => /\b(tú|tu|te)\b/i.test(text.es ?? ''))).toBe(false);
  });

  it('should never ask for a name', () => {
    const all = defaultGuide.topics.flatMap((topic) => [topic.opening, ...topic.probes]);
    for (const text of all)
      expect(normalizeText(text.en)).not.toMatch(/\bnames?\b|^who\b|\bwhich (person|colleague)/);
  });

  it('should keep its required topics within its turn budget', () => {
    const required = defaultGuide.topics.filter((topic) => topic.required);
    expect(required.length).toBeGreaterThanOrEqual(3);
    expect(defaultGuide.budget.maxTurns).toBeGreaterThanOrEqual(required.length);
  });
});

describe('parseGuide', () => {
  it('should name the field when a topic has too few probes', () => {
    const guide = guideCopy();
    guide.topics[2]!.probes = guide.topics[2]!.probes.slice(0, 1);
    const error = errorOf(guide);
    expect(error.code).toBe('invalid-guide');
    expect(error.message).toContain('topics[2].probes: must have at least 2 items');
  });

  it('should reject duplicate topic ids', () => {
    const guide = guideCopy();
    guide.topics[3]!.id = guide.topics[1]!.id;
    expect(errorOf(guide).message).toContain('topics[3].id: duplicate topic id "role-and-workload"');
  });

  it('should require English for every text', () => {
    const guide = guideCopy();
    const { en: _dropped, ...withoutEnglish } = guide.topics[0]!.title;
    guide.topics[0]!.title = withoutEnglish as LocalizedText;
    expect(errorOf(guide).message).toContain('topics[0].title.en: is required');
  });

  it('should reject empty texts and unknown locales', () => {
    const guide = guideCopy();
    guide.topics[1]!.probes[0]!.de = '   ';
    (guide.closing as Record<string, string>).it = 'Grazie';
    const message = errorOf(guide).message;
    expect(message).toContain('topics[1].probes[0].de: must not be empty');
    expect(message).toContain('closing.it: unknown field');
  });

  it('should say what type a field must have', () => {
    const guide = guideCopy() as unknown as Record<string, unknown>;
    (guide.topics as Record<string, unknown>[])[4]!.required = 'yes';
    guide.budget = { maxTurns: 2.5, targetMinutes: 0 };
    const message = errorOf(guide).message;
    expect(message).toContain('topics[4].required: must be true or false');
    expect(message).toContain('budget.maxTurns: must be a whole number');
    expect(message).toContain('budget.targetMinutes: must be greater than 0');
  });

  it('should reject topic ids that are not slugs', () => {
    const guide = guideCopy();
    guide.topics[0]!.id = 'Reason For Leaving';
    expect(errorOf(guide).message).toMatch(/^invalid guide: topics\[0\]\.id: must be lowercase letters/);
  });

  it('should reject a budget too small for the required topics', () => {
    const guide = guideCopy();
    guide.budget.maxTurns = 3;
    expect(errorOf(guide).message).toContain(
      'budget.maxTurns: must be at least 5, the number of required topics',
    );
  });

  it('should reject a question that repeats another one', () => {
    const guide = guideCopy();
    guide.topics[5]!.probes[2]!.fr = `${guide.topics[0]!.opening.fr!.toUpperCase()}!`;
    expect(errorOf(guide).message).toContain(
      'topics[5].probes[2].fr: repeats the question at topics[0].opening.fr',
    );
  });

  it('should reject input that is not a guide at all', () => {
    expect(errorOf(null).message).toBe('invalid guide: guide: must be an object');
    expect(errorOf({}).message).toContain('id: is required');
  });

  it('should cap the message at five problems and count the rest', () => {
    const guide = guideCopy();
    for (const topic of guide.topics) topic.maxTurns = 0;
    expect(errorOf(guide).message).toMatch(/; and 5 more$/);
  });

  it('should accept a minimal English-only guide and trim its texts', () => {
    const guide = parseGuide({
      id: 'acme',
      version: 2,
      budget: { maxTurns: 6, targetMinutes: 5 },
      topics: [
        {
          id: 'why',
          title: { en: 'Why' },
          opening: { en: '  Why are you leaving?  ' },
          probes: [{ en: 'Anything else on that?' }, { en: 'What tipped the balance?' }],
          required: true,
          maxTurns: 2,
        },
      ],
      closing: { en: 'Thanks!' },
    });
    expect(guide.topics[0]!.opening.en).toBe('Why are you leaving?');
    expect(localize(guide.topics[0]!.opening, 'de')).toBe('Why are you leaving?');
  });
});
