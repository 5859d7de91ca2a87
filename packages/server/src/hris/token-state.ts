import type { InterviewCredential } from '../auth/token.service.ts';
import { TokenError } from '../auth/token.service.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import { withTenant } from '../db/scope.ts';

/**
 * Refuses an interview token that was re-issued (an older `ver`) or revoked. Tokens signed by the
 * tenant's own key carry no `ver`: they count as version 1, so a re-issue or revoke ends them too.
 * One primary-key lookup per request; no cache, so a revoke holds at once on every replica.
 */
export async function assertInterviewTokenCurrent(
  database: DatabaseHandle,
  credential: InterviewCredential,
): Promise<void> {
  const row = await withTenant(database, credential.tenantId, (db) =>
    db
      .selectFrom('interviews')
      .select(['token_version', 'token_revoked_at'])
      .where('tenant_id', '=', credential.tenantId)
      .where('id', '=', credential.interviewId)
      .executeTakeFirst(),
  );
  // A missing interview is answered 404 by the route (same as before this check).
  if (!row) return;
  checkInterviewTokenState(row, credential);
}

/**
 * The check of `assertInterviewTokenCurrent()` on a row the caller already read (the message path reads
 * the interview row in its own transaction anyway): throws TokenError when revoked or re-issued.
 */
export function checkInterviewTokenState(
  row: { token_version: number; token_revoked_at: Date | null },
  credential: InterviewCredential,
): void {
  if (row.token_revoked_at) throw new TokenError('interview token revoked');
  if ((credential.tokenVersion ?? 1) !== row.token_version)
    throw new TokenError('interview token superseded by a re-issue');
}
