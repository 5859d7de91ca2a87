import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlmCache } from '../cache/llm-cache.ts';
import { ModelCallError } from '../errors/exitbot-error.ts';
import { chatCompletions, completionResponse, fakeBaseURL } from '../model/openai-api-fake.ts';
import { openaiModel } from '../model/openai-model.ts';
import { resetCircuitBreakers } from '../model/resilience.ts';
import { scriptedModel } from '../model/scripted-model.ts';
import { MockModel, type MockModelCall } from '../test/mock-model.ts';
import {
  englishInterview,
  frenchInterview,
  germanInterview,
  interviewState,
  spanishInterview,
} from './__fixtures__/states.ts';
import { offlineReport } from './offline-report.ts';
import { generateReport, reportContentJsonSchema } from './report.ts';
import { interviewReportSchema, type ReportContent } from './report-schema.ts';

const fixedNow = () => new Date('2026-02-01T10:00:00.000Z');

/** Everything personal in `englishInterview` (metadata and what the employee typed). */
const englishSecrets = [
  'Jane',
  'JANE',
  'Doe',
  'DOE',
  'Bob',
  'bob',
  'Smith',
  'Acme',
  'jane.doe@example.com',
  '7946',
  '0958',
];

function employeeTexts(state: typeof englishInterview): string[] {
  return state.transcript.filter((message) => message.role === 'employee').map((message) => message.text);
}

/** A schema-valid report as a model would write it for `englishInterview`, quoting its redacted transcript. */
function modelReport(call: MockModelCall): ReportContent {
  const transcript = call.messages.map((message) => message.content).join('\n');
  const askedQuote = /I asked \[NAME_\d+\] twice for a raise/.exec(transcript)?.[0] ?? 'not in transcript';
  const manager = /\[NAME_\d+\](?= twice)/.exec(transcript)?.[0] ?? '[NAME_9]';
  return {
    summary: `Left mainly over pay; ${manager} did not act on two raise requests.`,
    reasons: {
      primary: {
        reason: 'compensation',
        confidence: 0.88,
        evidence: ['I was paid far below market for three years', askedQuote, 'They paid me nothing at all'],
      },
      secondary: [
        { reason: 'career-growth', confidence: 0.55, evidence: ['passed over for promotion twice'] },
      ],
    },
    topicSentiment: [
      { topicId: 'reason-for-leaving', score: -0.6, label: 'negative' },
      { topicId: 'culture-and-team', score: 0.8, label: 'positive' },
      { topicId: 'made-up-topic', score: 0.1, label: 'neutral' },
    ],
    keyQuotes: [
      { text: 'I loved my team.', topicId: 'wrong-topic', sentiment: 'positive' },
      { text: 'Everyone here is incompetent.', topicId: 'culture-and-team', sentiment: 'negative' },
    ],
    regrettableLoss: {
      likely: true,
      signals: ['Would come back for the team', `Strong performer per ${manager}`],
    },
    wouldReturn: 'maybe',
    wouldRecommend: 'yes',
    suggestedActions: ['Review pay bands for this role.'],
  };
}

describe('offlineReport', () => {
  it('should produce a schema-valid report in the interview language with no model', () => {
    const cases = [
      [englishInterview, /main reason for leaving was compensation/],
      [germanInterview, /Hauptgrund für den Weggang: Arbeitsbelastung und Burnout/],
      [frenchInterview, /Raison principale du départ : manager/],
      [spanishInterview, /motivo principal de la salida: (motivos personales|traslado)/],
    ] as const;
    for (const [state, summary] of cases) {
      const report = offlineReport({ state, now: fixedNow });
      expect(interviewReportSchema.parse(report)).toEqual(report);
      expect(report.summary).toMatch(summary);
      expect(report).toMatchObject({
        interviewId: state.id,
        locale: state.locale,
        source: 'offline',
        model: null,
        degraded: false,
        generatedAt: '2026-02-01T10:00:00.000Z',
      });
      expect(report.suggestedActions.length).toBeGreaterThan(0);
      const answers = employeeTexts(state);
      for (const quote of report.keyQuotes)
        expect(answers.some((answer) => answer.includes(quote.text))).toBe(true);
    }
  });

  it('should read would-return and would-recommend from the answers to that topic', () => {
    expect(offlineReport({ state: englishInterview })).toMatchObject({
      wouldReturn: 'maybe',
      wouldRecommend: 'yes',
    });
    expect(offlineReport({ state: germanInterview })).toMatchObject({
      wouldReturn: 'no',
      wouldRecommend: 'unknown',
    });
    expect(offlineReport({ state: frenchInterview })).toMatchObject({ wouldReturn: 'maybe' });
    expect(offlineReport({ state: spanishInterview })).toMatchObject({ wouldRecommend: 'yes' });
    const never = interviewState({
      id: 'never',
      locale: 'en',
      exchanges: [
        ['return-or-recommend', 'Would you consider working here again?', 'I would never come back here.'],
      ],
    });
    expect(offlineReport({ state: never }).wouldReturn).toBe('no');
  });

  it('should flag a regrettable loss for an avoidable reason with goodwill, not for one who would not return', () => {
    const english = offlineReport({ state: englishInterview });
    expect(english.regrettableLoss.likely).toBe(true);
    expect(english.regrettableLoss.signals.join(' ')).toMatch(/compensation/);
    expect(english.suggestedActions.at(-1)).toMatch(/Keep in touch/);
    expect(offlineReport({ state: germanInterview }).regrettableLoss.likely).toBe(false);
  });

  it('should score each answered topic and pick quotes by sentiment strength', () => {
    const report = offlineReport({ state: englishInterview });
    const byTopic = Object.fromEntries(report.topicSentiment.map((topic) => [topic.topicId, topic]));
    expect(byTopic['growth-and-career']?.label).toBe('negative');
    expect(byTopic['culture-and-team']?.label).toBe('positive');
    expect(byTopic['anything-else']).toBeUndefined();
    expect(report.keyQuotes.length).toBeGreaterThanOrEqual(3);
    expect(report.keyQuotes.map((quote) => quote.text)).toContain(
      'I was passed over for promotion twice, which felt really unfair.',
    );
  });

  it('should say so when no reason came up', () => {
    const state = interviewState({
      id: 'short',
      locale: 'de',
      exchanges: [['reason-for-leaving', 'Was hat zu Ihrer Entscheidung geführt?', null]],
    });
    const report = offlineReport({ state });
    expect(report.summary).toBe('In den Antworten wurde kein klarer Grund für den Weggang genannt.');
    expect(report.reasons.primary.reason).toBe('other');
  });
});

