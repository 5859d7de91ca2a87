import { createExitBotClient } from '@exitbot/sdk/client';
import type { InterviewMode } from '@exitbot/sdk/protocol';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { exitInterviewStyles } from './exit-interview.styles.ts';
import { type IconName, icon } from './icons.ts';
import type { FrameInit } from './isolated.ts';
import { loadStrings, resolveLocale, stringsFor, type WidgetStrings } from './localize.ts';
import {
  type ChatMessage,
  InterviewSession,
  type PendingStorage,
  type SessionEvent,
  type SessionSnapshot,
} from './session.ts';

/** Colour scheme of the widget: fixed light or dark, or `auto` to follow the system setting. */
export type ExitInterviewTheme = 'light' | 'dark' | 'auto';

/** `detail` of each event `<exit-interview>` fires. No event carries what the employee wrote. */
export interface ExitInterviewEventDetails {
  'exit-start': { interviewId: string };
  'exit-answer': { interviewId: string; clientMessageId: string; seq: number; type: 'answer' | 'decline' };
  'exit-complete': { interviewId: string; reason: 'completed' | 'finished-early' | 'budget-reached' };
  'exit-error': { code: string; message: string; status: number | undefined; recoverable: boolean };
}

/** Names of the events `<exit-interview>` fires. */
export const exitInterviewEventNames: readonly (keyof ExitInterviewEventDetails)[] = [
  'exit-start',
  'exit-answer',
  'exit-complete',
  'exit-error',
];

const maxAnswerLength = 4000;
/** The isolated-mode helpers, loaded on first use: most pages never need them. */
let isolatedMode: typeof import('./isolated.ts') | undefined;
const modeIcons: Record<InterviewMode, IconName> = {
  identified: 'user',
  confidential: 'lock',
  anonymous: 'eyeOff',
};

/**
 * A confidential exit interview, embedded with one script tag: a start screen that says who reads the
 * answers, a chat with the interviewer's words streaming in, progress, skip and finish, and a
 * thank-you screen. Answers are never lost: they are kept on the device until the server has them.
 *
 * @example
 * <script type="module" src="https://exitbot.example.com/exitbot.js"></script>
 * <exit-interview token="eyJ..."></exit-interview>
 *
 * @fires exit-start - The interview began (the opening question arrived).
 * @fires exit-answer - The server stored an answer or a skipped question; `detail` has ids, not text.
 * @fires exit-complete - The interview ended (completed or finished early).
 * @fires exit-error - Something the employee cannot fix (invalid or expired link, refused answer).
 *
 * @csspart card - The outer card.
 * @csspart header - Title, confidentiality badge and progress.
 * @csspart badge - The confidentiality badge (identified / confidential / anonymous).
 * @csspart progress - The progress row.
 * @csspart notice - Offline and error notices.
 * @csspart transcript - The scrolling conversation.
 * @csspart message - Every message bubble; also `message-interviewer` or `message-employee`.
 * @csspart composer - The answer area at the bottom.
 * @csspart input - The answer text box.
 * @csspart send-button - The send button.
 * @csspart skip-button - Skip question.
 * @csspart finish-button - Finish early.
 * @csspart start-button - Start the interview.
 * @csspart start - The start screen.
 * @csspart done - The thank-you screen.
 * @csspart frame - The iframe in isolated mode.
 *
 * @cssprop --exit-accent - Buttons, employee bubbles, progress (default #3d52c4; dark #93a2ff).
 * @cssprop --exit-accent-contrast - Text on the accent colour.
 * @cssprop --exit-accent-soft - Tinted backgrounds (badge, icons, focus halo).
 * @cssprop --exit-background - Card background.
 * @cssprop --exit-surface - Interviewer bubbles and hover backgrounds.
 * @cssprop --exit-text - Main text colour.
 * @cssprop --exit-text-muted - Secondary text colour.
 * @cssprop --exit-border - Borders and dividers.
 * @cssprop --exit-focus-ring - Keyboard focus outline.
 * @cssprop --exit-warning-background - Offline notice background.
 * @cssprop --exit-warning-text - Offline notice text.
 * @cssprop --exit-danger-text - Error text.
 * @cssprop --exit-radius - Card corner radius (default 16px).
 * @cssprop --exit-shadow - Card shadow.
 * @cssprop --exit-font-family - Font stack (default: the system UI font).
 * @cssprop --exit-font-size - Base font size (default 15px).
 * @cssprop --exit-height - Card height (default 640px).
 * @cssprop --exit-max-height - Card maximum height (default 100dvh).
 */
