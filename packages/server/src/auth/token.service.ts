import { randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import QuickLRU from 'quick-lru';
import type { DatabaseHandle } from '../db/connect.ts';
import type { SigningKeyRow } from '../db/database.ts';
import { isUuid, withTenant } from '../db/scope.ts';
import { ApiError } from '../errors.ts';
import type { SecretBox } from './secret-box.ts';
import {
  findActiveServerKey,
  findVerificationKey,
  insertSigningKey,
  listSigningKeys,
  retireServerKeys,
  revokeTenantKey,
} from './signing-keys.repository.ts';

/** `typ` header and audience of each token kind. */
export const tokenKinds = {
  interview: { typ: 'exitbot-interview+jwt', audience: 'exitbot:interview' },
  admin: { typ: 'exitbot-admin+jwt', audience: 'exitbot:admin' },
} as const;

/** The two JWT kinds. */
export type TokenKind = keyof typeof tokenKinds;

/** Roles of an admin token. */
export type AdminRole = 'admin' | 'analyst';

/** A verified interview token. */
export interface InterviewCredential {
  kind: 'interview';
  tenantId: string;
  interviewId: string;
  tokenId: string | undefined;
  /** `ver` claim: the interview's token version when signed (absent in tenant-signed tokens). */
  tokenVersion: number | undefined;
  expiresAt: number;
}

/** A verified admin token. */
export interface AdminCredential {
  kind: 'admin';
  tenantId: string;
  subject: string;
  role: AdminRole;
  /** When the token was signed (ms; whole seconds). A tenant can refuse admin tokens issued before a time. */
  issuedAt: number;
  expiresAt: number;
}

/** The algorithm the server signs with. */
export const serverAlgorithm = 'ES256';
/** Algorithms a tenant may register for its own interview-token key. */
export const tenantKeyAlgorithms = ['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256'] as const;
/** Seconds of clock skew tolerated on exp and nbf. */
export const clockToleranceSeconds = 5;

const cacheTtlMs = 60_000;

interface CachedVerificationKey {
  key: CryptoKey | Uint8Array;
  alg: string;
  origin: 'server' | 'tenant';
  expiresAt: number | null;
  loadedAt: number;
}

/** A token whose signature and claims verified, with the key object that verified it. */
interface VerifiedToken {
  kind: TokenKind;
  tenantId: string;
  kid: string;
  key: CachedVerificationKey;
  payload: JWTPayload & { tid: string };
}

interface CachedSigningKey {
  kid: string;
  key: CryptoKey;
  loadedAt: number;
}

/** Options of `createTokenService()`. */
export interface TokenServiceOptions {
  database: DatabaseHandle;
  secretBox: SecretBox;
  /** `iss` of server-issued tokens. */
  issuer: string;
  /** How long a retired server key keeps verifying (the longest token lifetime). */
  retiredKeyLifetimeMs: number;
  now?: () => number;
}

/** Issues and verifies interview and admin tokens; keys are imported once as CryptoKey and cached by kid. */
export type TokenService = ReturnType<typeof createTokenService>;

/** Creates the token service. */
export function createTokenService(options: TokenServiceOptions) {
  const { database, secretBox, issuer } = options;
  const now = options.now ?? Date.now;
  const verificationKeys = new Map<string, CachedVerificationKey>();
  const signingKeys = new Map<string, CachedSigningKey>();
  // The widget sends the same interview token with every turn: an ES256 verification costs ~0.1-0.3 ms of
  // CPU, a lookup nothing. A hit counts only while the very key object that verified it is still the
  // cached, unexpired key for its kid (so a revoked or reloaded key forces a full verification) and the
  // token has not expired; everything else was checked when it was verified and cannot change.
  const verifiedTokens = new QuickLRU<string, VerifiedToken>({ maxSize: 5_000 });

  async function createServerKey(tenantId: string): Promise<SigningKeyRow> {
    const { publicKey, privateKey } = await generateKeyPair(serverAlgorithm, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const privateJwk = await exportJWK(privateKey);
    const kid = `${tenantId.slice(0, 8)}-${(await calculateJwkThumbprint(publicJwk)).slice(0, 16)}`;
    const sealed = await secretBox.seal(JSON.stringify(privateJwk));
    return withTenant(database, tenantId, (db) =>
      insertSigningKey(db, tenantId, {
        kid,
        alg: serverAlgorithm,
        origin: 'server',
        publicJwk: { ...publicJwk, kid, alg: serverAlgorithm, use: 'sig' },
        privateJwkEncrypted: sealed,
        expiresAt: null,
      }),
    );
  }

  async function signingKey(tenantId: string): Promise<CachedSigningKey> {
    const cached = signingKeys.get(tenantId);
    if (cached && now() - cached.loadedAt < cacheTtlMs) return cached;
    let row = await withTenant(database, tenantId, (db) => findActiveServerKey(db, tenantId));
    if (!row) row = await createServerKey(tenantId);
    if (!row.private_jwk_encrypted) throw new Error('Active server key without private part');
    const jwk = JSON.parse(await secretBox.open(row.private_jwk_encrypted)) as JWK;
    const key = (await importJWK(jwk, serverAlgorithm)) as CryptoKey;
    const entry = { kid: row.kid, key, loadedAt: now() };
    signingKeys.set(tenantId, entry);
    return entry;
  }

  async function sign(
    kind: TokenKind,
    tenantId: string,
    subject: string,
    claims: Record<string, unknown>,
    expiresAt: Date,
    issuedAtSeconds = Math.floor(now() / 1000),
  ): Promise<string> {
    const { kid, key } = await signingKey(tenantId);
    return new SignJWT({ ...claims, tid: tenantId })
      .setProtectedHeader({ alg: serverAlgorithm, typ: tokenKinds[kind].typ, kid })
      .setIssuer(issuer)
      .setAudience(tokenKinds[kind].audience)
      .setSubject(subject)
      .setIssuedAt(issuedAtSeconds)
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .setJti(randomUUID())
      .sign(key);
  }

  async function verificationKey(tenantId: string, kid: string): Promise<CachedVerificationKey | undefined> {
    const cacheKey = `${tenantId}:${kid}`;
    const cached = verificationKeys.get(cacheKey);
    if (cached && now() - cached.loadedAt < cacheTtlMs) {
      return cached.expiresAt !== null && cached.expiresAt <= now() ? undefined : cached;
    }
    const row = await withTenant(database, tenantId, (db) => findVerificationKey(db, tenantId, kid));
    if (!row) {
      verificationKeys.delete(cacheKey);
      return undefined;
    }
    const key = await importJWK(row.public_jwk as JWK, row.alg);
    const entry: CachedVerificationKey = {
      key,
      alg: row.alg,
      origin: row.origin,
      expiresAt: row.expires_at ? row.expires_at.getTime() : null,
      loadedAt: now(),
    };
    if (verificationKeys.size > 10_000) verificationKeys.clear();
    verificationKeys.set(cacheKey, entry);
    return entry;
  }

  async function verify(kind: TokenKind, token: string): Promise<JWTPayload & { tid: string }> {
    const verified = verifiedTokens.get(token);
    if (verified?.kind === kind) {
      const current = await verificationKey(verified.tenantId, verified.kid);
      const exp = verified.payload.exp ?? 0;
      if (current === verified.key && exp > Math.floor(now() / 1000) - clockToleranceSeconds) {
        return verified.payload;
      }
      verifiedTokens.delete(token);
    }
    let header: ReturnType<typeof decodeProtectedHeader>;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      unverified = decodeJwt(token);
    } catch (error) {
      throw new TokenError('malformed token', error);
    }
    if (header.typ !== tokenKinds[kind].typ) throw new TokenError('wrong typ');
    if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 200) {
      throw new TokenError('missing kid');
    }
    // The tenant named by the token only selects where to look for the key; it counts once the signature verifies.
    const tenantId = unverified.tid;
    if (!isUuid(tenantId)) throw new TokenError('missing tid');
    const entry = await verificationKey(tenantId, header.kid);
    if (!entry) throw new TokenError('unknown kid');
    if (kind === 'admin' && entry.origin !== 'server')
      throw new TokenError('admin tokens are server-issued only');
    try {
      const { payload } = await jwtVerify(token, entry.key, {
        algorithms: [entry.alg],
        audience: tokenKinds[kind].audience,
        typ: tokenKinds[kind].typ,
        clockTolerance: clockToleranceSeconds,
        requiredClaims: ['exp', 'sub', 'tid'],
        ...(entry.origin === 'server' ? { issuer } : {}),
        currentDate: new Date(now()),
      });
      if (payload.tid !== tenantId) throw new TokenError('tid changed');
      const typed = payload as JWTPayload & { tid: string };
      verifiedTokens.set(token, { kind, tenantId, kid: header.kid, key: entry, payload: typed });
      return typed;
    } catch (error) {
      if (error instanceof TokenError) throw error;
      throw new TokenError('signature or claims rejected', error);
    }
  }

  return {
    /** Signs an interview token for one interview, valid until `expiresAt`. */
    issueInterviewToken(input: {
      tenantId: string;
      interviewId: string;
      expiresAt: Date;
      /** The interview's token version (a re-issue bumps it and older tokens stop working). */
      version?: number;
    }): Promise<string> {
      const claims = input.version === undefined ? {} : { ver: input.version };
      return sign('interview', input.tenantId, input.interviewId, claims, input.expiresAt);
    },

    /**
     * Signs an admin token for an HR user of the tenant. `issuedAt` (whole seconds, default now) lets a token
     * minted together with a revocation carry the revocation's own time.
     */
    issueAdminToken(input: {
      tenantId: string;
      subject: string;
      role: AdminRole;
      expiresAt: Date;
      issuedAt?: Date;
    }): Promise<string> {
      return sign(
        'admin',
        input.tenantId,
        input.subject,
        { role: input.role },
        input.expiresAt,
        input.issuedAt ? Math.floor(input.issuedAt.getTime() / 1000) : undefined,
      );
    },

    /** Verifies an interview token (server-issued or signed by the tenant's registered key). */
    async verifyInterviewToken(token: string): Promise<InterviewCredential> {
      const payload = await verify('interview', token);
      if (!isUuid(payload.sub)) throw new TokenError('sub is not an interview id');
      return {
        kind: 'interview',
        tenantId: payload.tid,
        interviewId: payload.sub,
        tokenId: payload.jti,
        tokenVersion:
          typeof payload.ver === 'number' && Number.isInteger(payload.ver) ? payload.ver : undefined,
        expiresAt: (payload.exp ?? 0) * 1000,
      };
    },

    /** Verifies an admin token. */
    async verifyAdminToken(token: string): Promise<AdminCredential> {
      const payload = await verify('admin', token);
      const role = payload.role;
      if (role !== 'admin' && role !== 'analyst') throw new TokenError('bad role');
      return {
        kind: 'admin',
        tenantId: payload.tid,
        subject: String(payload.sub),
        role,
        issuedAt: (payload.iat ?? 0) * 1000,
        expiresAt: (payload.exp ?? 0) * 1000,
      };
    },

    /** Makes sure the tenant has an active server key (called when a tenant is created). */
    async ensureServerKey(tenantId: string): Promise<string> {
      return (await signingKey(tenantId)).kid;
    },

    /** Creates a new server key; the previous ones verify until their tokens could have expired. */
    async rotateServerKey(tenantId: string): Promise<string> {
      await withTenant(database, tenantId, (db) =>
        retireServerKeys(db, tenantId, new Date(now() + options.retiredKeyLifetimeMs)),
      );
      signingKeys.delete(tenantId);
      for (const key of verificationKeys.keys())
        if (key.startsWith(`${tenantId}:`)) verificationKeys.delete(key);
      const row = await createServerKey(tenantId);
      return row.kid;
    },

    /** Registers the tenant's own public key (JWK) for interview tokens it signs itself. */
    async registerTenantKey(input: {
      tenantId: string;
      jwk: Record<string, unknown>;
      alg: (typeof tenantKeyAlgorithms)[number];
      kid?: string;
      expiresAt?: Date | null;
    }): Promise<{ kid: string }> {
      if ('d' in input.jwk || 'k' in input.jwk || 'p' in input.jwk) {
        throw new ApiError({
          status: 400,
          code: 'invalid-request',
          message: 'Register a public key only (no private or symmetric parts)',
        });
      }
      let imported: CryptoKey | Uint8Array;
      try {
        imported = await importJWK(input.jwk as JWK, input.alg);
      } catch (error) {
        throw new ApiError({
          status: 400,
          code: 'invalid-request',
          message: `The JWK is not a valid ${input.alg} public key`,
          cause: error,
        });
      }
      if (imported instanceof Uint8Array) {
        throw new ApiError({
          status: 400,
          code: 'invalid-request',
          message: 'Symmetric keys are not accepted',
        });
      }
      const kid = input.kid ?? `tenant-${(await calculateJwkThumbprint(input.jwk as JWK)).slice(0, 16)}`;
      const publicJwk = { ...input.jwk, kid, alg: input.alg };
      try {
        await withTenant(database, input.tenantId, (db) =>
          insertSigningKey(db, input.tenantId, {
            kid,
            alg: input.alg,
            origin: 'tenant',
            publicJwk,
            privateJwkEncrypted: null,
            expiresAt: input.expiresAt ?? null,
          }),
        );
      } catch (error) {
        if ((error as { code?: string }).code === '23505') {
          throw new ApiError({
            status: 409,
            code: 'conflict',
            message: `A key with kid "${kid}" already exists`,
          });
        }
        throw error;
      }
      return { kid };
    },

    /** Revokes a tenant-registered key at once (also drops it from this process's cache). */
    async revokeTenantKey(tenantId: string, kid: string): Promise<boolean> {
      const revoked = await withTenant(database, tenantId, (db) => revokeTenantKey(db, tenantId, kid));
      verificationKeys.delete(`${tenantId}:${kid}`);
      return revoked;
    },

    /** Public keys of the tenant (server and registered), for the admin API. */
    async listKeys(tenantId: string) {
      const rows = await withTenant(database, tenantId, (db) => listSigningKeys(db, tenantId));
      return rows.map((row) => ({
        kid: row.kid,
        alg: row.alg,
        origin: row.origin,
        status: row.status,
        publicJwk: row.public_jwk,
        createdAt: row.created_at.toISOString(),
        expiresAt: row.expires_at?.toISOString() ?? null,
      }));
    },
  };
}

/** Why a token was refused (logged, never sent to the client). */
export class TokenError extends Error {
  constructor(reason: string, cause?: unknown) {
    super(reason, { cause });
    this.name = 'TokenError';
  }
}
