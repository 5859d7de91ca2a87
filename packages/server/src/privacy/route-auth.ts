import type { Context, MiddlewareHandler } from 'hono';
import type { ApiKeyCredential } from '../auth/api-key.service.ts';
import type { ApiKeyScope } from '../auth/api-key-scopes.ts';
import type { AdminCredential } from '../auth/token.service.ts';
import { requireCredential, requireRole, requireScope } from '../http/auth.ts';
import type { AppEnv } from '../http/context.ts';
import type { Actor } from '../interviews/interview.service.ts';
import type { Services } from '../services.ts';

/**
 * Accepts an API key (`Bearer exb_...`, the HRIS) holding `scope`, or an admin token with the admin role
 * (the HR admin page); analysts are refused. Both bind the tenant from the verified credential.
 */
export function requireApiKeyOrAdmin(services: Services, scope: ApiKeyScope): MiddlewareHandler<AppEnv> {
  const apiKey = requireCredential(services, 'api-key');
  const scoped = requireScope(scope);
  const admin = requireCredential(services, 'admin');
  const onlyAdmins = requireRole(['admin']);
  return async (c, next) => {
    const header = c.req.header('authorization')?.trim() ?? '';
    if (header.startsWith('Bearer exb_')) return apiKey(c, () => scoped(c, next) as Promise<void>);
    return admin(c, () => onlyAdmins(c, next) as Promise<void>);
  };
}

/** Requires an admin token with the admin role. */
export function requireAdmin(services: Services): MiddlewareHandler<AppEnv> {
  const admin = requireCredential(services, 'admin');
  const onlyAdmins = requireRole(['admin']);
  return (c, next) => admin(c, () => onlyAdmins(c, next) as Promise<void>);
}

/** The acting credential for the audit log. */
export function actorOf(c: Context<AppEnv>): Actor {
  const credential = c.get('credential');
  const requestId = c.get('requestId');
  if (credential.kind === 'api-key')
    return { type: 'api-key', id: (credential as ApiKeyCredential).keyId, requestId };
  if (credential.kind === 'admin')
    return { type: 'admin', id: (credential as AdminCredential).subject, requestId };
  return { type: 'employee', id: null, requestId };
}
