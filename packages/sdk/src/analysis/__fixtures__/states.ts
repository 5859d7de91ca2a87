import type { InterviewState, TranscriptMessage } from '../../interview/types.ts';
import type { Locale } from '../../protocol/events.ts';

/** One exchange: topic, the interviewer's question, and the employee's answer (null = declined). */
export type Exchange = [topicId: string, question: string, answer: string | null];

/** A completed interview state built by hand, shaped as the engine stores it. */
export function interviewState(options: {
  id: string;
  locale: Locale;
  people?: InterviewState['people'];
  exchanges: Exchange[];
}): InterviewState {
  const transcript: TranscriptMessage[] = [];
  const topics: InterviewState['topics'] = {};
  let minute = 0;
  const at = () => new Date(Date.UTC(2026, 0, 15, 9, minute++)).toISOString();
  for (const [index, [topicId, question, answer]] of options.exchanges.entries()) {
    const first = !topics[topicId];
    topics[topicId] ??= { status: 'covered', turns: 0, probesAsked: [] };
    const topic = topics[topicId];
    topic.turns += 1;
    if (!first) topic.probesAsked.push(topic.probesAsked.length);
    transcript.push({
      id: `q${index}`,
      role: 'interviewer',
      text: question,
      topicId,
      kind: first ? 'opening' : 'probe',
      at: at(),
    });
    if (answer === null) {
      topic.status = 'declined';
      transcript.push({ id: `a${index}`, role: 'employee', text: '', topicId, kind: 'decline', at: at() });
    } else {
      transcript.push({ id: `a${index}`, role: 'employee', text: answer, topicId, kind: 'answer', at: at() });
    }
  }
  return {
    version: 1,
    id: options.id,
    locale: options.locale,
    mode: 'confidential',
    guideId: 'default',
    status: 'completed',
    endReason: 'completed',
    currentTopicId: null,
    topics,
    turns: options.exchanges.length,
    transcript,
    people: options.people ?? {},
    startedAt: transcript[0]?.at ?? new Date(0).toISOString(),
    updatedAt: transcript.at(-1)?.at ?? new Date(0).toISOString(),
    degradedTurns: 0,
  };
}

/** English: underpaid and passed over, likes the team, would maybe return. Contains PII. */
export const englishInterview = interviewState({
  id: 'int-en',
  locale: 'en',
  people: { employeeName: 'Jane Doe', managerName: 'Robert "Bob" Smith', companyName: 'Acme Widgets' },
  exchanges: [
    [
      'reason-for-leaving',
      'To begin, what led to your decision to leave?',
      'Honestly the pay. I was paid far below market for three years and my raise requests were ignored. A competitor offered me 30% more.',
    ],
    [
      'reason-for-leaving',
      'If you had to name the single most important reason, what would it be?',
      'The salary, no question. I asked Bob Smith twice for a raise and nothing happened.',
    ],
    [
      'role-and-workload',
      'How would you describe your role and your workload here?',
      'The work itself was interesting and the workload was fine most of the year.',
    ],
    [
      'manager-and-leadership',
      'How would you describe your relationship with your manager?',
      'bob was friendly but he never pushed for my promotion. You can reach me at jane.doe@example.com or +44 20 7946 0958 if you want to follow up.',
    ],
    [
      'growth-and-career',
      'How did you see your growth here?',
      'I was passed over for promotion twice, which felt really unfair.',
    ],
    [
      'pay-and-benefits',
      'How did you feel about your pay and benefits?',
      'The benefits were good, but the salary was far too low.',
    ],
    [
      'culture-and-team',
      'How would you describe the culture and your team?',
      'I loved my team. JANE DOE will miss those people, they were wonderful and supportive.',
    ],
    [
      'return-or-recommend',
      'Would you consider working here again in the future?',
      'Maybe, if the pay was fixed. I would come back for the team.',
    ],
    [
      'return-or-recommend',
      'Would you recommend us as a place to work to someone you know, and why?',
      'Yes, I would recommend it to friends who care more about the people than the money.',
    ],
    ['anything-else', "Is there anything else you'd like to share that we haven't covered?", null],
  ],
});

