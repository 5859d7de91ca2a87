import type { Locale } from '../protocol/events.ts';

/** Text in every shipped locale (custom guides may give only some; `en` is required). */
export type LocalizedText = { en: string } & Partial<Record<Exclude<Locale, 'en'>, string>>;

/** One topic of an interview plan. */
export interface GuideTopic {
  id: string;
  title: LocalizedText;
  opening: LocalizedText;
  /** Follow-up questions, asked when an answer is short, vague or emotionally loaded. At least 2. */
  probes: LocalizedText[];
  required: boolean;
  /** Most employee turns spent on this topic (opening answer + probes). */
  maxTurns: number;
}

/** An interview plan as data. */
export interface Guide {
  id: string;
  version: number;
  topics: GuideTopic[];
  budget: { maxTurns: number; targetMinutes: number };
  /** Closing words, said after the last topic. */
  closing: LocalizedText;
}
