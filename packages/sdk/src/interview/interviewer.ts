import { ExitBotError } from '../errors/exitbot-error.ts';
import { defaultGuide } from '../guide/default-guide.ts';
import { parseGuide } from '../guide/guide-schema.ts';
import { localize } from '../guide/localize.ts';
import { normalizeText } from '../guide/normalize-text.ts';
import type { Guide, GuideTopic } from '../guide/types.ts';
import type { ChatModel } from '../model/chat-model.ts';
import { scriptedModel } from '../model/scripted-model.ts';
import { createRedactor } from '../privacy/index.ts';
import { type InterviewEvent, type InterviewMode, type Locale, locales } from '../protocol/events.ts';
import { type AnswerAssessment, assessAnswer } from './answer-assessment.ts';
import { createEventChannel } from './event-channel.ts';
import { phraseQuestion } from './phrase-question.ts';
import { type AcknowledgementKind, acknowledgement } from './phrases.ts';
import { buildPhrasingMessages, type PhrasingStep } from './prompt.ts';
import type {
  EmployeeInput,
  InterviewEndReason,
  Interviewer,
  InterviewerOptions,
  InterviewState,
  TopicProgress,
  TopicStatus,
  TranscriptMessage,
  TurnResult,
} from './types.ts';

/** Longest answer the engine accepts, in characters (the HTTP API's limit too). */
export const maxAnswerLength = 4000;

const modes: readonly InterviewMode[] = ['identified', 'confidential', 'anonymous'];
const topicStatuses: readonly TopicStatus[] = ['pending', 'active', 'covered', 'declined', 'skipped'];

/** The next interviewer message, decided before any model is asked to phrase it. */
interface Step {
  kind: 'opening' | 'probe' | 'closing';
  topicId: string;
  phrasing: PhrasingStep;
  /** The scripted text: acknowledgement (or introduction) plus the guide's question or closing. */
  text: string;
  topicChange?: { from: string | null; to: string; index: number; total: number };
  endReason?: InterviewEndReason;
}

/** Parsed guides, by object, so that a guide shared by many interviewers is validated once. */
const parsedGuides = new WeakMap<Guide, Guide>();

function resolveGuide(guide: Guide | undefined): Guide {
  const given = guide ?? defaultGuide;
  let parsed = parsedGuides.get(given);
  if (!parsed) {
    parsed = parseGuide(given);
    parsedGuides.set(given, parsed);
  }
  return parsed;
}

