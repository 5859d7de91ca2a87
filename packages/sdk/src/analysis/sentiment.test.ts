import { describe, expect, it } from 'vitest';
import type { Locale } from '../protocol/events.ts';
import { analyzeSentiment, type SentimentLabel } from './sentiment.ts';

type Row = [Locale, string, SentimentLabel];

/**
 * Sentences in the voice of departing employees. Expected labels were written by hand before the
 * analyser was tuned and were not changed afterwards; the overall judgement decides mixed ones.
 */
const table: Row[] = [
  ['en', 'My manager was fantastic and always had my back.', 'positive'],
  ['en', 'I was not happy with how the reorganisation was handled.', 'negative'],
  ['en', 'The pay was not competitive at all.', 'negative'],
  ['en', 'Honestly, I was very unhappy during the last six months.', 'negative'],
  ['en', 'The workload was crushing and I felt completely burned out.', 'negative'],
  ['en', 'I really enjoyed the people here, they made it a great place to work.', 'positive'],
  [
    'en',
    "The benefits were good, but the salary was far below market and that's why I'm leaving.",
    'negative',
  ],
  [
    'en',
    "There were some frustrating moments, but overall I'm grateful for everything I learned.",
    'positive',
  ],
  ['en', 'I am leaving because my partner got a job in another city.', 'neutral'],
  ['en', 'I start at the new company on the first of next month.', 'neutral'],
  ['en', 'Nobody ever recognised the extra hours I put in.', 'negative'],
  ['en', 'My manager was not supportive and often took credit for my work.', 'negative'],
  ['en', 'The team was not bad at all.', 'positive'],
  ['en', 'I would absolutely recommend this company to a friend.', 'positive'],
  ['en', 'I would never come back here.', 'negative'],
  ['en', 'Career growth was impossible; I asked for a promotion three times and was ignored.', 'negative'],
  ['en', 'The office move added two hours of commuting every day, which was exhausting.', 'negative'],
  ['en', "I don't have any complaints about my team.", 'positive'],
  ['en', 'Leadership kept changing priorities and communication was terrible.', 'negative'],
  ['en', "I'm excited about the new role, it's a great opportunity.", 'positive'],
  ['en', 'Thank you for the opportunity, I had a wonderful time here.', 'positive'],
  ['en', 'The hybrid policy is two days in the office.', 'neutral'],
  ['en', 'I felt undervalued and underpaid for years.', 'negative'],
  ['en', "It wasn't a terrible place, but I stopped learning anything new and got bored.", 'negative'],
  ['en', "I'm not sure what else to add.", 'neutral'],
  ['en', 'The team was extremely toxic and my manager yelled at people in meetings.', 'negative'],
  ['en', 'My colleagues were kind and helpful, even under pressure.', 'positive'],
  ['en', "I'd rather not talk about my manager.", 'neutral'],
  ['en', 'The training budget was generous and I appreciated the flexibility.', 'positive'],
  ['de', 'Mein Team war großartig, ich werde die Kollegen sehr vermissen.', 'positive'],
  ['de', 'Ich war mit meinem Gehalt nicht zufrieden.', 'negative'],
  ['de', 'Die Arbeitsbelastung war extrem hoch und ich war total erschöpft.', 'negative'],
  ['de', 'Mein Vorgesetzter war sehr unfair und hat mich nie unterstützt.', 'negative'],
  ['de', 'Ich ziehe nächsten Monat nach Hamburg.', 'neutral'],
  ['de', 'Die Zusammenarbeit war gut, aber die Bezahlung war schlecht, deshalb gehe ich.', 'negative'],
  ['de', 'Ich würde das Unternehmen auf jeden Fall weiterempfehlen, es war eine schöne Zeit.', 'positive'],
  ['de', 'Die Stimmung im Team war leider sehr schlecht.', 'negative'],
  ['de', 'Ich habe viel gelernt und bin dankbar für die Chance.', 'positive'],
  ['fr', "J'ai adoré travailler avec mon équipe.", 'positive'],
  ['fr', "Je n'étais pas satisfait de mon salaire.", 'negative'],
  ['fr', "La charge de travail était épuisante et personne ne m'a aidé.", 'negative'],
  ['fr', "Mon manager était très compétent et toujours à l'écoute.", 'positive'],
  ['fr', 'Je déménage à Lyon le mois prochain.', 'neutral'],
  ['fr', "L'ambiance était agréable, mais le manque d'évolution m'a vraiment découragé.", 'negative'],
  ['fr', 'Je ne recommanderais pas cette entreprise.', 'negative'],
  ['fr', "C'était une expérience très enrichissante, merci pour tout.", 'positive'],
  ['fr', 'La direction était vraiment mauvaise et la communication inexistante.', 'negative'],
  ['es', 'Me encantó trabajar aquí, el equipo es excelente.', 'positive'],
  ['es', 'No estaba contento con mi sueldo.', 'negative'],
  ['es', 'Mi jefe era muy injusto y nunca me escuchaba.', 'negative'],
  ['es', 'Me mudo a Valencia por motivos familiares.', 'neutral'],
  ['es', 'El horario era flexible, pero el ambiente era tóxico y estresante.', 'negative'],
  ['es', 'Estoy muy agradecida por todo lo que aprendí.', 'positive'],
  ['es', 'La carga de trabajo era excesiva y terminé agotado.', 'negative'],
  ['es', 'Recomendaría la empresa sin dudarlo, fue una gran experiencia.', 'positive'],
  ['es', 'No me siento valorado por la dirección.', 'negative'],
];

