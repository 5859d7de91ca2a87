// Sealing and opening of the encrypted columns of `messages` and `interviews`, at the edge between
// the services and the repositories: rows are sealed just before they are written and opened just
// after they are read, so everything above sees plain values and the tables hold only ciphertext.
import type { MessageRow, NewMessage } from '../db/database.ts';
import { encryptionContexts, isSealed, type TenantCipher } from './encryption.ts';

/** A message ready to insert: `text` and `events` sealed (bound to the interview, seq and column). */
export function sealMessage(cipher: TenantCipher, message: NewMessage): NewMessage {
  const { interview_id: interviewId, seq } = message;
  return {
    ...message,
    text: cipher.seal(message.text, encryptionContexts.messageText(interviewId, seq)),
    events:
      message.events === undefined || message.events === null
        ? message.events
        : JSON.stringify(cipher.seal(message.events, encryptionContexts.messageEvents(interviewId, seq))),
  };
}

/** A message as read, with `text` and `events` opened (values written before encryption pass through). */
export function openMessage(cipher: TenantCipher, row: MessageRow): MessageRow {
  const { interview_id: interviewId, seq } = row;
  const events = isSealed(row.events)
    ? (JSON.parse(cipher.open(row.events, encryptionContexts.messageEvents(interviewId, seq))) as unknown[])
    : row.events;
  return { ...row, text: cipher.open(row.text, encryptionContexts.messageText(interviewId, seq)), events };
}

/** The value to write to `interviews.state`: a JSON string holding the sealed state. */
export function sealState(cipher: TenantCipher, interviewId: string, state: unknown): string {
  return JSON.stringify(cipher.sealJson(state, encryptionContexts.interviewState(interviewId)));
}

/** The engine state as read from `interviews.state` (null stays null; plain JSON of older rows passes through). */
export function openState<T>(cipher: TenantCipher, interviewId: string, stored: unknown): T | null {
  if (stored === null || stored === undefined) return null;
  return cipher.openJson<T>(stored, encryptionContexts.interviewState(interviewId));
}