function invalidState(message: string): ExitBotError {
  return new ExitBotError({ code: 'invalid-state', message: `invalid interview state: ${message}` });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A cheap structural check of state that came from storage: enough to fail clearly, not a full schema. */
function assertState(state: unknown, guide: Guide): asserts state is InterviewState {
  if (!isRecord(state)) throw invalidState('must be an object');
  if (state.version !== 1) throw invalidState(`unsupported version ${String(state.version)}`);
  if (typeof state.id !== 'string' || state.id === '') throw invalidState('id must be a non-empty string');
  if (state.guideId !== guide.id) {
    throw invalidState(
      `it belongs to guide "${String(state.guideId)}", this interviewer runs guide "${guide.id}"`,
    );
  }
  if (!locales.includes(state.locale as Locale)) throw invalidState(`unknown locale ${String(state.locale)}`);
  if (state.status !== 'active' && state.status !== 'completed')
    throw invalidState('status must be active or completed');
  if (!Array.isArray(state.transcript)) throw invalidState('transcript must be an array');
  if (!Number.isInteger(state.turns) || (state.turns as number) < 0)
    throw invalidState('turns must be a whole number');
  if (!isRecord(state.people)) throw invalidState('people must be an object');
  if (typeof state.startedAt !== 'string') throw invalidState('startedAt must be a string');
  const topics = state.topics;
  if (!isRecord(topics)) throw invalidState('topics must be an object');
  for (const topic of guide.topics) {
    const progress = topics[topic.id];
    if (
      !isRecord(progress) ||
      !topicStatuses.includes(progress.status as TopicStatus) ||
      !Number.isInteger(progress.turns) ||
      !Array.isArray(progress.probesAsked)
    ) {
      throw invalidState(`topics["${topic.id}"] is missing or malformed`);
    }
  }
  if (state.currentTopicId !== null && !guide.topics.some((topic) => topic.id === state.currentTopicId)) {
    throw invalidState(`currentTopicId "${String(state.currentTopicId)}" is not a topic of the guide`);
  }
}

function assertInput(input: unknown): asserts input is EmployeeInput {
  const fail = (message: string) => new ExitBotError({ code: 'invalid-argument', message });
  if (!isRecord(input)) throw fail('input must be an object');
  if (input.messageId !== undefined && (typeof input.messageId !== 'string' || input.messageId === '')) {
    throw fail('input.messageId must be a non-empty string');
  }
  if (input.type === 'answer') {
    if (typeof input.text !== 'string' || input.text.trim() === '')
      throw fail('input.text must be a non-empty string');
    if (input.text.length > maxAnswerLength)
      throw fail(`input.text must be at most ${maxAnswerLength} characters`);
  } else if (input.type !== 'decline' && input.type !== 'finish') {
    throw fail("input.type must be 'answer', 'decline' or 'finish'");
  }
}

/** The people's names, for the redactor. */
function peopleNames(state: InterviewState): string[] {
  const { employeeName, managerName, companyName } = state.people;
  return [employeeName, managerName, companyName].filter(
    (name): name is string => typeof name === 'string' && name.trim() !== '',
  );
}

/** Which pending topics to ask next, given the turns left; optional ones are skipped when required ones need the turns. */
function pickNextTopic(
  guide: Guide,
  topics: Record<string, TopicProgress>,
  remainingTurns: number,
  wrapUp: boolean,
): { index: number; skipped: string[] } {
  const skipped: string[] = [];
  const pending = guide.topics
    .map((topic, index) => ({ topic, index }))
    .filter(({ topic }) => topics[topic.id]?.status === 'pending');
  for (let position = 0; position < pending.length; position += 1) {
    const { topic, index } = pending[position]!;
    if (remainingTurns <= 0) break;
    if (topic.required) return { index, skipped };
    const requiredAfter = pending.slice(position + 1).filter((entry) => entry.topic.required).length;
    if (!wrapUp && remainingTurns - 1 >= requiredAfter) return { index, skipped };
    skipped.push(topic.id);
  }
  return { index: -1, skipped };
}

/**
 * Creates the interview engine for a guide and a model. The guide is validated here (throws
 * `ExitBotError` 'invalid-guide'). State is plain JSON and never mutated: every call returns a new one.
 *
 * Each turn runs as soon as `start()`/`respond()` is called. Its events are buffered: read them at
 * any pace, before or after `state` settles; stopping early (break) stops only the reader, the turn
 * still completes. `state` resolves when the turn is complete, whether or not the events were read,
 * and rejects only with `ExitBotError` 'aborted' when the caller's signal aborts the turn (then the
 * events end with that error and the input state stays valid: nothing of the turn is kept).
 * Invalid state or input throws synchronously ('invalid-state', 'invalid-argument').
 *
 * @example
 * const interviewer = createInterviewer({ model: scriptedModel() });
 * let state = interviewer.createState({ id: 'interview-1', locale: 'de' });
 * let turn = interviewer.start(state);
 * for await (const event of turn.events) if (event.type === 'question-delta') write(event.delta);
 * state = await turn.state;
 * turn = interviewer.respond(state, { type: 'answer', text: 'Mir fehlten Entwicklungsmöglichkeiten.' });
 */
export function createInterviewer(options: InterviewerOptions = {}): Interviewer {
  if (typeof options !== 'object' || options === null) {
    throw new ExitBotError({ code: 'invalid-argument', message: 'options must be an object' });
  }
  const guide = resolveGuide(options.guide);
  const model: ChatModel = options.model ?? scriptedModel();
  if (!model || typeof model.streamText !== 'function') {
    throw new ExitBotError({ code: 'invalid-argument', message: 'model must implement streamText()' });
  }
  const now = options.now ?? (() => new Date());
  const generateId = options.generateId ?? (() => crypto.randomUUID());
  if (typeof now !== 'function' || typeof generateId !== 'function') {
    throw new ExitBotError({ code: 'invalid-argument', message: 'now and generateId must be functions' });
  }
  const topicIndex = new Map(guide.topics.map((topic, index) => [topic.id, index]));
  const total = guide.topics.length;

  const topicAt = (index: number): GuideTopic => guide.topics[index]!;
  const topicById = (id: string): GuideTopic => topicAt(topicIndex.get(id)!);

  /** The opening of the next topic, or the closing when none is left. */
  function moveOn(
    state: InterviewState,
    topics: Record<string, TopicProgress>,
    turns: number,
    wrapUp: boolean,
    ack: string,
    fromTopicId: string | null,
    phrasing: PhrasingStep,
  ): Step {
    const locale = state.locale;
    const { index, skipped } = pickNextTopic(guide, topics, guide.budget.maxTurns - turns, wrapUp);
    for (const id of skipped) topics[id] = { ...topics[id]!, status: 'skipped' };
    const prefix = ack === '' ? '' : `${ack} `;
    if (index === -1) {
      let budgetCut = false;
      for (const topic of guide.topics) {
        const progress = topics[topic.id]!;
        if (progress.status === 'pending') topics[topic.id] = { ...progress, status: 'skipped' };
        if (topics[topic.id]!.status === 'skipped') budgetCut = true;
      }
      return {
        kind: 'closing',
        topicId: fromTopicId ?? topicAt(0).id,
        phrasing: 'closing',
        text: `${phrasing === 'after-decline' ? prefix : ''}${localize(guide.closing, locale)}`,
        endReason: budgetCut ? 'budget-reached' : 'completed',
      };
    }
    const topic = topicAt(index);
    topics[topic.id] = { ...topics[topic.id]!, status: 'active' };
    return {
      kind: 'opening',
      topicId: topic.id,
      phrasing,
      text: `${prefix}${localize(topic.opening, locale)}`,
      topicChange: { from: fromTopicId, to: topic.id, index, total },
    };
  }

  /** Decides the step after the employee's input; updates `topics` (a fresh copy) in place. */
  function decide(
    state: InterviewState,
    input: EmployeeInput,
    assessment: AnswerAssessment | undefined,
    topics: Record<string, TopicProgress>,
    turns: number,
  ): Step {
    const locale = state.locale;
    const currentId = state.currentTopicId!;
    const topic = topicById(currentId);
    const progress = topics[currentId]!;
    const ack = (kind: AcknowledgementKind) => acknowledgement(kind, locale, turns);

    if (input.type === 'finish') {
      topics[currentId] = { ...progress, status: progress.turns > 0 ? 'covered' : 'skipped' };
      for (const other of guide.topics) {
        if (topics[other.id]!.status === 'pending')
          topics[other.id] = { ...topics[other.id]!, status: 'skipped' };
      }
      return {
        kind: 'closing',
        topicId: currentId,
        phrasing: 'closing',
        text: localize(guide.closing, locale),
        endReason: 'finished-early',
      };
    }

    const wrapUp = (now().getTime() - Date.parse(state.startedAt)) / 60_000 >= guide.budget.targetMinutes;
    if (input.type === 'decline' || assessment?.kind === 'decline') {
      topics[currentId] = { ...progress, status: 'declined' };
      return moveOn(state, topics, turns, wrapUp, ack('decline'), currentId, 'after-decline');
    }

    const kind = assessment!.kind;
    const wantsProbe =
      kind === 'emotional' || ((kind === 'short' || kind === 'vague') && topic.probeBriefAnswers !== false);
    if (wantsProbe && progress.turns < topic.maxTurns && !wrapUp) {
      const remainingAfterProbe = guide.budget.maxTurns - turns - 1;
      let pendingTopics = 0;
      let pendingRequired = 0;
      for (const other of guide.topics) {
        if (topics[other.id]!.status !== 'pending') continue;
        pendingTopics += 1;
        if (other.required) pendingRequired += 1;
      }
      // A brief answer earns a probe only while every pending topic still fits; an emotional one
      // may take a turn from the optional topics, never from the required ones.
      const affordable = remainingAfterProbe >= (kind === 'emotional' ? pendingRequired : pendingTopics);
      const probeIndex = topic.probes.findIndex((_, index) => !progress.probesAsked.includes(index));
      if (affordable && probeIndex !== -1) {
        topics[currentId] = { ...progress, probesAsked: [...progress.probesAsked, probeIndex] };
        const prefix = kind === 'emotional' ? `${ack('open')} ` : '';
        return {
          kind: 'probe',
          topicId: currentId,
          phrasing: 'probe',
          text: `${prefix}${localize(topic.probes[probeIndex]!, locale)}`,
        };
      }
    }
    topics[currentId] = { ...progress, status: 'covered' };
    const thanks = kind === 'emotional' ? 'open' : kind === 'substantial' ? 'thanks' : 'brief-thanks';
    return moveOn(state, topics, turns, wrapUp, ack(thanks), currentId, 'next-topic');
  }

  /** Phrases the step with the model, streams its events, and builds the next state. */
  function runTurn(
    state: InterviewState,
    step: Step,
    base: Omit<InterviewState, 'transcript' | 'degradedTurns'>,
    transcript: TranscriptMessage[],
    signal: AbortSignal | undefined,
  ): TurnResult {
    const channel = createEventChannel<InterviewEvent>();
    const questionId = generateId();
    const redactor = createRedactor({ names: peopleNames(state) });
    const previousTexts = new Set<string>();
    for (const message of state.transcript) {
      if (message.role === 'interviewer') previousTexts.add(normalizeText(message.text));
    }

    const work = async (): Promise<InterviewState> => {
      if (step.topicChange) channel.push({ type: 'topic-change', ...step.topicChange });
      channel.push({ type: 'question-start', id: questionId, topicId: step.topicId, kind: step.kind });
      const messages = buildPhrasingMessages({
        locale: state.locale,
        step: step.phrasing,
        topicTitle: topicById(step.topicId).title.en,
        plannedText: step.text,
        transcript,
        redactor,
      });
      const { text, degraded } = await phraseQuestion({
        model,
        messages,
        fallbackText: step.text,
        previousTexts,
        restore: (value) => redactor.restore(value),
        emitDelta: (delta) => channel.push({ type: 'question-delta', id: questionId, delta }),
        signal,
      });
      const at = now().toISOString();
      const question: TranscriptMessage = {
        id: questionId,
        role: 'interviewer',
        text,
        topicId: step.topicId,
        kind: step.kind,
        at,
        ...(degraded ? { degraded: true } : {}),
      };
      channel.push({ type: 'question-end', id: questionId, topicId: step.topicId, text, degraded });
      if (step.endReason) channel.push({ type: 'interview-end', reason: step.endReason });
      return {
        ...base,
        transcript: [...transcript, question],
        degradedTurns: state.degradedTurns + (degraded ? 1 : 0),
        updatedAt: at,
      };
    };

    const next = work().then(
      (result) => {
        channel.close();
        return result;
      },
      (error: unknown) => {
        const failure = ExitBotError.isInstance(error)
          ? error
          : new ExitBotError({
              code: 'invalid-state',
              message: 'the turn failed unexpectedly',
              cause: error,
            });
        channel.close(failure);
        throw failure;
      },
    );
    // A caller that only reads the events and sees the error there must not also get an unhandled rejection.
    next.catch(() => undefined);
    return { events: channel.iterable, state: next };
  }

  return {
    createState(stateOptions) {
      if (!isRecord(stateOptions) || typeof stateOptions.id !== 'string' || stateOptions.id.trim() === '') {
        throw new ExitBotError({
          code: 'invalid-argument',
          message: 'createState: id must be a non-empty string',
        });
      }
      const locale = stateOptions.locale ?? 'en';
      const mode = stateOptions.mode ?? 'confidential';
      if (!locales.includes(locale)) {
        throw new ExitBotError({
          code: 'invalid-argument',
          message: `createState: unknown locale "${String(locale)}"`,
        });
      }
      if (!modes.includes(mode)) {
        throw new ExitBotError({
          code: 'invalid-argument',
          message: `createState: unknown mode "${String(mode)}"`,
        });
      }
      const at = now().toISOString();
      const topics: Record<string, TopicProgress> = {};
      for (const topic of guide.topics) topics[topic.id] = { status: 'pending', turns: 0, probesAsked: [] };
      return {
        version: 1,
        id: stateOptions.id,
        locale,
        mode,
        guideId: guide.id,
        status: 'active',
        currentTopicId: null,
        topics,
        turns: 0,
        transcript: [],
        people: { ...stateOptions.people },
        startedAt: at,
        updatedAt: at,
        degradedTurns: 0,
      };
    },

    start(state, callOptions = {}) {
      assertState(state, guide);
      if (state.status !== 'active' || state.transcript.length > 0 || state.currentTopicId !== null) {
        throw invalidState('the interview has already started');
      }
      const topics = { ...state.topics };
      const first = moveOn(state, topics, 0, false, '', null, 'first-question');
      if (first.kind === 'opening' && guide.introduction) {
        first.text = `${localize(guide.introduction, state.locale)} ${first.text}`;
      }
      const startedAt = now().toISOString();
      const base = {
        ...state,
        startedAt,
        topics,
        currentTopicId: first.kind === 'closing' ? null : first.topicId,
        ...(first.endReason ? { status: 'completed' as const, endReason: first.endReason } : {}),
      };
      return runTurn(state, first, base, state.transcript, callOptions.signal);
    },

    respond(state, input, callOptions = {}) {
      assertState(state, guide);
      assertInput(input);
      if (state.status === 'completed')
        throw invalidState('the interview is completed and takes no more answers');
      if (state.currentTopicId === null)
        throw invalidState('the interview has not started: call start() first');

      const topics = { ...state.topics };
      let turns = state.turns;
      let assessment: AnswerAssessment | undefined;
      let transcript = state.transcript;
      if (input.type !== 'finish') {
        const currentId = state.currentTopicId;
        const text = input.type === 'answer' ? input.text.trim() : '';
        assessment = input.type === 'answer' ? assessAnswer(text, { locale: state.locale }) : undefined;
        const declined = input.type === 'decline' || assessment?.kind === 'decline';
        const answer: TranscriptMessage = {
          id: input.messageId ?? generateId(),
          role: 'employee',
          text,
          topicId: currentId,
          kind: declined ? 'decline' : 'answer',
          at: now().toISOString(),
          ...(assessment
            ? { sentiment: { score: assessment.sentiment.score, label: assessment.sentiment.label } }
            : {}),
        };
        transcript = [...state.transcript, answer];
        turns += 1;
        const progress = topics[currentId]!;
        topics[currentId] = { ...progress, turns: progress.turns + 1 };
      }

      const step = decide(state, input, assessment, topics, turns);
      const base = {
        ...state,
        topics,
        turns,
        currentTopicId: step.kind === 'closing' ? null : step.topicId,
        ...(step.endReason ? { status: 'completed' as const, endReason: step.endReason } : {}),
      };
      return runTurn(state, step, base, transcript, callOptions.signal);
    },
  };
}

/** How far an interview has come: topics done (covered, declined or skipped) of the guide's total. */
export function interviewProgress(state: InterviewState): {
  covered: number;
  total: number;
  currentTopicId: string | null;
} {
  const entries = Object.values(state.topics);
  const covered = entries.filter((topic) => topic.status !== 'pending' && topic.status !== 'active').length;
  return { covered, total: entries.length, currentTopicId: state.currentTopicId };
}
