// An exit interview with your own question set and your own storage, on @exitbot/sdk alone.
//
//   node custom-guide.ts                   a new interview (answers from the terminal or piped in)
//   node custom-guide.ts --resume <id>     continue a stored interview, in this or any later process
//   node custom-guide.ts --list            stored interviews and where each one stands
//
// The guide below is data, validated with `parseGuide()` as if it came from a JSON file or an admin
// form. Each turn's state is saved to `.interviews/<id>.json` (see json-file-store.ts) before the next
// answer is read: stop the process at any point and `--resume` picks up at the last question.
// Type /skip to pass on a question, /pause to stop here and resume later, /stop to end the interview.
// End of piped input pauses too. Environment: as index.ts (OPENAI_API_KEY, OPENAI_BASE_URL,
// EXITBOT_MODEL, EXITBOT_LOCALE: en or de, the two languages this guide is written in).
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import {
  type ChatModel,
  createInterviewer,
  type EmployeeInput,
  ExitBotError,
  type Guide,
  generateReport,
  type InterviewState,
  interviewProgress,
  openaiModel,
  parseGuide,
  scriptedModel,
  type TurnResult,
} from '@exitbot/sdk';
import { createJsonFileStore } from './json-file-store.ts';

/** A shorter plan for warehouse and delivery staff, in English and German. */
const warehouseGuide: Guide = parseGuide({
  id: 'warehouse-exit',
  version: 1,
  budget: { maxTurns: 12, targetMinutes: 8 },
  introduction: {
    en: 'Thanks for taking a few minutes. Your answers help us make the warehouse a better place to work. You can skip any question.',
    de: 'Danke, dass Sie sich ein paar Minuten Zeit nehmen. Ihre Antworten helfen uns, das Lager zu einem besseren Arbeitsplatz zu machen. Sie können jede Frage überspringen.',
  },
  topics: [
    {
      id: 'reason-for-leaving',
      required: true,
      maxTurns: 3,
      title: { en: 'Reason for leaving', de: 'Gründe für den Weggang' },
      opening: { en: 'What made you decide to leave?', de: 'Was hat Sie dazu bewogen, zu gehen?' },
      probes: [
        {
          en: 'Was there one moment when you knew it was time to go?',
          de: 'Gab es einen Moment, in dem Sie wussten, dass es Zeit ist zu gehen?',
        },
        {
          en: 'What was the single most important reason?',
          de: 'Was war der wichtigste einzelne Grund?',
        },
      ],
    },
    {
      id: 'shifts-and-schedule',
      required: false,
      maxTurns: 2,
      title: { en: 'Shifts and schedule', de: 'Schichten und Dienstplan' },
      opening: {
        en: 'How did the shift pattern and the way rotas were planned work for you?',
        de: 'Wie sind Sie mit dem Schichtmodell und der Dienstplanung zurechtgekommen?',
      },
      probes: [
        {
          en: 'How much notice did you usually get of a change to your shifts?',
          de: 'Wie früh haben Sie in der Regel von Änderungen Ihrer Schichten erfahren?',
        },
        {
          en: 'What would a fair rota have looked like for you?',
          de: 'Wie hätte ein fairer Dienstplan für Sie ausgesehen?',
        },
      ],
    },
    {
      id: 'safety-and-equipment',
      required: true,
      maxTurns: 2,
      title: { en: 'Safety and equipment', de: 'Sicherheit und Ausrüstung' },
      opening: {
        en: 'How safe did you feel at work, and did you have the equipment you needed?',
        de: 'Wie sicher haben Sie sich bei der Arbeit gefühlt, und hatten Sie die Ausrüstung, die Sie brauchten?',
      },
      probes: [
        {
          en: 'Was there a situation where you felt unsafe? What happened?',
          de: 'Gab es eine Situation, in der Sie sich unsicher gefühlt haben? Was ist passiert?',
        },
        {
          en: 'When you raised a safety concern, what happened next?',
          de: 'Was ist passiert, nachdem Sie ein Sicherheitsproblem gemeldet hatten?',
        },
      ],
    },
    {
      id: 'team-lead',
      required: false,
      maxTurns: 2,
      title: { en: 'Your team lead', de: 'Ihre Teamleitung' },
      opening: {
        en: 'How would you describe the support you got from your team lead?',
        de: 'Wie würden Sie die Unterstützung durch Ihre Teamleitung beschreiben?',
      },
      probes: [
        {
          en: 'Can you give an example of something that helped, or did not?',
          de: 'Können Sie ein Beispiel nennen, was geholfen hat oder nicht?',
        },
        {
          en: 'What could your team lead have done differently?',
          de: 'Was hätte Ihre Teamleitung anders machen können?',
        },
      ],
    },
    {
      id: 'would-return',
      required: true,
      maxTurns: 2,
      title: { en: 'Coming back', de: 'Rückkehr' },
      opening: {
        en: 'Would you consider working here again one day, and why?',
        de: 'Könnten Sie sich vorstellen, eines Tages wieder hier zu arbeiten, und warum?',
      },
      probes: [
        {
          en: 'What would have to change for you to come back?',
          de: 'Was müsste sich ändern, damit Sie zurückkommen?',
        },
        {
          en: 'Would you recommend us to a friend looking for warehouse work?',
          de: 'Würden Sie uns einem Freund empfehlen, der Arbeit im Lager sucht?',
        },
      ],
    },
    {
      id: 'anything-else',
      required: false,
      maxTurns: 1,
      probeBriefAnswers: false,
      title: { en: 'Anything else', de: 'Sonstiges' },
      opening: {
        en: 'Is there anything else you would like us to know?',
        de: 'Gibt es noch etwas, das Sie uns mitteilen möchten?',
      },
      probes: [
        { en: 'Is there anything we should keep doing?', de: 'Gibt es etwas, das wir beibehalten sollten?' },
        { en: 'Anything we should stop doing?', de: 'Gibt es etwas, womit wir aufhören sollten?' },
      ],
    },
  ],
  closing: {
    en: 'Thank you. Your answers have been recorded. All the best for what comes next.',
    de: 'Vielen Dank. Ihre Antworten wurden gespeichert. Alles Gute für Ihren weiteren Weg.',
  },
});

