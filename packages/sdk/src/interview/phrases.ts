import type { Locale } from '../protocol/events.ts';

/** Why the interviewer acknowledges the previous answer before its next question. */
export type AcknowledgementKind = 'thanks' | 'brief-thanks' | 'open' | 'decline';

// Short, neutral acknowledgements the scripted interviewer puts before its next question. They
// thank without judging, agreeing or promising anything. Several variants so that consecutive
// turns do not sound identical; the variant is picked by turn number, so it stays deterministic.
const acknowledgements: Record<AcknowledgementKind, Record<Locale, readonly string[]>> = {
  // After a substantial answer, when moving on.
  thanks: {
    en: ['Thank you for sharing that.', "Thank you, that's helpful.", 'I appreciate you explaining that.'],
    de: [
      'Danke, dass Sie das mit mir teilen.',
      'Vielen Dank, das ist hilfreich.',
      'Danke für die Erläuterung.',
    ],
    fr: ["Merci de m'en faire part.", "Merci, c'est utile.", 'Merci pour ces explications.'],
    es: ['Gracias por compartirlo.', 'Gracias, es muy útil.', 'Le agradezco la explicación.'],
  },
  // After a brief answer, when the topic's turns are used up.
  'brief-thanks': {
    en: ['Thank you.', 'Thanks.', 'Understood, thank you.'],
    de: ['Danke.', 'Vielen Dank.', 'Verstanden, danke.'],
    fr: ['Merci.', 'Merci bien.', 'Entendu, merci.'],
    es: ['Gracias.', 'Muchas gracias.', 'Entendido, gracias.'],
  },
  // After an emotionally loaded answer.
  open: {
    en: ['Thank you for being so open about that.', 'Thank you for being candid.'],
    de: ['Danke, dass Sie das so offen ansprechen.', 'Danke für Ihre Offenheit.'],
    fr: ['Merci de votre franchise.', "Merci d'en parler aussi ouvertement."],
    es: ['Gracias por su sinceridad.', 'Gracias por hablar de ello con tanta franqueza.'],
  },
  // After a decline: respect it, never press.
  decline: {
    en: ['Of course, we can leave that there.', "That's completely fine."],
    de: ['Selbstverständlich, das lassen wir so stehen.', 'Das ist völlig in Ordnung.'],
    fr: ['Bien sûr, nous pouvons en rester là.', 'Aucun problème.'],
    es: ['Por supuesto, lo dejamos ahí.', 'No hay ningún problema.'],
  },
};

/** The acknowledgement of `kind` in `locale`; `turn` rotates between variants. */
export function acknowledgement(kind: AcknowledgementKind, locale: Locale, turn: number): string {
  const variants = acknowledgements[kind][locale];
  return variants[turn % variants.length] ?? variants[0] ?? '';
}

/** Language name and register the model must write in. */
export const languageInstructions: Record<Locale, string> = {
  en: 'English',
  de: 'German, addressing the employee formally with "Sie"',
  fr: 'French, addressing the employee formally with "vous"',
  es: 'Spanish, addressing the employee formally with "usted"',
};
