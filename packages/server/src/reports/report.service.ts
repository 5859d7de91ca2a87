import { createLlmCache, generateReport, type InterviewState, type LlmCache } from '@exitbot/sdk';
import { type Kysely, sql } from 'kysely';
import type { Encryption } from '../crypto/encryption.ts';
import { sealReport } from '../crypto/report-sealing.ts';
import { openState } from '../crypto/row-sealing.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { Database, InterviewStatus, OutboxRow } from '../db/database.ts';
import { withTenant } from '../db/scope.ts';
import { recordReportSignals, reportSignalsOf } from '../insights/insights.repository.ts';
import { findInterview, lockInterview, updateInterview } from '../interviews/interview.repository.ts';
import type { ModelProvider } from '../interviews/model-provider.ts';
import type { Logger } from '../logger.ts';
import type { TenantService } from '../tenants/tenant.service.ts';
import { upsertReport } from './report.repository.ts';

/** Options of `createReportJobHandler()`. */
export interface ReportJobOptions {
  database: DatabaseHandle;
  tenants: TenantService;
  models: ModelProvider;
  logger: Logger;
  /** Opens the interview state and seals the report (per-tenant data key). */
  encryption: Encryption;
  /** The LLM cache (shared so that an erasure can purge it). Default: a private one. */
  cache?: LlmCache;
  now?: () => number;
}

/** The outbox handler that writes an interview's report and moves the interview to completed. */
export function createReportJobHandler(options: ReportJobOptions) {
  const { database, tenants, models, logger } = options;
  const now = options.now ?? Date.now;
  const cache = options.cache ?? createLlmCache({ maxSize: 500, maxAgeMs: 3_600_000 });

  /** A purged interview whose report will never be written: no longer 'ending', report 'none'. */
  async function endWithoutReport(tenantId: string, interviewId: string, db?: Kysely<Database>) {
    const update = (scope: Kysely<Database>) =>
      scope
        .updateTable('interviews')
        .set({
          status: sql<InterviewStatus>`case when status = 'ending' then 'completed' else status end`,
          report_status: 'none',
          updated_at: new Date(now()),
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', interviewId)
        .where('status', '<>', 'erased')
        .execute();
    if (db) await update(db);
    else await withTenant(database, tenantId, update);
  }

  return async (job: OutboxRow): Promise<void> => {
    const interviewId = String(job.payload.interviewId ?? '');
    const tenant = await tenants.find(job.tenant_id);
    if (!tenant) return;
    const cipher = await options.encryption.forTenant(tenant.id);
    const row = await withTenant(database, tenant.id, (db) => findInterview(db, tenant.id, interviewId));
    const state = row ? openState<InterviewState>(cipher, interviewId, row.state) : null;
    if (!row || row.status === 'erased' || !state) {
      logger.info('report skipped', { tenantId: tenant.id, interviewId, status: row?.status ?? 'missing' });
      // Purged by retention before the report was written: it will never come, so the interview ends.
      if (row?.purged_at && row.status !== 'erased') await endWithoutReport(tenant.id, interviewId);
      return;
    }
    const engine = models.forTenant(tenant.settings, { tenantId: tenant.id, guideKey: state.guideId });
    const report = await generateReport({
      state,
      guide: engine.guide,
      ...(engine.model.provider === 'scripted' ? {} : { model: engine.model }),
      cache,
      tenantId: tenant.id,
    });
    await withTenant(database, tenant.id, async (db) => {
      // The interview may have been erased or purged while the model wrote the report: checked again under
      // the row lock (an erasure updates the row, so it waits for this transaction or this one sees it).
      const current = await lockInterview(db, tenant.id, interviewId);
      if (!current || current.status === 'erased' || current.purged_at) {
        logger.info('report dropped: the interview was erased meanwhile', {
          tenantId: tenant.id,
          interviewId,
        });
        // A purged interview that was ending must not wait for this report forever.
        if (current && current.status !== 'erased') await endWithoutReport(tenant.id, interviewId, db);
        return;
      }
      await upsertReport(db, tenant.id, interviewId, {
        source: report.source,
        body: { ...sealReport(cipher, interviewId, report as unknown as Record<string, unknown>) },
      });
      await recordReportSignals(db, tenant.id, interviewId, reportSignalsOf(report));
      await updateInterview(db, tenant.id, interviewId, {
        status: current.status === 'ending' ? 'completed' : current.status,
        report_status: 'ready',
        updated_at: new Date(now()),
      });
    });
  };
}
