import {
  ApiCallError,
  type ExitBotClient,
  type InterviewSummary,
  type MessageType,
  type TranscriptEntry,
} from '@exitbot/sdk/client';
import type { InterviewEndEvent, WireEvent } from '@exitbot/sdk/protocol';

/** A message as the widget shows it: stored entries plus the answer being sent and the question streaming in. */
export interface ChatMessage {
  /** Stable key for rendering: `s<seq>` once stored, otherwise a local key. */
  key: string;
  role: 'interviewer' | 'employee';
  /** opening / probe / closing, or answer / decline / finish. */
  kind: string;
  text: string;
  seq: number | undefined;
  /** The id an employee message was sent with, when known. */
  clientMessageId: string | undefined;
  /** `streaming`: the question is still arriving; `sending`/`queued`: the answer is not yet acknowledged. */
  status: 'stored' | 'streaming' | 'sending' | 'queued';
}

/** Everything the view needs to draw the interview. */
export interface SessionSnapshot {
  phase: 'loading' | 'ready' | 'active' | 'done' | 'unavailable';
  interview: InterviewSummary | undefined;
  messages: ChatMessage[];
  progress: { covered: number; total: number };
  /** True from sending a message until the interviewer's reply is stored. */
  replying: boolean;
  connection: 'online' | 'offline' | 'reconnecting';
  problem: 'expired' | 'invalid' | 'unreachable' | 'send-failed' | undefined;
  /** The latest complete question, for the live region; `announcementId` changes with every question. */
  announcement: string;
  announcementId: number;
}

/** A message kept until the server acknowledges it; persisted so a reload can resend it. */
export interface PendingMessage {
  clientMessageId: string;
  type: MessageType;
  text?: string;
}

/** The subset of `Storage` the session uses (localStorage in the browser). */
export type PendingStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Events the session reports to its host element. */
export type SessionEvent =
  | { name: 'exit-start'; detail: { interviewId: string } }
  | {
      name: 'exit-answer';
      detail: { interviewId: string; clientMessageId: string; seq: number; type: 'answer' | 'decline' };
    }
  | { name: 'exit-complete'; detail: { interviewId: string; reason: InterviewEndEvent['reason'] } }
  | {
      name: 'exit-error';
      detail: { code: string; message: string; status: number | undefined; recoverable: boolean };
    };

/** Options of {@link InterviewSession}. */
export interface InterviewSessionOptions {
  client: ExitBotClient;
  /** Where pending answers survive a reload; defaults to memory only. */
  storage?: PendingStorage | undefined;
  /** Called after every change of `snapshot`. */
  onChange: () => void;
  /** Called for the host events. */
  onEvent?: (event: SessionEvent) => void;
  /** Network state; defaults to `navigator.onLine` (true where there is no navigator). */
  isOnline?: () => boolean;
  /** Milliseconds to wait before retry number `attempt` (0-based); defaults to jittered exponential backoff, 1 s to 15 s. */
  backoff?: (attempt: number) => number;
  /** Makes client message ids; defaults to 128 random bits in hex. */
  generateId?: () => string;
}

/** Polls without a reply before the session resends the acknowledged message to have the reply replayed. */
const pollsBeforeResend = 4;

/**
 * The employee's side of one interview, without any DOM: loads the transcript, sends messages,
 * keeps unacknowledged ones in storage, retries after network failures with the same client
 * message id, and recovers a reply whose stream was cut by polling the stored messages.
 */
export class InterviewSession {
  snapshot: SessionSnapshot = {
    phase: 'loading',
    interview: undefined,
    messages: [],
    progress: { covered: 0, total: 0 },
    replying: false,
    connection: 'online',
    problem: undefined,
    announcement: '',
    announcementId: 0,
  };
  /** The text of an answer the server refused, handed back to the view to put in the text box. */
  returnedDraft: string | undefined;

  readonly #client: ExitBotClient;
  readonly #storage: PendingStorage | undefined;
  readonly #onChange: () => void;
  readonly #onEvent: (event: SessionEvent) => void;
  readonly #isOnline: () => boolean;
  readonly #backoff: (attempt: number) => number;
  readonly #generateId: () => string;
  readonly #abort = new AbortController();
  #wake: (() => void) | undefined;

  constructor(options: InterviewSessionOptions) {
    this.#client = options.client;
    this.#storage = options.storage;
    this.#onChange = options.onChange;
    this.#onEvent = options.onEvent ?? (() => {});
    this.#isOnline = options.isOnline ?? (() => globalThis.navigator?.onLine ?? true);
    this.#backoff = options.backoff ?? defaultBackoff;
    this.#generateId = options.generateId ?? randomId;
  }