/**
 * Written after the first version of the analyser but before its workplace lexicon was finished, and
 * kept out of it (no word was added for these), to see how far the figure on the table above carries.
 */
const heldOut: Row[] = [
  ['en', 'The onboarding was a mess and nobody explained anything.', 'negative'],
  ['en', "I'm grateful to my mentor, she taught me so much.", 'positive'],
  ['en', 'My new job pays about twenty percent more.', 'neutral'],
  ['en', "I didn't feel respected in meetings.", 'negative'],
  ['en', 'Management ignored every suggestion we made for two years.', 'negative'],
  ['en', 'The people were lovely but the constant overtime wore me down.', 'negative'],
  ['en', "I'd happily work here again in a different team.", 'positive'],
  ['en', 'We moved to a four-day office week in March.', 'neutral'],
  ['de', 'Mein Chef hat mich nie ernst genommen.', 'negative'],
  ['de', 'Die Kollegen waren sehr hilfsbereit und freundlich.', 'positive'],
  ['de', 'Ich fand die Arbeit nicht interessant genug.', 'negative'],
  ['de', 'Meine Frau hat eine Stelle in München bekommen.', 'neutral'],
  ['fr', 'Les collègues étaient formidables, je garde un excellent souvenir.', 'positive'],
  ['fr', 'Je me sentais complètement ignoré par ma hiérarchie.', 'negative'],
  ['fr', "Le salaire n'était pas à la hauteur de mes responsabilités.", 'negative'],
  ['fr', 'Je commence un nouveau poste en septembre.', 'neutral'],
  ['es', 'Mis compañeros fueron increíbles y muy solidarios.', 'positive'],
  ['es', 'No había ninguna posibilidad de crecer en la empresa.', 'negative'],
  ['es', 'El ambiente de trabajo era horrible.', 'negative'],
  ['es', 'Empiezo en otra empresa el lunes.', 'neutral'],
];

function accuracy(rows: Row[]) {
  const misses = rows.filter(
    ([locale, text, expected]) => analyzeSentiment(text, { locale }).label !== expected,
  );
  return { correct: rows.length - misses.length, total: rows.length, misses };
}