export class ExitInterview extends LitElement {
  static override styles = exitInterviewStyles;
  static override properties = {
    token: { type: String },
    api: { type: String },
    lang: { type: String, reflect: true },
    isolated: { type: Boolean },
    theme: { type: String },
    _snapshot: { state: true },
    _confirming: { state: true },
    _draft: { state: true },
  };

  /** Origin of the server the script tag was loaded from: the default of `api`. */
  static defaultApi: string | undefined;

  /** The employee's interview token. In isolated mode it is handed to the frame and removed from the page. */
  declare token: string | null | undefined;
  /** Base URL of the ExitBot server; defaults to the origin the script was loaded from. */
  declare api: string | null | undefined;
  /** Language of the widget's own texts (en, de, fr, es); defaults to the interview's locale. */
  declare lang: string;
  /** Render inside a cross-origin iframe served by the ExitBot server, out of the host page's reach. */
  declare isolated: boolean;
  /** `light` (default), `dark` or `auto`. */
  declare theme: ExitInterviewTheme;

  declare _snapshot: SessionSnapshot | undefined;
  declare _confirming: boolean;
  declare _draft: string;

  #session: InterviewSession | undefined;
  /** token|api|isolated of the current session: a change starts a new one. */
  #sessionKey: string | undefined;
  #frameToken: string | undefined;
  #stickToBottom = true;
  #focusAfterRender: 'input' | 'done' | 'cancel' | 'finish' | undefined;

