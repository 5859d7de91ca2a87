import {
  type AnswerAcceptedEvent,
  analyzeSentiment,
  type EmployeeInput,
  type InterviewState,
  type Locale,
  type WireEvent,
} from '@exitbot/sdk';
import type { InterviewCredential } from '../auth/token.service.ts';
import type { Encryption } from '../crypto/encryption.ts';
import { openMessage, openState, sealMessage, sealState } from '../crypto/row-sealing.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { InterviewRow, InterviewUpdate, MessageRow } from '../db/database.ts';
import { withTenant, withTenantPipeline } from '../db/scope.ts';
import { ApiError, notFound, unauthorized } from '../errors.ts';
import { checkInterviewTokenState } from '../hris/token-state.ts';
import type { Logger } from '../logger.ts';
import type { Tenant } from '../tenants/tenant.service.ts';
import {
  findReply,
  lockInterviewStatement,
  storeAnswerStatement,
  storeReplyStatement,
  turnMessagesStatement,
} from './interview.repository.ts';
import type { ModelProvider } from './model-provider.ts';
import { appendCompacted, compactEvents, TurnStream } from './turn-stream.ts';

/** What the employee posts. */
export interface PostMessageInput {
  tenant: Tenant;
  interviewId: string;
  clientMessageId: string;
  type: 'start' | 'answer' | 'decline' | 'finish';
  text?: string;
  requestId?: string;
  /**
   * The verified interview token, when the route left its version and revocation check to the turn (it is
   * made on the row the turn locks: 401 when re-issued or revoked, before anything is stored).
   */
  credential?: InterviewCredential;
}

/** Options of `createTurnService()`. */
export interface TurnServiceOptions {
  database: DatabaseHandle;
  models: ModelProvider;
  logger: Logger;
  /** Seals message text, events and state before they are stored; opens them when read. */
  encryption: Encryption;
  /** Called after a turn ended the interview (its report job is queued). */
  onInterviewEnded?: () => void;
  /**
   * How long a turn holds the interview before another request may take it over. A running turn renews it
   * every third of this, so it only bounds how long a re-sent answer waits after a crash. Default 30 s.
   */
  turnLeaseMs?: number;
  /** How often a duplicate request polls for the first request's reply. Default 100 ms. */
  pollIntervalMs?: number;
  now?: () => number;
}

/** Topic of the job that writes an interview's report. */
export const reportJobTopic = 'report.generate';

type Prepared =
  | { kind: 'replay'; accepted: AnswerAcceptedEvent | undefined; reply: MessageRow }
  | { kind: 'wait'; accepted: AnswerAcceptedEvent | undefined; replyTo: number }
  | {
      kind: 'generate';
      accepted: AnswerAcceptedEvent | undefined;
      replyTo: number;
      /** `last_seq` once the answer is stored: the reply takes the next seq. */
      lastSeq: number;
      /** The lease this turn wrote (`turn_locked_until`): it renews the lease only while it is still this one. */
      lockedUntil: Date;
      state: InterviewState;
      stateVersion: number;
      input: EmployeeInput | undefined;
    };

const openStatuses = new Set(['invited', 'active']);

function interviewClosed(status: string): ApiError {
  return new ApiError({
    status: 409,
    code: 'interview-closed',
    message:
      status === 'expired'
        ? 'This interview has expired'
        : 'This interview is over and takes no more messages',
    details: { status },
  });
}

/** The message path: store the answer, stream the reply while it is generated, store the reply and the state. */
export type TurnService = ReturnType<typeof createTurnService>;