describe('analyzeSentiment', () => {
  it('should label at least 85% of the departing-employee table correctly', () => {
    const all = [...table, ...heldOut];
    const result = accuracy(all);
    const held = accuracy(heldOut);
    const percent = (value: { correct: number; total: number }) =>
      ((100 * value.correct) / value.total).toFixed(1);
    console.log(
      `sentiment accuracy: ${result.correct}/${result.total} = ${percent(result)}% ` +
        `(held-out part: ${held.correct}/${held.total} = ${percent(held)}%)`,
    );
    for (const [locale, text, expected] of result.misses)
      console.log(`  missed [${locale}] ${expected}: ${text}`);
    expect(all.length).toBeGreaterThanOrEqual(40);
    expect(result.correct / result.total).toBeGreaterThanOrEqual(0.85);
  });

  it('should cover every shipped language in the table', () => {
    const counts = new Map<Locale, number>();
    for (const [locale] of table) counts.set(locale, (counts.get(locale) ?? 0) + 1);
    for (const locale of ['en', 'de', 'fr', 'es'] as const)
      expect(counts.get(locale)).toBeGreaterThanOrEqual(8);
  });

  it('should make a negated positive word negative', () => {
    expect(analyzeSentiment('I was happy').label).toBe('positive');
    expect(analyzeSentiment('I was not happy').label).toBe('negative');
    expect(analyzeSentiment("I wasn't happy").label).toBe('negative');
    expect(analyzeSentiment('Ich war nicht zufrieden', { locale: 'de' }).label).toBe('negative');
    expect(analyzeSentiment("Je n'étais pas content", { locale: 'fr' }).label).toBe('negative');
    expect(analyzeSentiment('No estaba contenta', { locale: 'es' }).label).toBe('negative');
  });

  it('should honour a German negation that follows the verb', () => {
    expect(analyzeSentiment('Die Arbeit gefiel mir', { locale: 'de' }).label).toBe('positive');
    expect(analyzeSentiment('Die Arbeit gefiel mir nicht', { locale: 'de' }).label).toBe('negative');
  });

  it('should score an intensified word further from zero than the word alone', () => {
    const plain = analyzeSentiment('I was unhappy').score;
    const very = analyzeSentiment('I was very unhappy').score;
    const slightly = analyzeSentiment('I was slightly unhappy').score;
    expect(plain).toBeLessThan(0);
    expect(very).toBeLessThan(plain);
    expect(slightly).toBeGreaterThan(plain);
    expect(analyzeSentiment('Ich war sehr unzufrieden', { locale: 'de' }).score).toBeLessThan(
      analyzeSentiment('Ich war unzufrieden', { locale: 'de' }).score,
    );
    expect(analyzeSentiment('muy bueno', { locale: 'es' }).score).toBeGreaterThan(
      analyzeSentiment('bueno', { locale: 'es' }).score,
    );
  });

  it('should let the clause after "but" decide a mixed answer', () => {
    expect(analyzeSentiment('The team was great, but the pay was terrible').label).toBe('negative');
    expect(analyzeSentiment('The pay was terrible, but the team was great').label).toBe('positive');
    expect(
      analyzeSentiment("L'équipe était super, mais le salaire était mauvais", { locale: 'fr' }).label,
    ).toBe('negative');
  });

  it('should keep scores in [-1, 1] and call text without sentiment neutral', () => {
    const loud = analyzeSentiment('TERRIBLE TERRIBLE AWFUL HORRIBLE manager!!!!!!');
    expect(loud.score).toBeGreaterThanOrEqual(-1);
    expect(loud.score).toBeLessThan(-0.9);
    expect(analyzeSentiment('')).toEqual({ score: 0, label: 'neutral', terms: [] });
    expect(analyzeSentiment('I start on Monday.').label).toBe('neutral');
  });

  it('should fall back to English rules for an unknown locale and accept region tags', () => {
    expect(analyzeSentiment('not good', { locale: 'it' }).label).toBe('negative');
    expect(analyzeSentiment('nicht gut', { locale: 'de-AT' }).label).toBe('negative');
  });

  it('should report the terms that carried the sentiment', () => {
    const result = analyzeSentiment('My manager was not supportive');
    expect(result.terms.map((term) => term.term)).toEqual(['supportive']);
    expect(result.terms[0]?.valence).toBeLessThan(0);
  });
});