/** German: burnout and workload; would not come back. */
export const germanInterview = interviewState({
  id: 'int-de',
  locale: 'de',
  people: { employeeName: 'Jürgen Müller', companyName: 'Beispiel GmbH' },
  exchanges: [
    [
      'reason-for-leaving',
      'Was hat zu Ihrer Entscheidung geführt, das Unternehmen zu verlassen?',
      'Die Arbeitsbelastung war seit einem Jahr extrem hoch. Ich habe fast jedes Wochenende Überstunden gemacht und war am Ende völlig erschöpft.',
    ],
    [
      'role-and-workload',
      'Wie würden Sie Ihre Aufgaben und Ihre Arbeitsbelastung hier beschreiben?',
      'Zu viel Arbeit für zu wenige Leute. Zwei Kollegen sind gegangen und wurden nie ersetzt, der Druck war enorm.',
    ],
    [
      'manager-and-leadership',
      'Wie würden Sie die Zusammenarbeit mit Ihrer Führungskraft beschreiben?',
      'Meine Chefin war nett, konnte aber an der Lage nichts ändern.',
    ],
    [
      'pay-and-benefits',
      'Wie zufrieden waren Sie mit Vergütung und Zusatzleistungen?',
      'Das Gehalt war in Ordnung.',
    ],
    [
      'culture-and-team',
      'Wie würden Sie die Kultur und Ihr Team beschreiben?',
      'Das Team war großartig, wir haben uns gegenseitig unterstützt.',
    ],
    [
      'return-or-recommend',
      'Könnten Sie sich vorstellen, in Zukunft wieder hier zu arbeiten?',
      'Nein, unter diesen Bedingungen würde ich nicht zurückkommen.',
    ],
  ],
});

/** French: manager problems and lack of recognition. */
export const frenchInterview = interviewState({
  id: 'int-fr',
  locale: 'fr',
  people: { employeeName: 'Claire Dubois', managerName: 'Marc Lefèvre' },
  exchanges: [
    [
      'reason-for-leaving',
      "Pour commencer, qu'est-ce qui a motivé votre décision de partir ?",
      "Mon manager ne m'a jamais soutenue. Il prenait le mérite de mon travail en réunion et me critiquait devant l'équipe.",
    ],
    [
      'manager-and-leadership',
      'Comment décririez-vous votre relation avec votre manager ?',
      "Très mauvaise. Marc Lefevre était injuste et ne m'écoutait jamais.",
    ],
    [
      'growth-and-career',
      'Comment voyiez-vous votre évolution ici ?',
      "Je n'ai eu aucune reconnaissance pour les projets que j'ai menés, personne ne m'a remerciée.",
    ],
    [
      'culture-and-team',
      'Comment décririez-vous la culture et votre équipe ?',
      "Mes collègues étaient formidables, l'ambiance entre nous était agréable.",
    ],
    [
      'return-or-recommend',
      'Envisageriez-vous de retravailler ici à l’avenir ?',
      'Peut-être, si la direction change.',
    ],
  ],
});

/** Spanish: relocation for family; positive about the company. */
export const spanishInterview = interviewState({
  id: 'int-es',
  locale: 'es',
  people: { employeeName: 'Lucía Fernández' },
  exchanges: [
    [
      'reason-for-leaving',
      'Para empezar, ¿qué le llevó a tomar la decisión de irse?',
      'Me mudo a Valencia por motivos familiares. Mi madre está enferma y quiero estar cerca de ella.',
    ],
    [
      'role-and-workload',
      '¿Cómo describiría su puesto y su carga de trabajo aquí?',
      'Me encantaba mi trabajo, era interesante y tenía un buen equilibrio.',
    ],
    [
      'manager-and-leadership',
      '¿Cómo describiría la relación con su responsable?',
      'Mi jefa fue excelente, siempre me apoyó.',
    ],
    [
      'return-or-recommend',
      '¿Se plantearía volver a trabajar aquí en el futuro?',
      'Sí, sin duda volvería si hubiera un puesto en remoto.',
    ],
    [
      'return-or-recommend',
      '¿Recomendaría nuestra empresa como lugar de trabajo a alguien de su entorno, y por qué?',
      'Claro, se la recomendaría a cualquiera.',
    ],
  ],
});
