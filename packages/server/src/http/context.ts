import type { ApiKeyCredential } from '../auth/api-key.service.ts';
import type { AdminCredential, InterviewCredential } from '../auth/token.service.ts';
import type { Logger } from '../logger.ts';
import type { Tenant } from '../tenants/tenant.service.ts';

/** A verified credential of any kind. */
export type Credential = InterviewCredential | AdminCredential | ApiKeyCredential;

/** Hono environment of every route: the request id, a logger bound to it, and (after auth) the credential and tenant. */
export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    credential: Credential;
    tenant: Tenant;
  };
}
