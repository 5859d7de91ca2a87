// An exit interview in the terminal, on the public API of @exitbot/sdk.
//
//   node index.ts                          scripted interviewer: no key, no network
//   OPENAI_API_KEY=sk-... node index.ts    an LLM phrases the questions and writes the report
//
// Environment: OPENAI_API_KEY, OPENAI_BASE_URL (any OpenAI-compatible endpoint: Azure, Ollama,
// vLLM, Groq), EXITBOT_MODEL (default gpt-4o-mini), EXITBOT_LOCALE (en, de, fr or es; default en).
// Type /skip to pass on a question and /stop to end the interview early.
import { createInterface } from 'node:readline';
import {
  type ChatModel,
  createInterviewer,
  defaultGuide,
  type EmployeeInput,
  generateReport,
  type InterviewReport,
  type InterviewState,
  type Locale,
  locales,
  openaiModel,
  scriptedModel,
  type TurnResult,
} from '@exitbot/sdk';

const output = process.stdout;

function chooseLocale(): Locale {
  const wanted = (process.env.EXITBOT_LOCALE ?? 'en').toLowerCase();
  if ((locales as readonly string[]).includes(wanted)) return wanted as Locale;
  console.error(`EXITBOT_LOCALE must be one of ${locales.join(', ')}; got "${wanted}".`);
  process.exit(2);
}

function chooseModel(): ChatModel {
  const apiKey = process.env.OPENAI_API_KEY;
  if (!apiKey) return scriptedModel();
  return openaiModel({
    apiKey,
    baseURL: process.env.OPENAI_BASE_URL || undefined,
    model: process.env.EXITBOT_MODEL || 'gpt-4o-mini',
  });
}

/** Prints one turn as it streams; the final `question-end` text wins over what was streamed. */
async function show(turn: TurnResult): Promise<InterviewState> {
  let streamed = '';
  output.write('\nInterviewer: ');
  for await (const event of turn.events) {
    if (event.type === 'question-delta') {
      streamed += event.delta;
      output.write(event.delta);
    } else if (event.type === 'question-end') {
      if (event.text !== streamed) {
        // The model failed part-way: the scripted question replaces what was shown.
        output.write(
          `${streamed ? '\n(connection trouble, here is the question again)\n' : ''}${event.text}`,
        );
      }
      output.write('\n');
    }
  }
  return turn.state;
}

function printReport(report: InterviewReport): void {
  const lines = [
    '',
    `=== Report (${report.source}${report.degraded ? ', model unavailable' : ''}) ===`,
    report.summary,
    '',
    `Primary reason: ${report.reasons.primary.reason} (confidence ${report.reasons.primary.confidence.toFixed(2)})`,
    ...report.reasons.secondary.map(
      (finding) => `Also: ${finding.reason} (${finding.confidence.toFixed(2)})`,
    ),
    '',
    'Sentiment by topic:',
    ...report.topicSentiment.map((topic) => `  ${topic.topicId}: ${topic.label} (${topic.score.toFixed(2)})`),
    '',
    'Key quotes:',
    ...report.keyQuotes.map((quote) => `  "${quote.text}" [${quote.topicId}, ${quote.sentiment}]`),
    '',
    `Regrettable loss: ${report.regrettableLoss.likely ? 'likely' : 'not indicated'}${
      report.regrettableLoss.signals.length ? ` (${report.regrettableLoss.signals.join('; ')})` : ''
    }`,
    `Would return: ${report.wouldReturn}; would recommend: ${report.wouldRecommend}`,
    '',
    'Suggested actions:',
    ...report.suggestedActions.map((action) => `  - ${action}`),
  ];
  output.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const locale = chooseLocale();
  const model = chooseModel();
  const interviewer = createInterviewer({ guide: defaultGuide, model });
  console.log(
    `ExitBot terminal interview (${model.provider === 'scripted' ? 'scripted, no API key' : `${model.provider} ${model.modelId}`}, ${locale}).`,
  );
  console.log('Type your answers. /skip passes on a question, /stop ends the interview.');

  // Reading lines through the async iterator keeps lines that arrive early (piped input) in order.
  const reader = createInterface({ input: process.stdin, terminal: output.isTTY === true });
  const lines = reader[Symbol.asyncIterator]();
  let controller = new AbortController();
  process.on('SIGINT', () => {
    controller.abort();
    process.exit(130);
  });

  let state = interviewer.createState({ id: crypto.randomUUID(), locale });
  state = await show(interviewer.start(state, { signal: controller.signal }));
  while (state.status === 'active') {
    if (output.isTTY) output.write('> ');
    const line = await lines.next();
    let input: EmployeeInput;
    if (line.done) {
      input = { type: 'finish' };
    } else {
      const text = line.value.trim();
      if (text === '') continue;
      if (!output.isTTY) output.write(`> ${text}\n`);
      if (text === '/stop') input = { type: 'finish' };
      else if (text === '/skip') input = { type: 'decline' };
      else input = { type: 'answer', text: text.slice(0, 4000) };
    }
    controller = new AbortController();
    state = await show(interviewer.respond(state, input, { signal: controller.signal }));
  }
  reader.close();

  console.log(`\n(interview ended: ${state.endReason}; ${state.turns} answers)`);
  printReport(await generateReport({ state, guide: defaultGuide, model }));
}

await main();