/** Creates the turn service. */
export function createTurnService(options: TurnServiceOptions) {
  const { database, models, logger } = options;
  const now = options.now ?? Date.now;
  const leaseMs = options.turnLeaseMs ?? 30_000;
  const pollMs = options.pollIntervalMs ?? 100;
  const running = new Set<Promise<unknown>>();

  const lockActive = (row: InterviewRow) =>
    row.turn_reply_to !== null && row.turn_locked_until !== null && row.turn_locked_until.getTime() > now();

  async function prepare(input: PostMessageInput): Promise<Prepared> {
    const { tenant, interviewId } = input;
    // A new interview starts on the tenant's active guide.
    const engine = models.forTenant(tenant.settings, { tenantId: tenant.id });
    const cipher = await options.encryption.forTenant(tenant.id);
    return withTenantPipeline(database, tenant.id, async (pipeline) => {
      // One round trip: the row, locked, then what is stored for this message (a statement of its own, so it
      // sees what a concurrent duplicate committed while this request waited for the lock).
      const [rows, stored] = await Promise.all([
        pipeline.send<InterviewRow>(lockInterviewStatement(tenant.id, interviewId)),
        pipeline.send<MessageRow>(
          turnMessagesStatement(
            tenant.id,
            interviewId,
            input.type === 'start' ? undefined : input.clientMessageId,
          ),
        ),
      ]);
      const row = rows[0];
      if (row && input.credential) checkTokenState(row, input);
      if (!row || row.status === 'erased') throw notFound('Interview');
      const expired =
        row.status === 'expired' || (openStatuses.has(row.status) && row.expires_at.getTime() <= now());
      const lease = { turn_locked_until: new Date(now() + leaseMs), updated_at: new Date(now()) };
      const storedReply = stored.find((message) => message.role === 'interviewer');
      // The statement and the commit are awaited together: when the update fails, the commit rejects first.
      const update = async (changes: InterviewUpdate) => {
        await Promise.all([
          pipeline.send(
            database.db
              .updateTable('interviews')
              .set(changes)
              .where('tenant_id', '=', tenant.id)
              .where('id', '=', interviewId)
              .compile(),
          ),
          pipeline.commit(),
        ]);
      };

      if (input.type === 'start') {
        if (storedReply)
          return { kind: 'replay', accepted: undefined, reply: openMessage(cipher, storedReply) };
        if (expired) throw interviewClosed('expired');
        if (!openStatuses.has(row.status)) throw interviewClosed(row.status);
        if (row.turn_reply_to === 0 && lockActive(row))
          return { kind: 'wait', accepted: undefined, replyTo: 0 };
        const state =
          openState<InterviewState>(cipher, interviewId, row.state) ??
          engine.interviewer.createState({
            id: interviewId,
            locale: row.locale as Locale,
            mode: row.mode,
            people: row.mode === 'identified' && row.employee_name ? { employeeName: row.employee_name } : {},
          });
        await update({
          ...lease,
          turn_reply_to: 0,
          status: 'active',
          started_at: row.started_at ?? new Date(now()),
        });
        return {
          kind: 'generate',
          accepted: undefined,
          replyTo: 0,
          lastSeq: row.last_seq,
          lockedUntil: lease.turn_locked_until,
          state,
          stateVersion: row.state_version,
          input: undefined,
        };
      }

      const employeeInput: EmployeeInput =
        input.type === 'answer'
          ? { type: 'answer', text: input.text ?? '', messageId: input.clientMessageId }
          : { type: input.type, messageId: input.clientMessageId };
      const existing = stored.find((message) => message.role === 'employee');
      if (existing) {
        const sameRequest =
          existing.kind === input.type &&
          (input.type !== 'answer' || openMessage(cipher, existing).text === (input.text ?? '').trim());
        if (!sameRequest) {
          throw new ApiError({
            status: 409,
            code: 'conflict',
            message: 'This clientMessageId was used for a different message',
          });
        }
        const accepted: AnswerAcceptedEvent = {
          type: 'answer-accepted',
          clientMessageId: input.clientMessageId,
          seq: existing.seq,
          duplicate: true,
        };
        if (storedReply) return { kind: 'replay', accepted, reply: openMessage(cipher, storedReply) };
        if (row.turn_reply_to === existing.seq && lockActive(row))
          return { kind: 'wait', accepted, replyTo: existing.seq };
        if (lockActive(row)) throw turnInProgress();
        // The first request's turn died (crash or failure): this request takes it over.
        await update({ ...lease, turn_reply_to: existing.seq });
        return {
          kind: 'generate',
          accepted,
          replyTo: existing.seq,
          lastSeq: row.last_seq,
          lockedUntil: lease.turn_locked_until,
          state: openState<InterviewState>(cipher, interviewId, row.state) as InterviewState,
          stateVersion: row.state_version,
          input: employeeInput,
        };
      }

      if (expired) throw interviewClosed('expired');
      if (!openStatuses.has(row.status)) throw interviewClosed(row.status);
      const state = openState<InterviewState>(cipher, interviewId, row.state);
      if (!state || (state.currentTopicId === null && state.status === 'active')) {
        throw new ApiError({
          status: 409,
          code: 'conflict',
          message: "The interview has not started: send type 'start' first",
        });
      }
      if (state.status === 'completed') throw interviewClosed('completed');
      if (lockActive(row)) throw turnInProgress();
      if (row.turn_reply_to !== null) {
        // A previous turn never stored its reply; the client must resend that message first.
        const pending =
          row.turn_reply_to === 0
            ? undefined
            : (
                await pipeline.send<Pick<MessageRow, 'client_message_id' | 'kind'>>(
                  database.db
                    .selectFrom('messages')
                    .select(['client_message_id', 'kind'])
                    .where('tenant_id', '=', tenant.id)
                    .where('interview_id', '=', interviewId)
                    .where('seq', '=', row.turn_reply_to)
                    .compile(),
                )
              )[0];
        throw new ApiError({
          status: 409,
          code: 'reply-pending',
          message: 'The reply to an earlier message was not stored; send that message again',
          details: pending
            ? { clientMessageId: pending.client_message_id, type: pending.kind }
            : { type: 'start' },
        });
      }
      const seq = row.last_seq + 1;
      const text = input.type === 'answer' ? (input.text ?? '').trim() : '';
      const sentiment =
        input.type === 'answer' ? analyzeSentiment(text, { locale: row.locale as Locale }) : undefined;
      // One statement stores the message and claims the turn; the commit goes out with it.
      const [claimed] = await Promise.all([
        pipeline.send(
          storeAnswerStatement({
            message: sealMessage(cipher, {
              tenant_id: tenant.id,
              interview_id: interviewId,
              seq,
              role: 'employee',
              kind: input.type,
              topic_id: state.currentTopicId,
              text,
              client_message_id: input.clientMessageId,
              reply_to: null,
              sentiment_score: sentiment?.score ?? null,
              sentiment_label: sentiment?.label ?? null,
            }),
            lockedUntil: lease.turn_locked_until,
            at: lease.updated_at,
            activate: row.status !== 'active',
          }),
        ),
        pipeline.commit(),
      ]);
      if (claimed.length === 0) throw turnInProgress();
      return {
        kind: 'generate',
        accepted: { type: 'answer-accepted', clientMessageId: input.clientMessageId, seq, duplicate: false },
        replyTo: seq,
        lastSeq: seq,
        lockedUntil: lease.turn_locked_until,
        state,
        stateVersion: row.state_version,
        input: employeeInput,
      };
    });
  }

  /** The interview token's version and revocation, checked on the row the turn locked (401 when stale). */
  function checkTokenState(row: InterviewRow, input: PostMessageInput): void {
    try {
      checkInterviewTokenState(row, input.credential as InterviewCredential);
    } catch (error) {
      logger.info('credential refused', {
        requestId: input.requestId,
        kind: 'interview',
        reason: error instanceof Error ? error.message : 'unknown',
      });
      throw unauthorized();
    }
  }

  function turnInProgress(): ApiError {
    return new ApiError({
      status: 409,
      code: 'turn-in-progress',
      message: 'The interviewer is still replying to another message',
      headers: { 'Retry-After': '1' },
    });
  }

  function replayEvents(stream: TurnStream, reply: MessageRow): void {
    const events = (reply.events as WireEvent[] | null) ?? [
      {
        type: 'question-start',
        id: `seq-${reply.seq}`,
        topicId: reply.topic_id ?? '',
        kind: reply.kind as 'opening',
      },
      { type: 'question-delta', id: `seq-${reply.seq}`, delta: reply.text },
      {
        type: 'question-end',
        id: `seq-${reply.seq}`,
        topicId: reply.topic_id ?? '',
        text: reply.text,
        degraded: reply.degraded,
      },
      { type: 'reply-stored', seq: reply.seq },
    ];
    for (const event of events) stream.push(event);
    stream.close();
  }

  /**
   * Keeps the turn's lease while it runs (a slow model may take longer than the lease): renews it every third
   * of the lease, only while the stored lease is still the one this turn wrote (a request that took the turn
   * over wrote its own; then this turn stops renewing). `stop()` waits for a renewal under way, so that none
   * lands after the turn released or stored.
   */
  function holdLease(tenantId: string, interviewId: string, replyTo: number, lockedUntil: Date) {
    let held = lockedUntil;
    let renewing: Promise<unknown> | undefined;
    const timer = setInterval(() => {
      const next = new Date(now() + leaseMs);
      renewing ??= withTenant(database, tenantId, (db) =>
        db
          .updateTable('interviews')
          .set({ turn_locked_until: next })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', interviewId)
          .where('turn_reply_to', '=', replyTo)
          .where('turn_locked_until', '=', held)
          .executeTakeFirst(),
      )
        .then((result) => {
          if (Number(result.numUpdatedRows) === 1) held = next;
          else clearInterval(timer);
        })
        .catch((error) => logger.warn('renewing the turn lease failed', { tenantId, interviewId, error }))
        .finally(() => {
          renewing = undefined;
        });
    }, leaseMs / 3);
    timer.unref();
    return {
      async stop(): Promise<void> {
        clearInterval(timer);
        await renewing;
      },
    };
  }

  async function generate(
    input: PostMessageInput,
    prepared: Extract<Prepared, { kind: 'generate' }>,
    stream: TurnStream,
  ): Promise<void> {
    const lease = holdLease(input.tenant.id, input.interviewId, prepared.replyTo, prepared.lockedUntil);
    try {
      await generateHeld(input, prepared, stream, lease);
    } finally {
      await lease.stop();
    }
  }

  async function generateHeld(
    input: PostMessageInput,
    prepared: Extract<Prepared, { kind: 'generate' }>,
    stream: TurnStream,
    lease: { stop(): Promise<void> },
  ): Promise<void> {
    const { tenant, interviewId } = input;
    // A started interview goes on with the guide (and version) it started on.
    const engine = models.forTenant(tenant.settings, {
      tenantId: tenant.id,
      guideKey: prepared.state.guideId,
    });
    const cipher = await options.encryption.forTenant(tenant.id);
    const collected: WireEvent[] = [];
    let nextState: InterviewState;
    try {
      const turn =
        prepared.replyTo === 0
          ? engine.interviewer.start(prepared.state)
          : engine.interviewer.respond(prepared.state, prepared.input as EmployeeInput);
      for await (const event of turn.events) {
        stream.push(event);
        appendCompacted(collected, event);
      }
      nextState = await turn.state;
    } catch (error) {
      logger.error('turn failed', { requestId: input.requestId, tenantId: tenant.id, interviewId, error });
      await lease.stop();
      await releaseLease(tenant.id, interviewId, prepared.replyTo);
      stream.push({
        type: 'error',
        code: 'turn-failed',
        message: 'The reply could not be produced; send the message again',
        retryable: true,
      });
      stream.close();
      return;
    }
    const end = collected.findLast((event) => event.type === 'question-end');
    await lease.stop();
    if (end?.type !== 'question-end') {
      await releaseLease(tenant.id, interviewId, prepared.replyTo);
      stream.push({
        type: 'error',
        code: 'turn-failed',
        message: 'The interviewer produced no question',
        retryable: true,
      });
      stream.close();
      return;
    }
    const start = collected.find((event) => event.type === 'question-start');
    const ended = nextState.status === 'completed';
    let storedSeq: number | undefined;
    try {
      // The reply's seq is known in advance (the turn owns the interview), so the message is sealed first and
      // one guarded statement stores it with the new state; begin, the statement and commit share one round trip.
      const seq = prepared.lastSeq + 1;
      const storedEvents = compactEvents(collected).map((event) =>
        event.type === 'question-delta' ? { ...event, delta: end.text } : event,
      );
      storedEvents.push({ type: 'reply-stored', seq });
      const statement = storeReplyStatement({
        message: sealMessage(cipher, {
          tenant_id: tenant.id,
          interview_id: interviewId,
          seq,
          role: 'interviewer',
          kind: start?.type === 'question-start' ? start.kind : 'probe',
          topic_id: end.topicId,
          text: end.text,
          client_message_id: null,
          reply_to: prepared.replyTo,
          degraded: end.degraded,
          events: JSON.stringify(storedEvents),
        }),
        state: sealState(cipher, interviewId, nextState),
        stateVersion: prepared.stateVersion,
        at: new Date(now()),
        ...(ended ? { endJob: { topic: reportJobTopic, key: interviewId, payload: { interviewId } } } : {}),
      });
      storedSeq = await withTenantPipeline(database, tenant.id, async (pipeline) => {
        const [claimed] = await Promise.all([
          pipeline.send<{ last_seq: number }>(statement),
          pipeline.commit(),
        ]);
        return claimed[0]?.last_seq;
      });
    } catch (error) {
      logger.error('storing the reply failed', {
        requestId: input.requestId,
        tenantId: tenant.id,
        interviewId,
        error,
      });
      stream.push({
        type: 'error',
        code: 'store-failed',
        message: 'The reply could not be stored; send the message again',
        retryable: true,
      });
      stream.close();
      return;
    }
    if (storedSeq === undefined) {
      logger.warn('turn superseded', { requestId: input.requestId, tenantId: tenant.id, interviewId });
      stream.push({
        type: 'error',
        code: 'turn-superseded',
        message: 'Another request answered this message; reload the transcript',
        retryable: false,
      });
    } else {
      stream.push({ type: 'reply-stored', seq: storedSeq });
      if (ended) options.onInterviewEnded?.();
    }
    stream.close();
  }

  async function releaseLease(tenantId: string, interviewId: string, replyTo: number): Promise<void> {
    await withTenant(database, tenantId, (db) =>
      db
        .updateTable('interviews')
        .set({ turn_locked_until: new Date(now()) })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', interviewId)
        .where('turn_reply_to', '=', replyTo)
        .execute(),
    ).catch((error) => logger.error('releasing the turn failed', { tenantId, interviewId, error }));
  }

  async function waitForReply(input: PostMessageInput, replyTo: number, stream: TurnStream): Promise<void> {
    const cipher = await options.encryption.forTenant(input.tenant.id);
    // The first request renews its lease while its model works: wait as long as it does (up to five minutes,
    // or the lease when that is longer); take the turn over as soon as the lease runs out.
    const deadline = now() + Math.max(leaseMs + 5_000, 300_000);
    while (now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      const found = await withTenant(database, input.tenant.id, async (db) => {
        const stored = await findReply(db, input.tenant.id, input.interviewId, replyTo);
        if (stored) return { reply: openMessage(cipher, stored) };
        const row = await db
          .selectFrom('interviews')
          .select(['turn_reply_to', 'turn_locked_until'])
          .where('tenant_id', '=', input.tenant.id)
          .where('id', '=', input.interviewId)
          .executeTakeFirst();
        const stillRunning =
          row?.turn_reply_to === replyTo &&
          row.turn_locked_until !== null &&
          row.turn_locked_until.getTime() > now();
        return { reply: undefined, stillRunning };
      });
      if (found.reply) {
        for (const event of (found.reply.events as WireEvent[] | null) ?? []) stream.push(event);
        stream.close();
        return;
      }
      if (!found.stillRunning) {
        // The first request gave up or died: run the turn here.
        const prepared = await prepare(input);
        if (prepared.kind === 'generate') return generate(input, prepared, stream);
        if (prepared.kind === 'replay') {
          for (const event of (prepared.reply.events as WireEvent[] | null) ?? []) stream.push(event);
          stream.close();
          return;
        }
      }
    }
    stream.push({
      type: 'error',
      code: 'reply-timeout',
      message: 'The reply is taking too long; reload the transcript',
      retryable: true,
    });
    stream.close();
  }

  function track(promise: Promise<unknown>): void {
    running.add(promise);
    promise.finally(() => running.delete(promise)).catch(() => undefined);
  }

  return {
    /**
     * Validates and stores the employee's message, then starts (or replays, or waits for) the reply.
     * Throws ApiError before anything streams (404, 409); the returned stream runs to its end on its own.
     */
    async post(input: PostMessageInput): Promise<TurnStream> {
      const prepared = await prepare(input);
      const stream = new TurnStream(prepared.accepted);
      let work: Promise<void>;
      if (prepared.kind === 'replay') {
        replayEvents(stream, prepared.reply);
        return stream;
      }
      if (prepared.kind === 'wait') work = waitForReply(input, prepared.replyTo, stream);
      else work = generate(input, prepared, stream);
      const guarded = work.catch((error) => {
        logger.error('turn crashed', {
          requestId: input.requestId,
          tenantId: input.tenant.id,
          interviewId: input.interviewId,
          error,
        });
        stream.push({
          type: 'error',
          code: 'internal',
          message: 'Something went wrong; send the message again',
          retryable: true,
        });
        stream.close();
      });
      track(guarded);
      return stream;
    },

    /** Number of turns still running in this process. */
    get runningTurns(): number {
      return running.size;
    },

    /** Resolves when every running turn has stored its reply (or `timeoutMs` passed). */
    async drain(timeoutMs: number): Promise<boolean> {
      const deadline = Date.now() + timeoutMs;
      while (running.size > 0 && Date.now() < deadline) {
        await Promise.race([
          Promise.allSettled([...running]),
          new Promise((resolve) => setTimeout(resolve, 100)),
        ]);
      }
      return running.size === 0;
    },
  };
}