describe('generateReport', () => {
  it('should return the offline report without a model or with the scripted one', async () => {
    const expected = offlineReport({ state: frenchInterview, now: fixedNow });
    expect(await generateReport({ state: frenchInterview, now: fixedNow })).toEqual(expected);
    expect(await generateReport({ state: frenchInterview, model: scriptedModel(), now: fixedNow })).toEqual(
      expected,
    );
  });

  it('should send the model no personal data and restore it in the report', async () => {
    const model = new MockModel({ provider: 'openai', modelId: 'gpt-test', object: modelReport });
    const report = await generateReport({ state: englishInterview, model, now: fixedNow });
    expect(model.calls).toHaveLength(1);
    const sent = JSON.stringify(model.calls[0]?.messages);
    for (const secret of englishSecrets) expect(sent).not.toContain(secret);
    expect(sent).toContain('[EMAIL_1]');
    expect(sent).toContain('[PHONE_1]');

    expect(interviewReportSchema.parse(report)).toEqual(report);
    expect(report.source).toBe('llm');
    expect(report.degraded).toBe(false);
    expect(report.model).toEqual({ provider: 'openai', modelId: 'gpt-test', promptVersion: 'report-v1' });
    expect(report.summary).toBe('Left mainly over pay; Bob Smith did not act on two raise requests.');
    expect(report.regrettableLoss.signals[1]).toBe('Strong performer per Bob Smith');
  });

  it('should drop quotes and topics the model invented and re-attach quotes to their real topic', async () => {
    const model = new MockModel({ object: modelReport });
    const report = await generateReport({ state: englishInterview, model });
    expect(report.reasons.primary.evidence).toEqual([
      'I was paid far below market for three years',
      'I asked Bob Smith twice for a raise',
    ]);
    expect(report.keyQuotes).toEqual([
      { text: 'I loved my team.', topicId: 'culture-and-team', sentiment: 'positive' },
    ]);
    expect(report.topicSentiment.map((topic) => topic.topicId)).toEqual([
      'reason-for-leaving',
      'culture-and-team',
    ]);
  });

  it('should ask for the report with a strict JSON schema', async () => {
    const model = new MockModel({ object: modelReport });
    await generateReport({ state: englishInterview, model });
    expect(model.calls[0]?.schemaName).toBe('exit_interview_report');
    expect(model.calls[0]?.schema).toEqual(reportContentJsonSchema());
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) {
        for (const item of node) visit(item);
        return;
      }
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (record.type === 'object') {
        expect(record.additionalProperties).toBe(false);
        expect([...(record.required as string[])].sort()).toEqual(
          Object.keys(record.properties as object).sort(),
        );
      }
      for (const value of Object.values(record)) visit(value);
    };
    visit(reportContentJsonSchema());
    const text = JSON.stringify(reportContentJsonSchema());
    expect(reportContentJsonSchema()).not.toHaveProperty('$schema');
    // Bounds stay in validation only: not every OpenAI-compatible server accepts them in strict mode.
    expect(text).not.toMatch(/"(minimum|maximum|minLength|maxItems)"/);
    expect(text).toContain('"enum":["compensation","career-growth"');
  });

  it('should repair malformed JSON with one more call', async () => {
    const model = new MockModel({
      object: modelReport,
      outcomes: [{ type: 'chunks', chunks: ['{"summary": "Left over pay", "reasons": {'] }],
    });
    const report = await generateReport({ state: englishInterview, model });
    expect(model.calls).toHaveLength(2);
    expect(model.calls[1]?.messages.at(-1)?.content).toMatch(/could not be used: .*malformed JSON/);
    expect(report.source).toBe('llm');
  });

  it('should repair off-schema output with the validation errors, then use it', async () => {
    const model = new MockModel({
      object: modelReport,
      outcomes: [{ type: 'object', object: { summary: 'Pay.', wouldReturn: 'perhaps' } }],
    });
    const report = await generateReport({ state: englishInterview, model });
    expect(model.calls).toHaveLength(2);
    const repair = model.calls[1]?.messages ?? [];
    expect(repair.at(-2)).toEqual({
      role: 'assistant',
      content: '{"summary":"Pay.","wouldReturn":"perhaps"}',
    });
    expect(repair.at(-1)?.content).toMatch(/wouldReturn/);
    expect(repair.at(-1)?.content).toMatch(/reasons/);
    expect(report.source).toBe('llm');
  });

  it('should fall back to the offline report, marked degraded, after off-schema output twice', async () => {
    const model = new MockModel({ object: { summary: 42 } });
    const report = await generateReport({ state: englishInterview, model, now: fixedNow });
    expect(model.calls).toHaveLength(2);
    expect(report).toEqual({ ...offlineReport({ state: englishInterview, now: fixedNow }), degraded: true });
  });

  it('should fall back without a repair call when the model call itself fails', async () => {
    const model = new MockModel({
      error: new ModelCallError({ message: 'boom', statusCode: 500, isRetryable: true }),
    });
    const report = await generateReport({ state: germanInterview, model });
    expect(model.calls).toHaveLength(1);
    expect(report).toMatchObject({ source: 'offline', degraded: true, locale: 'de' });
  });

  it('should reject when the caller aborts', async () => {
    const model = new MockModel({ outcomes: [{ type: 'hang' }] });
    const controller = new AbortController();
    const pending = generateReport({ state: englishInterview, model, signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
    expect(model.calls[0]?.signal?.aborted).toBe(true);
  });

  it('should make no second model call for an unchanged transcript when cached', async () => {
    const cache = createLlmCache({ maxSize: 10, maxAgeMs: 60_000 });
    const model = new MockModel({ object: modelReport });
    const first = await generateReport({
      state: englishInterview,
      model,
      cache,
      tenantId: 't1',
      now: fixedNow,
    });
    const second = await generateReport({
      state: englishInterview,
      model,
      cache,
      tenantId: 't1',
      now: fixedNow,
    });
    expect(model.calls).toHaveLength(1);
    expect(second).toEqual(first);
    expect(cache.stats()).toMatchObject({ hits: 1, size: 1 });

    await generateReport({ state: englishInterview, model, cache, tenantId: 't2' });
    expect(model.calls).toHaveLength(2);
    const changed = interviewState({
      id: 'int-en',
      locale: 'en',
      people: englishInterview.people,
      exchanges: [['reason-for-leaving', 'What led to your decision?', 'The pay, mostly.']],
    });
    await generateReport({ state: changed, model, cache, tenantId: 't1' });
    expect(model.calls).toHaveLength(3);
  });

  it('should not cache a failed report', async () => {
    const cache = createLlmCache();
    const model = new MockModel({
      outcomes: [
        { type: 'error', error: new ModelCallError({ message: 'boom', statusCode: 503, isRetryable: true }) },
      ],
      object: modelReport,
    });
    expect((await generateReport({ state: englishInterview, model, cache })).source).toBe('offline');
    expect((await generateReport({ state: englishInterview, model, cache })).source).toBe('llm');
    expect(model.calls).toHaveLength(2);
  });
});