  constructor() {
    super();
    this.isolated = false;
    this.theme = 'light';
    this._confirming = false;
    this._draft = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('online', this.#onOnline);
    addEventListener('offline', this.#onOffline);
    addEventListener('message', this.#onFrameMessage);
    // Moved in the DOM: the session was disposed on disconnect, the next update starts a new one.
    if (this.hasUpdated) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('online', this.#onOnline);
    removeEventListener('offline', this.#onOffline);
    removeEventListener('message', this.#onFrameMessage);
    this.#session?.dispose();
    this.#session = undefined;
    this.#sessionKey = undefined;
  }

  protected override willUpdate(): void {
    if (this.isolated && this.token) {
      // The frame gets the token by postMessage; keep it out of the host page's DOM from here on.
      this.#frameToken = this.token;
      this.token = undefined;
      queueMicrotask(() => this.removeAttribute('token'));
    }
    const key = `${this.token ?? ''}|${this.api ?? ''}|${this.isolated}`;
    if (key !== this.#sessionKey && this.isConnected) {
      this.#sessionKey = key;
      this.#connect();
    }
  }

  protected override updated(): void {
    const root = this.renderRoot as ShadowRoot;
    const transcript = root.querySelector<HTMLElement>('.transcript');
    if (transcript && this.#stickToBottom) transcript.scrollTop = transcript.scrollHeight;
    const focus = this.#focusAfterRender;
    if (focus === undefined) return;
    this.#focusAfterRender = undefined;
    const selector = { input: 'textarea', done: 'h2', cancel: '.confirm .secondary', finish: '.finish' }[
      focus
    ];
    root.querySelector<HTMLElement>(selector)?.focus();
  }

  #connect(): void {
    this.#session?.dispose();
    this.#session = undefined;
    this._snapshot = undefined;
    const token = this.token;
    const api = this.api ?? ExitInterview.defaultApi;
    if (this.isolated || !token || !api) return;
    let client: ReturnType<typeof createExitBotClient>;
    try {
      client = createExitBotClient({ baseUrl: api, token });
    } catch (error) {
      this.#emit({
        name: 'exit-error',
        detail: { code: 'invalid-argument', message: String(error), status: undefined, recoverable: false },
      });
      return;
    }
    const session = new InterviewSession({
      client,
      storage: localStorageOrUndefined(),
      onChange: () => this.#onSessionChange(session),
      onEvent: (event) => this.#emit(event),
    });
    this.#session = session;
    this._snapshot = session.snapshot;
    void session.load();
  }

  #onSessionChange(session: InterviewSession): void {
    if (session !== this.#session) return;
    const previous = this._snapshot;
    const next = session.snapshot;
    if (previous?.interview === undefined && next.interview !== undefined)
      this._draft = this.#readDraft(next.interview.id);
    if (session.returnedDraft !== undefined) {
      this._draft = session.returnedDraft;
      session.returnedDraft = undefined;
    }
    if (previous?.phase !== 'done' && next.phase === 'done' && this.#hasFocus())
      this.#focusAfterRender = 'done';
    this._snapshot = next;
  }

  #emit(event: SessionEvent): void {
    this.dispatchEvent(new CustomEvent(event.name, { detail: event.detail, bubbles: true, composed: true }));
  }

  #hasFocus(): boolean {
    return (this.renderRoot as ShadowRoot).activeElement !== null;
  }

  #locale() {
    return resolveLocale(this.lang, this._snapshot?.interview?.locale, globalThis.navigator?.language);
  }

  override render(): TemplateResult {
    const locale = this.#locale();
    const t = stringsFor(locale);
    const theme = ['dark', 'auto'].includes(this.theme) ? this.theme : 'light';
    if (t === undefined) {
      // German, French and Spanish load on first use; an empty card avoids a flash of English.
      void loadStrings(locale).then(() => this.requestUpdate());
      return html`<div class="root theme-${theme}">
        <div class="card" part="card"><div class="screen centered"><div class="spinner" aria-hidden="true"></div></div></div>
      </div>`;
    }
    if (this.isolated) {
      return html`<div class="root theme-${theme}">${this.#renderFrame(t)}</div>`;
    }
    const snapshot = this._snapshot;
    return html`<div class="root theme-${theme}" lang=${locale}>
      <div class="card" part="card">
        ${this.#renderHeader(t, snapshot)}
        <div role="status" class="notice-slot">${this.#renderNotice(t, snapshot)}</div>
        ${this.#renderBody(t, snapshot)}
      </div>
      <div class="sr-only" role="status" aria-atomic="true">
        ${snapshot?.announcement ? `${t.interviewer}: ${snapshot.announcement}` : ''}
      </div>
    </div>`;
  }

  #renderHeader(t: WidgetStrings, snapshot: SessionSnapshot | undefined): TemplateResult {
    const mode = snapshot?.interview?.mode;
    const { covered, total } = snapshot?.progress ?? { covered: 0, total: 0 };
    return html`<div class="header" part="header">
      <div class="header-row">
        <div class="brand">
          <span class="avatar">${icon('chat')}</span>
          <span class="title">${t.title}</span>
        </div>
        ${mode ? html`<span class="badge" part="badge">${icon(modeIcons[mode])}${t.mode[mode]}</span>` : nothing}
      </div>
      ${
        snapshot?.phase === 'active' && total > 0
          ? html`<div class="progress" part="progress">
              <progress max=${total} .value=${covered} aria-label=${t.progressLabel}></progress>
              <span>${t.progress(covered, total)}</span>
            </div>`
          : nothing
      }
    </div>`;
  }

  #renderNotice(t: WidgetStrings, snapshot: SessionSnapshot | undefined): TemplateResult | typeof nothing {
    if (snapshot === undefined || snapshot.phase === 'done' || snapshot.phase === 'unavailable')
      return nothing;
    const failed = snapshot.problem === 'send-failed' && snapshot.connection === 'online';
    const text =
      snapshot.connection === 'offline'
        ? t.offline
        : snapshot.problem === 'unreachable'
          ? t.unreachable
          : snapshot.connection === 'reconnecting'
            ? t.reconnecting
            : failed
              ? t.sendFailed
              : '';
    if (text === '') return nothing;
    return html`<div class="notice ${failed ? 'error' : ''}" part="notice">${icon('alert')}<span>${text}</span></div>`;
  }

