import type { InterviewMode, Locale } from '@exitbot/sdk/protocol';

/** Every string `<exit-interview>` shows, in one locale. */
export interface WidgetStrings {
  title: string;
  loading: string;
  mode: Record<InterviewMode, string>;
  startHeading: string;
  startLead: string;
  whoReadsHeading: string;
  whoReads: Record<InterviewMode, string>;
  durationHeading: string;
  duration: (minutes: number) => string;
  controlHeading: string;
  control: string;
  startButton: string;
  savedAsYouGo: string;
  progress: (covered: number, total: number) => string;
  progressLabel: string;
  transcriptLabel: string;
  interviewer: string;
  you: string;
  inputLabel: string;
  placeholder: string;
  send: string;
  skip: string;
  finish: string;
  hint: string;
  charactersLeft: (count: number) => string;
  typing: string;
  skipped: string;
  finishedEarly: string;
  sending: string;
  queued: string;
  offline: string;
  reconnecting: string;
  confirmTitle: string;
  confirmBody: string;
  confirmYes: string;
  confirmNo: string;
  doneHeading: string;
  doneBody: string;
  doneClose: string;
  unavailableHeading: string;
  expired: string;
  invalid: string;
  unreachable: string;
  sendFailed: string;
}

const en: WidgetStrings = {
  title: 'Exit interview',
  loading: 'Loading your interview…',
  mode: { identified: 'Identified', confidential: 'Confidential', anonymous: 'Anonymous' },
  startHeading: 'Your exit interview',
  startLead:
    'A short conversation about your time here and why you are leaving. An AI interviewer asks the questions and may follow up on what you say.',
  whoReadsHeading: 'Who reads your answers',
  whoReads: {
    identified: 'HR at your company reads your answers and a summary of them, with your name on them.',
    confidential:
      'Only HR administrators at your company can open your interview and its summary. Others with access to reports see combined results from larger groups, where short quotes may appear without your name.',
    anonymous:
      'Your name and job details are not stored with your answers. HR reads what you write without knowing it was you, so leave out details that would give you away.',
  },
  durationHeading: 'How long it takes',
  duration: (minutes) => `About ${minutes} minutes.`,
  controlHeading: 'You decide',
  control: 'Skip any question, or stop whenever you like. Everything you have written so far is kept.',
  startButton: 'Start the interview',
  savedAsYouGo: 'Your answers are saved as you go.',
  progress: (covered, total) => `${covered} of ${total} topics`,
  progressLabel: 'Topics covered',
  transcriptLabel: 'Conversation',
  interviewer: 'Interviewer',
  you: 'You',
  inputLabel: 'Your answer',
  placeholder: 'Write your answer…',
  send: 'Send answer',
  skip: 'Skip question',
  finish: 'Finish early',
  hint: 'Enter to send · Shift+Enter for a new line',
  charactersLeft: (count) => `${count} characters left`,
  typing: 'The interviewer is writing',
  skipped: 'You skipped this question.',
  finishedEarly: 'You finished the interview early.',
  sending: 'Sending…',
  queued: 'Saved on this device. It will be sent when you are back online.',
  offline: 'You are offline. Your answer stays on this device and is sent as soon as the connection is back.',
  reconnecting: 'Connection lost. Reconnecting…',
  confirmTitle: 'Finish the interview now?',
  confirmBody: 'Your answers so far are kept, but you cannot continue the interview later.',
  confirmYes: 'Finish now',
  confirmNo: 'Keep going',
  doneHeading: 'Thank you',
  doneBody: 'Your answers have been saved. Thank you for taking the time to share them.',
  doneClose: 'You can close this page now.',
  unavailableHeading: 'This interview is not available',
  expired:
    'This interview link has expired. If you would still like to take part, please contact your HR team.',
  invalid: 'This interview link is not valid. Check the link you were sent, or contact your HR team.',
  unreachable: 'The interview cannot be reached right now. We will keep trying.',
  sendFailed: 'Your answer could not be sent. It is back in the text box so you can try again.',
};

/** English is built in; the other locales load on first use (a separate chunk in the ESM build). */
const loaders: Record<Exclude<Locale, 'en'>, () => Promise<{ strings: WidgetStrings }>> = {
  de: () => import('./locales/de.ts'),
  fr: () => import('./locales/fr.ts'),
  es: () => import('./locales/es.ts'),
};

const loaded = new Map<Locale, WidgetStrings>([['en', en]]);
const loading = new Map<Locale, Promise<WidgetStrings>>();

/** Picks the first supported locale from the candidates (`de-AT` counts as `de`), else English. */
export function resolveLocale(...candidates: (string | null | undefined)[]): Locale {
  for (const candidate of candidates) {
    const language = candidate?.trim().toLowerCase().split(/[-_]/)[0];
    if (language === 'en' || (language !== undefined && language in loaders)) return language as Locale;
  }
  return 'en';
}

/** The widget's strings in a locale if they are loaded, else undefined (see {@link loadStrings}). */
export function stringsFor(locale: Locale): WidgetStrings | undefined {
  return loaded.get(locale);
}

/** Loads the strings of a locale once; falls back to English when the chunk cannot be loaded. */
export function loadStrings(locale: Locale): Promise<WidgetStrings> {
  const ready = loaded.get(locale);
  if (ready) return Promise.resolve(ready);
  let pending = loading.get(locale);
  if (pending === undefined) {
    pending = loaders[locale as Exclude<Locale, 'en'>]()
      .then((module) => module.strings)
      .catch(() => en)
      .then((strings) => {
        loaded.set(locale, strings);
        loading.delete(locale);
        return strings;
      });
    loading.set(locale, pending);
  }
  return pending;
}
