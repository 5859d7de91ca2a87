import { monthsUpTo, sampleInterviews } from './insights/sample-data.ts';
import { seedCompletedInterviews } from './insights/seed.ts';
import type { Services } from './services.ts';

/** Fixed id of the demo tenant, so every start finds the one it made before. */
export const demoTenantId = '00000000-0000-4000-8000-00000000de70';

/** Made-up completed interviews the demo tenant starts with, so that its dashboard has figures to show. */
export const demoSampleCount = 160;
/** Months the sample covers (the full months before the current one). */
const demoSampleMonths = 18;
/** The demo tenant keeps interviews this long, so that the retention sweep leaves the 18-month sample alone. */
const demoRetentionDays = 730;

/** What `ensureDemo()` made or found. */
export interface DemoSeed {
  tenantId: string;
  created: boolean;
  /** An API key of the demo tenant, shown only when it was created now. */
  apiKey: string | undefined;
  /** Made-up completed interviews seeded now (when the tenant had no completed interview), and their months. */
  sample: { interviews: number; from: string; to: string } | undefined;
  /** A demo interview created now, with its link. */
  interviewLink: string;
  adminToken: string;
}

/**
 * Creates the demo tenant on first start (idempotent), with a sample history of made-up completed interviews
 * over the 18 months before this one (the dashboard shows nothing below its anonymity thresholds), seeded
 * whenever the tenant has no completed interview (also after a first start that stopped half-way); then a
 * fresh demo interview and an admin token.
 */
export async function ensureDemo(services: Services): Promise<DemoSeed> {
  let tenant = await services.tenants.find(demoTenantId);
  let created = false;
  let apiKey: string | undefined;
  let sample: DemoSeed['sample'];
  if (!tenant) {
    tenant = await services.tenants.create({
      id: demoTenantId,
      name: 'Acme Corp (demo)',
      settings: {
        allowedOrigins: [new URL(services.config.publicUrl).origin],
        minGroupSize: 5,
        retentionDays: demoRetentionDays,
      },
    });
    created = true;
    apiKey = (await services.apiKeys.create({ tenantId: tenant.id, name: 'demo' })).key;
  }
  const completed = await services.interviews.list(
    tenant,
    { status: 'completed', limit: 1 },
    { identity: false },
  );
  if (completed.interviews.length === 0) {
    // A demo tenant from before the sample keeps interviews a year by default: long enough for the sample.
    if (tenant.settings.retentionDays < demoRetentionDays) {
      tenant = await services.tenants.updateSettings(tenant.id, { retentionDays: demoRetentionDays });
    }
    // Full months only: a sample day later in this month would lie in the future.
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))
      .toISOString()
      .slice(0, 7);
    const months = monthsUpTo(lastMonth, demoSampleMonths);
    // One transaction (fewer than 500 rows): all of the sample or none of it.
    await seedCompletedInterviews(
      services.database,
      tenant.id,
      sampleInterviews({ count: demoSampleCount, months }),
    );
    sample = { interviews: demoSampleCount, from: months[0] as string, to: lastMonth };
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
  return { tenantId: tenant.id, created, apiKey, sample, interviewLink: interview?.link ?? '', adminToken };
}