describe('generateReport over the OpenAI HTTP API', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  beforeEach(() => resetCircuitBreakers());
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const model = () => openaiModel({ apiKey: 'sk-test', model: 'gpt-test', baseURL: fakeBaseURL });

  it('should leak no personal data into the request bodies and repair malformed JSON with one request', async () => {
    const valid = (request: Request) =>
      request.json().then((body: { messages: Array<{ content: string }> }) => {
        const content = modelReport({ messages: body.messages } as MockModelCall);
        return completionResponse(JSON.stringify(content));
      });
    const fake = chatCompletions([() => completionResponse('{"summary": "cut off'), valid]);
    server.use(fake.handler);

    const report = await generateReport({ state: englishInterview, model: model() });
    expect(fake.requests).toHaveLength(2);
    for (const request of fake.requests) {
      const body = JSON.stringify(request.body);
      for (const secret of englishSecrets) expect(body).not.toContain(secret);
    }
    const format = fake.requests[0]?.body.response_format as {
      type: string;
      json_schema: { strict: boolean };
    };
    expect(format.type).toBe('json_schema');
    expect(format.json_schema.strict).toBe(true);
    expect(report.source).toBe('llm');
    expect(report.summary).toContain('Bob Smith');
  });

  it('should fall back to the offline report after two off-schema answers, with two requests', async () => {
    const fake = chatCompletions([() => completionResponse(JSON.stringify({ summary: 'x', reasons: [] }))]);
    server.use(fake.handler);
    const report = await generateReport({ state: spanishInterview, model: model() });
    expect(fake.requests).toHaveLength(2);
    expect(report).toMatchObject({ source: 'offline', degraded: true, locale: 'es' });
  });
});
