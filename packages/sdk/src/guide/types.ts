import type { Locale } from '../protocol/events.ts';

/** Text in every shipped locale (custom guides may give only some; `en` is required). */
export type LocalizedText = { en: string } & Partial<Record<Exclude<Locale, 'en'>, string>>;

/** One topic of an interview plan. */
export interface GuideTopic {
  /** Stable id, lowercase letters, digits and dashes (e.g. `reason-for-leaving`). Unique within a guide. */
  id: string;
  title: LocalizedText;
  opening: LocalizedText;
  /** Follow-up questions, asked in order when an answer is short, vague or emotionally loaded. At least 2. */
  probes: LocalizedText[];
  /** Required topics are asked even when the budget runs short; optional ones are skipped first. */
  required: boolean;
  /** Most employee turns spent on this topic (opening answer + probes). */
  maxTurns: number;
  /**
   * Whether a short or vague answer earns a probe. Default true; set false for open catch-all topics
   * ("anything else?") where a brief "no" simply means there is nothing to add.
   */
  probeBriefAnswers?: boolean;
}

/** An interview plan as data. */
export interface Guide {
  id: string;
  version: number;
  topics: GuideTopic[];
  /** `maxTurns` counts employee turns (answers and declines); `targetMinutes` is the time the interview aims for. */
  budget: { maxTurns: number; targetMinutes: number };
  /** Words said once before the first question (optional). */
  introduction?: LocalizedText;
  /** Closing words, said after the last topic. */
  closing: LocalizedText;
}
