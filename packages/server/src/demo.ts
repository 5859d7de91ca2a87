import type { Services } from './services.ts';

/** Fixed id of the demo tenant, so every start finds the one it made before. */
export const demoTenantId = '00000000-0000-4000-8000-00000000de70';

/** What `ensureDemo()` made or found. */
export interface DemoSeed {
  tenantId: string;
  created: boolean;
  /** An API key of the demo tenant, shown only when it was created now. */
  apiKey: string | undefined;
  /** A demo interview created now, with its link. */
  interviewLink: string;
  adminToken: string;
}

/** Creates the demo tenant on first start (idempotent), a fresh demo interview and an admin token. */
export async function ensureDemo(services: Services): Promise<DemoSeed> {
  let tenant = await services.tenants.find(demoTenantId);
  let created = false;
  let apiKey: string | undefined;
  if (!tenant) {
    tenant = await services.tenants.create({
      id: demoTenantId,
      name: 'Acme Corp (demo)',
      settings: { allowedOrigins: [new URL(services.config.publicUrl).origin], minGroupSize: 5 },
    });
    created = true;
    apiKey = (await services.apiKeys.create({ tenantId: tenant.id, name: 'demo' })).key;
  }
  await services.tokens.ensureServerKey(tenant.id);
  const [interview] = await services.interviews.create(
    tenant,
    [
      {
        mode: 'confidential',
        locale: 'en',
        expiresInDays: 7,
        attributes: {
          department: 'Engineering',
          location: 'Berlin',
          tenureMonths: 26,
          terminationType: 'voluntary',
        },
      },
    ],
    { type: 'system', id: 'seed-demo' },
  );
  const adminToken = await services.tokens.issueAdminToken({
    tenantId: tenant.id,
    subject: 'demo-admin',
    role: 'admin',
    expiresAt: new Date(Date.now() + services.config.adminTokenTtlHours * 3_600_000),
  });
  services.demoTenantId = tenant.id;
  return { tenantId: tenant.id, created, apiKey, interviewLink: interview?.link ?? '', adminToken };
}
