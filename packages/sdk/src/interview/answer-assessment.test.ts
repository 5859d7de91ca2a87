import { describe, expect, it } from 'vitest';
import type { Locale } from '../protocol/events.ts';
import { type AnswerKind, assessAnswer, isDecline } from './answer-assessment.ts';

const cases: [Locale, string, AnswerKind][] = [
  // declines
  ['en', "I'd rather not say", 'decline'],
  ['en', 'Id rather not talk about that, sorry.', 'decline'],
  ['en', 'Pass.', 'decline'],
  ['en', 'skip please', 'decline'],
  ['en', 'I prefer not to answer this one.', 'decline'],
  ['de', 'Möchte ich nicht sagen.', 'decline'],
  ['de', 'Dazu möchte ich lieber nichts sagen.', 'decline'],
  ['de', 'Darüber möchte ich nicht sprechen.', 'decline'],
  ['de', 'Keine Angabe', 'decline'],
  ['fr', 'Je préfère ne pas répondre.', 'decline'],
  ['fr', 'Je ne souhaite pas en parler', 'decline'],
  ['fr', 'je passe', 'decline'],
  ['es', 'Prefiero no decirlo.', 'decline'],
  ['es', 'No quiero hablar de eso.', 'decline'],
  ['es', 'Paso', 'decline'],
  // vague
  ['en', 'not sure', 'vague'],
  ['en', "It's fine.", 'vague'],
  ['en', 'idk', 'vague'],
  ['en', 'whatever', 'vague'],
  ['de', 'Weiß nicht.', 'vague'],
  ['de', 'Passt schon.', 'vague'],
  ['de', 'Keine Ahnung', 'vague'],
  ['fr', 'Je ne sais pas.', 'vague'],
  ['fr', 'Bof.', 'vague'],
  ['fr', 'Ça allait.', 'vague'],
  ['es', 'No sé.', 'vague'],
  ['es', 'Da igual.', 'vague'],
  ['es', 'Está bien.', 'vague'],
  // emotionally loaded
  ['en', 'My manager was awful and I felt humiliated in every single meeting.', 'emotional'],
  ['en', 'I absolutely loved my team, they were wonderful and incredibly kind.', 'emotional'],
  // short
  ['en', 'Better offer elsewhere.', 'short'],
  ['de', 'Mehr Gehalt woanders.', 'short'],
  // substantial
  ['en', 'I was offered a senior role at another company with a clearer path ahead.', 'substantial'],
  ['de', 'Ich habe ein Angebot für eine Stelle mit mehr Verantwortung in Hamburg bekommen.', 'substantial'],
  ['fr', "J'ai reçu une offre pour un poste plus proche de chez moi, à Lyon.", 'substantial'],
  ['es', 'Me ofrecieron un puesto con más responsabilidad en otra empresa de Madrid.', 'substantial'],
];

describe('assessAnswer', () => {
  it.each(cases)('should read (%s) "%s" as %s', (locale, text, kind) => {
    expect(assessAnswer(text, { locale }).kind).toBe(kind);
  });

  it('should not mistake a substantial answer that mentions a decline phrase for a decline', () => {
    const text =
      "I'd rather not say his name, but the way my manager handled the reorganisation made me lose trust in leadership.";
    expect(assessAnswer(text).kind).not.toBe('decline');
    expect(isDecline('I passed on the promotion because the travel was too much for my family.')).toBe(false);
  });

  it('should not read a long answer that contains "fine" as vague', () => {
    expect(
      assessAnswer('The pay was fine but the workload kept growing every quarter without more people.').kind,
    ).toBe('substantial');
  });

  it('should count words and carry the offline sentiment', () => {
    const assessment = assessAnswer('I was not happy with my manager at all.');
    expect(assessment.words).toBe(9);
    expect(assessment.sentiment.label).toBe('negative');
    expect(assessment.sentiment.score).toBeLessThan(0);
  });
});