  #renderBody(t: WidgetStrings, snapshot: SessionSnapshot | undefined): TemplateResult {
    const phase = snapshot?.phase ?? 'loading';
    if (phase === 'ready' && snapshot?.interview) return this.#renderStart(t, snapshot);
    if (phase === 'active' && snapshot) {
      return html`${this.#renderTranscript(t, snapshot)}${this.#renderComposer(t, snapshot)}`;
    }
    if (phase === 'done') {
      return html`<div class="screen centered" part="done">
        <div class="seal">${icon('check')}</div>
        <h2 tabindex="-1">${t.doneHeading}</h2>
        <p>${t.doneBody}</p>
        <p>${t.doneClose}</p>
      </div>`;
    }
    if (phase === 'unavailable' || (!this.token && !isFramePage())) {
      return html`<div class="screen centered">
        <div class="seal">${icon('alert')}</div>
        <h2 tabindex="-1">${t.unavailableHeading}</h2>
        <p>${snapshot?.problem === 'expired' ? t.expired : t.invalid}</p>
      </div>`;
    }
    return html`<div class="screen centered">
      <div class="spinner" aria-hidden="true"></div>
      <p>${t.loading}</p>
    </div>`;
  }

  #renderStart(t: WidgetStrings, snapshot: SessionSnapshot): TemplateResult {
    const interview = snapshot.interview!;
    return html`<div class="screen" part="start">
      <div>
        <h2>${t.startHeading}</h2>
        <p class="lead">${t.startLead}</p>
      </div>
      <ul class="facts">
        <li class="fact">
          <span class="fact-icon">${icon(modeIcons[interview.mode])}</span>
          <div><h3>${t.whoReadsHeading}</h3><p>${t.whoReads[interview.mode]}</p></div>
        </li>
        <li class="fact">
          <span class="fact-icon">${icon('clock')}</span>
          <div><h3>${t.durationHeading}</h3><p>${t.duration(interview.estimatedMinutes)}</p></div>
        </li>
        <li class="fact">
          <span class="fact-icon">${icon('skip')}</span>
          <div><h3>${t.controlHeading}</h3><p>${t.control}</p></div>
        </li>
      </ul>
      <div class="start-actions">
        <button class="primary" part="start-button" type="button" @click=${this.#onStart}>${t.startButton}</button>
        <p class="footnote">${t.savedAsYouGo}</p>
      </div>
    </div>`;
  }

  #renderTranscript(t: WidgetStrings, snapshot: SessionSnapshot): TemplateResult {
    const streaming = snapshot.messages.some(
      (message) => message.status === 'streaming' && message.text !== '',
    );
    return html`<div
      class="transcript"
      part="transcript"
      role="region"
      aria-label=${t.transcriptLabel}
      tabindex="0"
      @scroll=${this.#onScroll}
    >
      <ol class="messages">
        ${snapshot.messages.map((message) => this.#renderMessage(t, message))}
        ${
          snapshot.replying && !streaming && snapshot.connection === 'online'
            ? html`<li class="message interviewer">
                <div class="typing" role="img" aria-label=${t.typing}><span></span><span></span><span></span></div>
              </li>`
            : nothing
        }
      </ol>
    </div>`;
  }

  #renderMessage(t: WidgetStrings, message: ChatMessage): TemplateResult | typeof nothing {
    if (message.role === 'interviewer') {
      if (message.text === '') return nothing;
      return html`<li class="message interviewer">
        <span class="sr-only">${t.interviewer}:</span>
        <div class="bubble ${message.status === 'streaming' ? 'caret' : ''}" part="message message-interviewer">${message.text}</div>
      </li>`;
    }
    if (message.kind === 'decline') return html`<li class="event">${t.skipped}</li>`;
    if (message.kind === 'finish') return html`<li class="event">${t.finishedEarly}</li>`;
    const pending = message.status === 'sending' || message.status === 'queued';
    return html`<li class="message employee ${pending ? 'pending' : ''}">
      <span class="sr-only">${t.you}:</span>
      <div class="bubble" part="message message-employee">${message.text}</div>
      ${pending ? html`<span class="status">${message.status === 'queued' ? t.queued : t.sending}</span>` : nothing}
    </li>`;
  }

  #renderComposer(t: WidgetStrings, snapshot: SessionSnapshot): TemplateResult {
    if (this._confirming) {
      return html`<div class="composer" part="composer">
        <div class="confirm" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-body" @keydown=${this.#onConfirmKeydown}>
          <p class="confirm-title" id="confirm-title">${t.confirmTitle}</p>
          <p class="confirm-body" id="confirm-body">${t.confirmBody}</p>
          <div class="confirm-actions">
            <button class="secondary" type="button" @click=${this.#onCancelFinish}>${t.confirmNo}</button>
            <button class="primary" type="button" part="confirm-button" @click=${this.#onConfirmFinish}>${t.confirmYes}</button>
          </div>
        </div>
      </div>`;
    }
    const busy = snapshot.replying;
    const remaining = maxAnswerLength - this._draft.length;
    return html`<div class="composer" part="composer">
      <form class="form" @submit=${this.#onSubmit}>
        <div class="input-row">
          <label class="sr-only" for="answer">${t.inputLabel}</label>
          <textarea
            id="answer"
            part="input"
            rows="1"
            maxlength=${maxAnswerLength}
            placeholder=${t.placeholder}
            enterkeyhint="send"
            .value=${this._draft}
            @input=${this.#onInput}
            @keydown=${this.#onKeydown}
          ></textarea>
          <button class="send" part="send-button" type="submit" aria-label=${t.send} ?disabled=${busy || this._draft.trim() === ''}>
            ${icon('send')}
          </button>
        </div>
        <div class="actions">
          <button class="link skip" part="skip-button" type="button" ?disabled=${busy} @click=${this.#onSkip}>
            ${icon('skip')}${t.skip}
          </button>
          <button class="link finish" part="finish-button" type="button" ?disabled=${busy} @click=${this.#onAskFinish}>
            ${t.finish}
          </button>
          ${
            remaining <= 500
              ? html`<span class="counter ${remaining <= 100 ? 'low' : ''}">${t.charactersLeft(remaining)}</span>`
              : html`<span class="hint" aria-hidden="true">${t.hint}</span>`
          }
        </div>
      </form>
    </div>`;
  }

  #renderFrame(t: WidgetStrings): TemplateResult | typeof nothing {
    const base = this.#apiBase();
    if (isolatedMode === undefined) {
      void import('./isolated.ts').then((module) => {
        isolatedMode = module;
        this.requestUpdate();
      });
      return nothing;
    }
    const init = this.#frameInit();
    if (base === undefined || init === undefined) return nothing;
    const src = isolatedMode.frameUrl(base, init);
    return html`<iframe
      part="frame"
      title=${t.title}
      src=${src}
      sandbox="allow-scripts allow-same-origin allow-forms"
      referrerpolicy="origin"
    ></iframe>`;
  }

  #apiBase(): URL | undefined {
    const api = this.api ?? ExitInterview.defaultApi;
    if (!api) return undefined;
    try {
      const url = new URL(api, location.href);
      if (!url.pathname.endsWith('/')) url.pathname += '/';
      return url;
    } catch {
      return undefined;
    }
  }

  #frameInit(): FrameInit | undefined {
    if (this.#frameToken === undefined) return undefined;
    return {
      token: this.#frameToken,
      lang: this.lang ? resolveLocale(this.lang) : undefined,
      theme: this.theme,
    };
  }

  #onFrameMessage = (event: MessageEvent): void => {
    const base = this.#apiBase();
    const init = this.#frameInit();
    if (!this.isolated || isolatedMode === undefined || base === undefined || init === undefined) return;
    isolatedMode.handleFrameMessage({
      event,
      frame: (this.renderRoot as ShadowRoot).querySelector('iframe'),
      base,
      init,
      eventNames: exitInterviewEventNames,
      dispatch: (name, detail) =>
        this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true })),
    });
  };

  #onOnline = (): void => this.#session?.notifyOnline();
  #onOffline = (): void => this.#session?.notifyOffline();

  #onStart = (): void => {
    this.#focusAfterRender = 'input';
    this.#session?.start();
  };

  #onScroll = (event: Event): void => {
    const element = event.currentTarget as HTMLElement;
    this.#stickToBottom = element.scrollHeight - element.scrollTop - element.clientHeight < 48;
  };

  #onInput = (event: Event): void => {
    const textarea = event.currentTarget as HTMLTextAreaElement;
    this._draft = textarea.value;
    this.#writeDraft(textarea.value);
    fitHeight(textarea);
  };

  #onKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.#send(event.currentTarget as HTMLTextAreaElement);
    }
  };

  #onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    this.#send((this.renderRoot as ShadowRoot).querySelector('textarea'));
  };

  #send(textarea: HTMLTextAreaElement | null): void {
    const text = this._draft.trim();
    if (text === '' || !this.#session?.answer(text)) return;
    this._draft = '';
    this.#writeDraft('');
    this.#stickToBottom = true;
    if (textarea) {
      textarea.value = '';
      fitHeight(textarea);
    }
    this.#focusAfterRender = 'input';
  }

  #onSkip = (): void => {
    // The skip button is disabled while the reply comes; keep keyboard focus in the widget.
    this.#focusAfterRender = 'input';
    this.#stickToBottom = true;
    this.#session?.decline();
  };

  #onAskFinish = (): void => {
    this._confirming = true;
    this.#focusAfterRender = 'cancel';
  };

  #onCancelFinish = (): void => {
    this._confirming = false;
    this.#focusAfterRender = 'finish';
  };

  #onConfirmFinish = (): void => {
    this._confirming = false;
    this.#focusAfterRender = 'input';
    this.#stickToBottom = true;
    this.#session?.finish();
  };

  #onConfirmKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      this.#onCancelFinish();
    }
  };

  #draftKey(interviewId: string): string {
    return `exitbot:draft:${interviewId}`;
  }

  #readDraft(interviewId: string): string {
    try {
      return localStorageOrUndefined()?.getItem(this.#draftKey(interviewId)) ?? '';
    } catch {
      return '';
    }
  }

  #writeDraft(text: string): void {
    const id = this._snapshot?.interview?.id;
    if (!id) return;
    try {
      const storage = localStorageOrUndefined();
      if (text === '') storage?.removeItem(this.#draftKey(id));
      else storage?.setItem(this.#draftKey(id), text);
    } catch {
      // No storage: the draft lives only in the text box.
    }
  }
}

/** True on the server's embed frame page, where the token arrives later by postMessage. */
function isFramePage(): boolean {
  return document.querySelector('meta[name="exitbot-allowed-origins"]') !== null;
}

/** Grows the text box with its content up to its CSS max-height (CSSOM, so allowed under a strict CSP). */
function fitHeight(textarea: HTMLTextAreaElement): void {
  textarea.style.height = 'auto';
  textarea.style.height = `${textarea.scrollHeight}px`;
}

function localStorageOrUndefined(): PendingStorage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    // Reading localStorage throws where storage is blocked (sandboxed frames, some privacy settings).
    return undefined;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'exit-interview': ExitInterview;
  }
  interface GlobalEventHandlersEventMap {
    'exit-start': CustomEvent<ExitInterviewEventDetails['exit-start']>;
    'exit-answer': CustomEvent<ExitInterviewEventDetails['exit-answer']>;
    'exit-complete': CustomEvent<ExitInterviewEventDetails['exit-complete']>;
    'exit-error': CustomEvent<ExitInterviewEventDetails['exit-error']>;
  }
}
