import type { Context, MiddlewareHandler } from 'hono';
import type { ApiKeyScope } from '../auth/api-key-scopes.ts';
import type { AdminCredential, AdminRole, InterviewCredential } from '../auth/token.service.ts';
import { ApiError, unauthorized } from '../errors.ts';
import { assertInterviewTokenCurrent } from '../hris/token-state.ts';
import type { Services } from '../services.ts';
import type { TenantSettings } from '../tenants/tenant-settings.ts';
import type { AppEnv, Credential } from './context.ts';

function bearer(c: Context): string {
  const header = c.req.header('authorization');
  if (!header) throw unauthorized();
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{10,4096})$/.exec(header.trim());
  if (!match?.[1]) throw unauthorized();
  return match[1];
}

/** Answers 403 when the request comes from a browser origin the tenant has not allowed. */
function checkOrigin(c: Context<AppEnv>, services: Services, allowed: string[]): void {
  const origin = c.req.header('origin');
  if (!origin) return;
  const own = new URL(services.config.publicUrl).origin;
  if (origin === own || origin === new URL(c.req.url).origin || allowed.includes(origin)) {
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Vary', 'Origin', { append: true });
    c.header('Access-Control-Expose-Headers', 'Retry-After, X-Request-Id');
    return;
  }
  throw new ApiError({
    status: 403,
    code: 'origin-not-allowed',
    message: 'This origin is not allowed for this tenant; add it to allowedOrigins in the tenant settings',
  });
}

function limit(services: Services, credential: Credential): void {
  const tenantDecision = services.limits.tenant.take(credential.tenantId);
  const decision =
    tenantDecision.allowed && credential.kind === 'interview'
      ? services.limits.interview.take(credential.interviewId)
      : tenantDecision;
  if (!decision.allowed) {
    throw new ApiError({
      status: 429,
      code: 'rate-limited',
      message: 'Too many requests; retry later',
      details: { retryAfterSeconds: decision.retryAfterSeconds },
      headers: { 'Retry-After': String(decision.retryAfterSeconds) },
    });
  }
}

/** Options of `requireCredential()`. */
export interface RequireCredentialOptions {
  /**
   * Interview tokens: the route checks the token's version and revocation itself, on the interview row it
   * reads in its own transaction (the message path), instead of a transaction of its own here. Default false.
   */
  routeChecksTokenState?: boolean;
}

/** Requires a credential of one kind; sets `credential` and `tenant`, enforces the tenant's origins and rate limits. */
export function requireCredential(
  services: Services,
  kind: Credential['kind'],
  options: RequireCredentialOptions = {},
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearer(c);
    let credential: Credential;
    try {
      if (kind === 'interview') {
        credential = await services.tokens.verifyInterviewToken(token);
        if (!options.routeChecksTokenState) await assertInterviewTokenCurrent(services.database, credential);
      } else if (kind === 'admin') credential = await services.tokens.verifyAdminToken(token);
      else credential = await services.apiKeys.verify(token);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      c.get('logger').info('credential refused', {
        kind,
        reason: error instanceof Error ? error.message : 'unknown',
      });
      throw unauthorized();
    }
    const tenant = await services.tenants.find(credential.tenantId);
    if (!tenant) throw unauthorized();
    if (credential.kind === 'admin' && adminTokenRevoked(credential, tenant.settings)) {
      c.get('logger').info('credential refused', { kind, reason: 'admin tokens of the tenant revoked' });
      throw unauthorized();
    }
    checkOrigin(c, services, tenant.settings.allowedOrigins);
    limit(services, credential);
    c.set('credential', credential);
    c.set('tenant', tenant);
    await next();
  };
}

/** True when the tenant revoked admin tokens issued before this one's time (`POST /v1/admin/tokens/revoke`). */
export function adminTokenRevoked(credential: AdminCredential, settings: TenantSettings): boolean {
  const notBefore = settings.adminTokensNotBefore;
  return notBefore !== undefined && credential.issuedAt < Date.parse(notBefore);
}

/** The verified interview credential of the request. */
export function interviewCredential(c: Context<AppEnv>): InterviewCredential {
  return c.get('credential') as InterviewCredential;
}

/** The verified admin credential of the request. */
export function adminCredential(c: Context<AppEnv>): AdminCredential {
  return c.get('credential') as AdminCredential;
}

/**
 * API-key routes: the key must hold `scope` (403 `forbidden` naming the scope otherwise). Checked after the
 * key, before the route reads anything, so a missing scope says nothing about the interview asked for.
 */
export function requireScope(scope: ApiKeyScope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const credential = c.get('credential');
    if (credential?.kind !== 'api-key' || !credential.scopes.includes(scope)) {
      throw new ApiError({
        status: 403,
        code: 'forbidden',
        message: `This API key does not have the scope ${scope}`,
        details: { requiredScope: scope },
      });
    }
    await next();
  };
}

/** After `requireCredential(services, 'admin')`: 403 unless the admin token has one of `roles`. */
export function requireRole(roles: AdminRole[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const credential = c.get('credential');
    if (credential?.kind !== 'admin' || !roles.includes(credential.role)) {
      throw new ApiError({ status: 403, code: 'forbidden', message: 'Your role may not do this' });
    }
    await next();
  };
}
