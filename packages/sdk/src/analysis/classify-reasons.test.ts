import { describe, expect, it } from 'vitest';
import { ModelCallError } from '../errors/exitbot-error.ts';
import { scriptedModel } from '../model/scripted-model.ts';
import { MockModel, type MockModelCall } from '../test/mock-model.ts';
import {
  englishInterview,
  frenchInterview,
  germanInterview,
  interviewState,
  spanishInterview,
} from './__fixtures__/states.ts';
import { classifyReasons, classifyReasonsOffline } from './classify-reasons.ts';
import { reasonIds, reasonTaxonomy } from './reason-taxonomy.ts';

const answersOf = (state: typeof englishInterview) =>
  state.transcript.filter((message) => message.role === 'employee').map((message) => message.text);

function expectVerbatim(evidence: string[], state: typeof englishInterview) {
  const answers = answersOf(state);
  for (const quote of evidence)
    expect(
      answers.some((answer) => answer.includes(quote)),
      quote,
    ).toBe(true);
}

describe('reasonTaxonomy', () => {
  it('should define every reason with labels in four languages, a description, keywords and an action', () => {
    expect(reasonTaxonomy.map((reason) => reason.id)).toEqual([...reasonIds]);
    for (const reason of reasonTaxonomy) {
      for (const locale of ['en', 'de', 'fr', 'es'] as const) {
        expect(reason.label[locale].length).toBeGreaterThan(2);
        expect(reason.action[locale].length).toBeGreaterThan(20);
        if (reason.id !== 'other') expect(reason.keywords[locale].length).toBeGreaterThan(2);
      }
      expect(reason.description.length).toBeGreaterThan(20);
    }
  });
});

describe('classifyReasonsOffline', () => {
  it('should find pay as the main reason in the English interview, with career and the offer behind it', () => {
    const result = classifyReasonsOffline({ state: englishInterview });
    expect(result.source).toBe('offline');
    expect(result.primary.reason).toBe('compensation');
    expect(result.primary.confidence).toBeGreaterThan(0.3);
    const secondary = result.secondary.map((finding) => finding.reason);
    expect(secondary).toContain('career-growth');
    expect(secondary).toContain('better-offer');
    expect(secondary).not.toContain('culture');
    expectVerbatim(result.primary.evidence, englishInterview);
    expect(result.primary.evidence.join(' ')).toMatch(/below market|salary|pay/);
  });

  it('should find workload and burnout in the German interview', () => {
    const result = classifyReasonsOffline({ state: germanInterview });
    expect(result.primary.reason).toBe('workload-burnout');
    expect(result.secondary.map((finding) => finding.reason)).not.toContain('culture');
    expectVerbatim(result.primary.evidence, germanInterview);
    expect(result.primary.evidence.some((quote) => quote.includes('erschöpft'))).toBe(true);
  });

  it('should find the manager, then recognition, in the French interview', () => {
    const result = classifyReasonsOffline({ state: frenchInterview });
    expect(result.primary.reason).toBe('manager');
    expect(result.secondary.map((finding) => finding.reason)).toContain('recognition');
    expectVerbatim(result.primary.evidence, frenchInterview);
    for (const finding of result.secondary) expectVerbatim(finding.evidence, frenchInterview);
  });

  it('should find family and the move in the Spanish interview, not the manager they praised', () => {
    const result = classifyReasonsOffline({ state: spanishInterview });
    const found = [result.primary, ...result.secondary].map((finding) => finding.reason);
    expect(['personal-family', 'relocation']).toContain(result.primary.reason);
    expect(found).toContain('personal-family');
    expect(found).toContain('relocation');
    expect(found).not.toContain('manager');
    expectVerbatim(result.primary.evidence, spanishInterview);
  });

  it('should not count praise as a reason to leave', () => {
    const state = interviewState({
      id: 'praise',
      locale: 'en',
      exchanges: [
        [
          'reason-for-leaving',
          'What led to your decision?',
          "My manager was great. I'm moving to Canada with my family.",
        ],
        ['pay-and-benefits', 'How about pay?', 'The salary was very generous and fair.'],
      ],
    });
    const result = classifyReasonsOffline({ state });
    const found = [result.primary, ...result.secondary].map((finding) => finding.reason);
    expect(['relocation', 'personal-family']).toContain(result.primary.reason);
    expect(found).not.toContain('manager');
    expect(found).not.toContain('compensation');
  });

  it('should answer "other" with low confidence when nothing points anywhere', () => {
    const state = interviewState({
      id: 'nothing',
      locale: 'en',
      exchanges: [
        ['reason-for-leaving', 'What led to your decision?', 'It was simply time for a change.'],
        ['anything-else', 'Anything else?', null],
      ],
    });
    const result = classifyReasonsOffline({ state });
    expect(result.primary).toEqual({
      reason: 'other',
      confidence: 0.2,
      evidence: ['It was simply time for a change.'],
    });
    expect(result.secondary).toEqual([]);
  });
});

describe('classifyReasons', () => {
  it('should run offline, with no model call, for the scripted model', async () => {
    const result = await classifyReasons({ state: germanInterview, model: scriptedModel() });
    expect(result).toEqual(classifyReasonsOffline({ state: germanInterview }));
  });

  it('should use the model, keep only quotes that are in the transcript and restore placeholders', async () => {
    const model = new MockModel({
      object: (call: MockModelCall) => {
        // Quote the redacted transcript the way a model would, placeholder included.
        const transcript = call.messages.at(-1)?.content ?? '';
        const askedQuote = /I asked \[NAME_\d+\] twice for a raise/.exec(transcript)?.[0] ?? 'missing';
        return {
          primary: {
            reason: 'compensation',
            confidence: 0.9,
            evidence: ['I was paid far below market for three years', askedQuote, 'I hate it here'],
          },
          secondary: [
            { reason: 'career-growth', confidence: 0.6, evidence: ['passed over for promotion twice'] },
          ],
        };
      },
    });
    const result = await classifyReasons({ state: englishInterview, model });
    expect(result.source).toBe('llm');
    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]?.schemaName).toBe('exit_reasons');
    expect(result.primary.reason).toBe('compensation');
    expect(result.primary.confidence).toBe(0.9);
    // The invented quote is gone; the placeholder quote came back as the employee's own words.
    expect(result.primary.evidence).toEqual([
      'I was paid far below market for three years',
      'I asked Bob Smith twice for a raise',
    ]);
    expect(result.secondary).toEqual([
      { reason: 'career-growth', confidence: 0.6, evidence: ['passed over for promotion twice'] },
    ]);
    const sent = JSON.stringify(model.calls[0]?.messages);
    expect(sent).not.toContain('Bob');
    expect(sent).not.toContain('jane.doe@example.com');
  });

  it('should fall back to the offline classifier when the model fails', async () => {
    const model = new MockModel({
      error: new ModelCallError({ message: 'down', statusCode: 503, isRetryable: true }),
    });
    const result = await classifyReasons({ state: frenchInterview, model });
    expect(result).toEqual(classifyReasonsOffline({ state: frenchInterview }));
    expect(model.calls).toHaveLength(1);
  });

  it('should repair off-schema output once, then fall back', async () => {
    const model = new MockModel({
      object: { primary: { reason: 'money', confidence: 2, evidence: [] }, secondary: [] },
    });
    const result = await classifyReasons({ state: englishInterview, model });
    expect(model.calls).toHaveLength(2);
    expect(model.calls[1]?.messages.at(-1)?.content).toContain('primary.reason');
    expect(result.source).toBe('offline');
  });
});
