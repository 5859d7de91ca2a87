import type { Locale } from '../protocol/events.ts';
import type { LocalizedText } from './types.ts';

/** The text in `locale`, or the English text when the guide gives none for it. */
export function localize(text: LocalizedText, locale: Locale): string {
  return (locale === 'en' ? undefined : text[locale]) ?? text.en;
}