const store = createJsonFileStore({ directory: join(import.meta.dirname, '.interviews') });
const output = process.stdout;

function chooseModel(): ChatModel {
  const apiKey = process.env.OPENAI_API_KEY;
  if (!apiKey) return scriptedModel();
  return openaiModel({
    apiKey,
    baseURL: process.env.OPENAI_BASE_URL || undefined,
    model: process.env.EXITBOT_MODEL || 'gpt-4o-mini',
  });
}

/** Prints one turn as it streams; the `question-end` text is authoritative. Saves the state before returning it. */
async function runTurn(turn: TurnResult): Promise<InterviewState> {
  let streamed = '';
  output.write('\nInterviewer: ');
  for await (const event of turn.events) {
    if (event.type === 'question-delta') {
      streamed += event.delta;
      output.write(event.delta);
    } else if (event.type === 'question-end') {
      if (event.text !== streamed) output.write(`${streamed ? '\n' : ''}${event.text}`);
      output.write('\n');
    }
  }
  const state = await turn.state;
  await store.save(state);
  return state;
}

function describe(state: InterviewState): string {
  const progress = interviewProgress(state);
  return `${state.id}  ${state.status.padEnd(9)}  ${progress.covered}/${progress.total} topics  ${state.turns} answers  updated ${state.updatedAt}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { resume: { type: 'string' }, list: { type: 'boolean' } } });
  if (values.list) {
    for (const id of await store.list()) {
      const state = await store.load(id);
      if (state) console.log(describe(state));
    }
    return;
  }

  const model = chooseModel();
  const interviewer = createInterviewer({ guide: warehouseGuide, model });
  let state: InterviewState;
  if (values.resume) {
    const stored = await store.load(values.resume);
    if (!stored) throw new Error(`no stored interview ${values.resume} (see --list)`);
    if (stored.guideId !== warehouseGuide.id)
      throw new Error(`interview ${stored.id} uses guide ${stored.guideId}`);
    state = stored;
    const last = state.transcript.findLast((message) => message.role === 'interviewer');
    console.log(`Resuming ${state.id} (${interviewProgress(state).covered} topics done).`);
    if (last) output.write(`\nInterviewer: ${last.text}\n`);
  } else {
    const locale = process.env.EXITBOT_LOCALE === 'de' ? 'de' : 'en';
    state = interviewer.createState({ id: crypto.randomUUID(), locale, mode: 'confidential' });
    console.log(
      `New interview ${state.id} (${warehouseGuide.id}, ${locale}); saved in .interviews/ after every turn.`,
    );
    console.log(
      'Type your answers. /skip passes, /pause stops here (resume later), /stop ends the interview.',
    );
    state = await runTurn(interviewer.start(state));
  }

  const reader = createInterface({ input: process.stdin, terminal: output.isTTY === true });
  const lines = reader[Symbol.asyncIterator]();
  while (state.status === 'active') {
    if (output.isTTY) output.write('> ');
    const line = await lines.next();
    const text = line.done ? '/pause' : line.value.trim();
    if (text === '') continue;
    if (!output.isTTY && !line.done) output.write(`> ${text}\n`);
    if (text === '/pause') {
      console.log(`\nPaused. Continue with: node custom-guide.ts --resume ${state.id}`);
      reader.close();
      return;
    }
    const input: EmployeeInput =
      text === '/stop'
        ? { type: 'finish' }
        : text === '/skip'
          ? { type: 'decline' }
          : { type: 'answer', text };
    state = await runTurn(interviewer.respond(state, input));
  }
  reader.close();

  const report = await generateReport({ state, guide: warehouseGuide, model });
  console.log(
    `\n=== Report (${report.source}) for ${state.id}: ${state.endReason}, ${state.turns} answers ===`,
  );
  console.log(report.summary);
  console.log(
    `Primary reason: ${report.reasons.primary.reason} (confidence ${report.reasons.primary.confidence.toFixed(2)})`,
  );
  for (const topic of report.topicSentiment)
    console.log(`  ${topic.topicId}: ${topic.label} (${topic.score.toFixed(2)})`);
  console.log(`Would return: ${report.wouldReturn}`);
}

main().catch((error: unknown) => {
  console.error(ExitBotError.isInstance(error) ? `${error.code}: ${error.message}` : String(error));
  process.exit(1);
});