  get #disposed(): boolean {
    return this.#abort.signal.aborted;
  }

  get #storageKey(): string {
    return `exitbot:pending:${this.snapshot.interview?.id ?? ''}`;
  }

  /** Reads the interview and transcript, then resumes whatever was left unfinished (a pending answer, a reply). */
  async load(): Promise<void> {
    for (let attempt = 0; !this.#disposed; attempt += 1) {
      try {
        const { interview, messages } = await this.#client.getInterview({ signal: this.#abort.signal });
        this.#applySnapshot(interview, messages);
        break;
      } catch (error) {
        if (this.#disposed) return;
        if (ApiCallError.isInstance(error) && error.retryable) {
          this.#update({ problem: 'unreachable', connection: this.#isOnline() ? 'reconnecting' : 'offline' });
          await this.#sleep(Math.max(this.#backoff(attempt), error.retryAfterMs ?? 0));
          continue;
        }
        const status = ApiCallError.isInstance(error) ? error.status : undefined;
        const problem = status === 410 || readServerCode(error)?.includes('expired') ? 'expired' : 'invalid';
        this.#update({ phase: 'unavailable', problem });
        this.#reportError(error, false);
        return;
      }
    }
    await this.#resume();
  }

  /** Begins the interview (`type: 'start'`); the opening question streams in. */
  start(): void {
    if (this.snapshot.phase !== 'ready') return;
    this.#update({ phase: 'active' });
    void this.#submit({ clientMessageId: this.#generateId(), type: 'start' });
  }

  /** Sends an answer to the current question. Returns false when nothing was sent (busy, empty). */
  answer(text: string): boolean {
    if (!this.#canSend() || text.trim() === '') return false;
    void this.#submit({ clientMessageId: this.#generateId(), type: 'answer', text });
    return true;
  }

  /** Declines the current question; the interviewer moves on without asking it again. */
  decline(): boolean {
    if (!this.#canSend()) return false;
    void this.#submit({ clientMessageId: this.#generateId(), type: 'decline' });
    return true;
  }

  /** Ends the interview early; what was said so far is kept. */
  finish(): boolean {
    if (!this.#canSend()) return false;
    void this.#submit({ clientMessageId: this.#generateId(), type: 'finish' });
    return true;
  }

  /** Tells the session the browser is online again: queued work is sent right away. */
  notifyOnline(): void {
    if (this.snapshot.connection === 'offline') this.#update({ connection: 'reconnecting' });
    this.#wake?.();
  }

  /** Tells the session the browser went offline, for the notice. */
  notifyOffline(): void {
    this.#update({ connection: 'offline' });
  }

  /** Stops all requests and timers; the pending answer stays in storage. */
  dispose(): void {
    this.#abort.abort();
    this.#wake?.();
  }

  #canSend(): boolean {
    return this.snapshot.phase === 'active' && !this.snapshot.replying;
  }

  #applySnapshot(interview: InterviewSummary, entries: TranscriptEntry[]): void {
    const wasActive = this.snapshot.phase === 'active';
    const phase =
      interview.status === 'invited'
        ? 'ready'
        : interview.status === 'active'
          ? 'active'
          : interview.status === 'completed'
            ? 'done'
            : 'unavailable';
    this.#update({
      interview,
      phase,
      problem: interview.status === 'expired' ? 'expired' : undefined,
      connection: 'online',
      messages: [],
      progress: {
        covered: interview.status === 'completed' ? interview.progress.total : interview.progress.covered,
        total: interview.progress.total,
      },
    });
    this.#merge(entries);
    if (wasActive && phase === 'done') {
      this.#onEvent({ name: 'exit-complete', detail: { interviewId: interview.id, reason: 'completed' } });
    }
  }

  async #resume(): Promise<void> {
    const { interview, phase, messages } = this.snapshot;
    if (interview === undefined) return;
    const pending = this.#readPending();
    if (phase === 'done' || phase === 'unavailable') {
      this.#clearPending();
      return;
    }
    if (pending !== undefined) {
      const stored = messages.find(
        (message) => message.seq !== undefined && message.clientMessageId === pending.clientMessageId,
      );
      if (stored === undefined) {
        if (pending.type === 'start' && phase === 'ready') this.#update({ phase: 'active' });
        await this.#submit(pending, { resumed: true });
        return;
      }
      this.#clearPending();
    }
    const last = messages.at(-1);
    if (phase === 'active' && (last === undefined || last.role === 'employee')) {
      // The page went away after the server took the message but before the reply was stored.
      // A start is idempotent whatever its id; another message is resent only under its own id.
      const resend: PendingMessage | undefined =
        last === undefined
          ? { clientMessageId: this.#generateId(), type: 'start' }
          : last.clientMessageId === undefined
            ? undefined
            : { clientMessageId: last.clientMessageId, type: last.kind as MessageType };
      await this.#recover(resend, last?.seq ?? 0);
    }
  }

  async #submit(pending: PendingMessage, options: { resumed?: boolean } = {}): Promise<void> {
    this.#writePending(pending);
    this.returnedDraft = undefined;
    if (pending.type !== 'start') {
      this.snapshot.messages = [
        ...this.snapshot.messages,
        {
          key: pending.clientMessageId,
          role: 'employee',
          kind: pending.type,
          text: pending.text ?? '',
          seq: undefined,
          clientMessageId: pending.clientMessageId,
          status: this.#isOnline() ? 'sending' : 'queued',
        },
      ];
    }
    this.#update({ replying: true, problem: options.resumed ? this.snapshot.problem : undefined });
    await this.#deliver(pending);
  }

  /** Sends until the server has the message; then, if the stream broke, recovers the reply. */
  async #deliver(pending: PendingMessage): Promise<void> {
    const progress = { accepted: false, acceptedSeq: this.#lastSeq() };
    for (let attempt = 0; !this.#disposed; attempt += 1) {
      if (!this.#isOnline()) {
        this.#setPendingStatus(pending, 'queued');
        this.#update({ connection: 'offline' });
        await this.#waitUntilOnline();
        continue;
      }
      this.#setPendingStatus(pending, 'sending');
      try {
        await this.#stream(pending, progress);
        return;
      } catch (error) {
        if (this.#disposed) return;
        // Once the server has the answer, whatever went wrong, the reply is fetched, never the answer resent as new.
        if (progress.accepted) {
          await this.#recover(pending, progress.acceptedSeq);
          return;
        }
        if (!isRetryable(error)) {
          this.#refuse(pending, error);
          return;
        }
        this.#setPendingStatus(pending, 'queued');
        this.#update({ connection: this.#isOnline() ? 'reconnecting' : 'offline' });
        const retryAfter = ApiCallError.isInstance(error) ? (error.retryAfterMs ?? 0) : 0;
        await this.#sleep(Math.max(this.#backoff(attempt), retryAfter));
      }
    }
  }

  async #stream(
    pending: PendingMessage,
    progress: { accepted: boolean; acceptedSeq: number },
  ): Promise<void> {
    const events = this.#client.send({ ...pending, signal: this.#abort.signal });
    for await (const event of events) {
      if (event.type === 'answer-accepted' || (pending.type === 'start' && !progress.accepted)) {
        progress.accepted = true;
        if (event.type === 'answer-accepted') progress.acceptedSeq = event.seq;
        if (pending.type === 'start')
          this.#onEvent({ name: 'exit-start', detail: { interviewId: this.#id() } });
      }
      this.#apply(event, pending);
    }
  }

  #apply(event: WireEvent, pending: PendingMessage): void {
    const messages = this.snapshot.messages;
    switch (event.type) {
      case 'answer-accepted': {
        this.#clearPending();
        const own = messages.find((message) => message.clientMessageId === pending.clientMessageId);
        // A replayed acknowledgement (a resend after a cut) is not a new answer for the host page.
        const first = own?.seq === undefined;
        if (own !== undefined) {
          own.seq = event.seq;
          own.key = `s${event.seq}`;
          own.status = 'stored';
        }
        this.#dedupe(own);
        if (first && (pending.type === 'answer' || pending.type === 'decline')) {
          this.#onEvent({
            name: 'exit-answer',
            detail: {
              interviewId: this.#id(),
              clientMessageId: event.clientMessageId,
              seq: event.seq,
              type: pending.type,
            },
          });
        }
        this.#update({ connection: 'online' });
        return;
      }
      case 'question-start':
        this.snapshot.messages = [
          ...messages,
          {
            key: `live-${event.id}`,
            role: 'interviewer',
            kind: event.kind,
            text: '',
            seq: undefined,
            clientMessageId: undefined,
            status: 'streaming',
          },
        ];
        if (pending.type === 'start') this.#clearPending();
        this.#update({ connection: 'online' });
        return;
      case 'question-delta': {
        const live = messages.find((message) => message.key === `live-${event.id}`);
        if (live !== undefined) live.text += event.delta;
        this.#update({});
        return;
      }
      case 'question-end': {
        const live = messages.find((message) => message.key === `live-${event.id}`);
        // The end text is authoritative: it may replace a half-streamed question with the fallback.
        if (live !== undefined) live.text = event.text;
        this.#update({ announcement: event.text, announcementId: this.snapshot.announcementId + 1 });
        return;
      }
      case 'topic-change':
        this.#update({
          progress: { covered: Math.max(this.snapshot.progress.covered, event.index), total: event.total },
        });
        return;
      case 'interview-end':
        this.#clearPending();
        this.#update({
          progress: { covered: this.snapshot.progress.total, total: this.snapshot.progress.total },
        });
        this.#complete(event.reason);
        return;
      case 'reply-stored': {
        const live = messages.filter((message) => message.status === 'streaming');
        for (const message of live) {
          message.status = 'stored';
          message.seq = event.seq;
          message.key = `s${event.seq}`;
        }
        this.#dedupe(live[0]);
        if (pending.type === 'start') this.#clearPending();
        this.#update({ replying: false, connection: 'online' });
        return;
      }
      case 'error':
        throw new ApiCallError({
          code: event.retryable ? 'network-error' : 'http-error',
          message: event.message,
          serverCode: event.code,
        });
    }
  }

  /**
   * Polls the stored messages after `afterSeq` until the interviewer's reply is there; when it does
   * not show up, resends the same message (if known) so the server replays or finishes the turn.
   */
  async #recover(pending: PendingMessage | undefined, afterSeq: number): Promise<void> {
    this.#update({ connection: this.#isOnline() ? 'reconnecting' : 'offline', replying: true });
    for (let attempt = 0; !this.#disposed; attempt += 1) {
      if (!this.#isOnline()) {
        this.#update({ connection: 'offline' });
        await this.#waitUntilOnline();
        continue;
      }
      try {
        const page = await this.#client.getMessages({ after: afterSeq, signal: this.#abort.signal });
        this.#merge(page.messages);
        const replied = page.messages.some((entry) => entry.role === 'interviewer' && entry.seq > afterSeq);
        if (page.status === 'completed') {
          this.#dropLive();
          this.#update({
            replying: false,
            connection: 'online',
            progress: { covered: this.snapshot.progress.total, total: this.snapshot.progress.total },
          });
          this.#complete(pending?.type === 'finish' ? 'finished-early' : 'completed');
          return;
        }
        if (replied) {
          this.#dropLive();
          this.#clearPending();
          this.#update({ replying: false, connection: 'online' });
          const question = this.snapshot.messages.findLast((message) => message.role === 'interviewer');
          if (question)
            this.#update({ announcement: question.text, announcementId: this.snapshot.announcementId + 1 });
          return;
        }
        if (pending !== undefined && (attempt + 1) % pollsBeforeResend === 0) {
          this.#dropLive();
          await this.#stream(pending, { accepted: true, acceptedSeq: afterSeq });
          return;
        }
      } catch (error) {
        if (this.#disposed) return;
        if (!isRetryable(error)) {
          if (pending !== undefined) this.#refuse(pending, error);
          else this.#update({ replying: false, problem: 'send-failed' });
          return;
        }
        this.#dropLive();
      }
      await this.#sleep(this.#backoff(attempt));
    }
  }

  /** The server refused the message for good: hand the text back, keep nothing pending, tell the host. */
  #refuse(pending: PendingMessage, error: unknown): void {
    this.#clearPending();
    const stored = this.snapshot.messages.some(
      (message) => message.clientMessageId === pending.clientMessageId && message.seq !== undefined,
    );
    this.snapshot.messages = this.snapshot.messages.filter(
      (message) =>
        (stored || message.clientMessageId !== pending.clientMessageId) && message.status !== 'streaming',
    );
    if (pending.type === 'answer' && !stored) this.returnedDraft = pending.text;
    const serverCode = readServerCode(error) ?? '';
    if (serverCode === 'interview-closed') {
      // Finished or expired meanwhile (another tab, the deadline): the server's status says which.
      this.#update({ replying: false });
      void this.load();
      return;
    }
    const status = ApiCallError.isInstance(error) ? error.status : undefined;
    if (status === 401 || status === 403 || status === 410 || serverCode.includes('expired')) {
      this.#update({
        replying: false,
        phase: 'unavailable',
        problem: status === 410 || serverCode.includes('expired') ? 'expired' : 'invalid',
      });
    } else {
      this.#update({ replying: false, problem: 'send-failed', connection: 'online' });
    }
    this.#reportError(error, false);
  }

  #complete(reason: InterviewEndEvent['reason']): void {
    if (this.snapshot.phase === 'done') return;
    this.#clearPending();
    this.#update({ phase: 'done' });
    this.#onEvent({ name: 'exit-complete', detail: { interviewId: this.#id(), reason } });
  }

  /** Inserts stored entries by sequence number, replacing what is already there. */
  #merge(entries: TranscriptEntry[]): void {
    const bySeq = new Map<number, ChatMessage>();
    const local: ChatMessage[] = [];
    for (const message of this.snapshot.messages) {
      if (message.seq === undefined) local.push(message);
      else bySeq.set(message.seq, message);
    }
    for (const entry of entries) {
      if (entry.role === 'employee' && entry.kind === 'start') continue;
      bySeq.set(entry.seq, {
        key: `s${entry.seq}`,
        role: entry.role,
        kind: entry.kind,
        text: entry.text,
        seq: entry.seq,
        clientMessageId: entry.clientMessageId,
        status: 'stored',
      });
    }
    const storedIds = new Set([...bySeq.values()].map((message) => message.clientMessageId).filter(Boolean));
    const stored = [...bySeq.values()].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    const unsent = local.filter((message) => !storedIds.has(message.clientMessageId));
    this.#update({ messages: [...stored, ...unsent] });
  }

  /** A replayed reply or answer that is already in the transcript is shown once. */
  #dedupe(message: ChatMessage | undefined): void {
    if (message?.seq === undefined) return;
    const seq = message.seq;
    if (this.snapshot.messages.some((other) => other !== message && other.seq === seq)) {
      this.snapshot.messages = this.snapshot.messages.filter((other) => other !== message);
    } else {
      this.snapshot.messages = [...this.snapshot.messages].sort(
        (a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER),
      );
    }
  }

  #dropLive(): void {
    this.snapshot.messages = this.snapshot.messages.filter((message) => message.status !== 'streaming');
  }

  #setPendingStatus(pending: PendingMessage, status: 'sending' | 'queued'): void {
    const own = this.snapshot.messages.find((message) => message.clientMessageId === pending.clientMessageId);
    if (own !== undefined && own.seq === undefined && own.status !== status) {
      own.status = status;
      this.#update({});
    }
  }

  #lastSeq(): number {
    return this.snapshot.messages.reduce((max, message) => Math.max(max, message.seq ?? 0), 0);
  }

  #id(): string {
    return this.snapshot.interview?.id ?? '';
  }

  #readPending(): PendingMessage | undefined {
    try {
      const raw = this.#storage?.getItem(this.#storageKey);
      if (!raw) return undefined;
      const value = JSON.parse(raw) as Partial<PendingMessage>;
      if (typeof value.clientMessageId !== 'string' || typeof value.type !== 'string') return undefined;
      return value as PendingMessage;
    } catch {
      return undefined;
    }
  }

  #writePending(pending: PendingMessage): void {
    try {
      this.#storage?.setItem(this.#storageKey, JSON.stringify(pending));
    } catch {
      // Storage full or blocked: the answer still lives in memory and is retried until the page closes.
    }
  }

  #clearPending(): void {
    try {
      this.#storage?.removeItem(this.#storageKey);
    } catch {
      // Blocked storage has nothing to clear.
    }
  }

  #reportError(error: unknown, recoverable: boolean): void {
    const apiError = ApiCallError.isInstance(error) ? error : undefined;
    this.#onEvent({
      name: 'exit-error',
      detail: {
        code: apiError?.serverCode ?? (error as { code?: string } | undefined)?.code ?? 'unknown',
        message: error instanceof Error ? error.message : String(error),
        status: apiError?.status,
        recoverable,
      },
    });
  }

  #update(patch: Partial<SessionSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    if (!this.#disposed) this.#onChange();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  async #waitUntilOnline(): Promise<void> {
    // `online` events call notifyOnline(), which ends the sleep early; the timeout re-checks in case one was missed.
    while (!this.#disposed && !this.#isOnline()) await this.#sleep(5000);
  }
}

/** Server codes of a turn that is still being answered: waiting and asking again helps. */
const busyCodes: ReadonlySet<string | undefined> = new Set(['turn-in-progress', 'reply-pending']);

function isRetryable(error: unknown): boolean {
  return ApiCallError.isInstance(error) && (error.retryable || busyCodes.has(error.serverCode));
}

function readServerCode(error: unknown): string | undefined {
  return ApiCallError.isInstance(error) ? error.serverCode : undefined;
}

function defaultBackoff(attempt: number): number {
  const ceiling = Math.min(15_000, 1000 * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `m_${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
