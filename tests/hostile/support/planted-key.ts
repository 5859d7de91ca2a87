// A server-origin verification key whose private half the test holds, written straight into the
// tenant's signing_keys (as the database owner): lets a test craft tokens with any claims that the
// server will verify as its own, to probe what it does with verified-but-hostile claims.
import type { DatabaseHandle } from '@exitbot/server';
import { sql } from 'kysely';
import { ecKeyPair, signedToken, type TestKeyPair } from './jwt.ts';

/** A planted key and a signer for interview tokens. */
export interface PlantedKey extends TestKeyPair {
  kid: string;
  /** An interview token for `sub` (any string) in `tenantId`, valid ten minutes unless `claims` says otherwise. */
  interviewToken(tenantId: string, sub: string, claims?: Record<string, unknown>): string;
}

/** Stores a fresh ES256 key as a (retired, still verifying) server key of the tenant. */
export async function plantServerKey(
  handle: DatabaseHandle,
  tenantId: string,
  kid: string,
): Promise<PlantedKey> {
  const pair = ecKeyPair();
  await sql`
    insert into signing_keys (tenant_id, kid, alg, origin, public_jwk, status, expires_at)
    values (${tenantId}, ${kid}, 'ES256', 'server',
            ${JSON.stringify({ ...pair.publicJwk, kid, alg: 'ES256' })}::jsonb, 'retired', now() + interval '1 hour')
  `.execute(handle.db);
  return {
    ...pair,
    kid,
    interviewToken(tokenTenant, sub, claims = {}) {
      const now = Math.floor(Date.now() / 1000);
      return signedToken(
        pair.privateKey,
        'ES256',
        { typ: 'exitbot-interview+jwt', kid },
        {
          iss: 'exitbot',
          aud: 'exitbot:interview',
          sub,
          tid: tokenTenant,
          iat: now,
          exp: now + 600,
          ...claims,
        },
      );
    },
  };
}
