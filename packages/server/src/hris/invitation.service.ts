// Invitations from HRIS "employee left" events: idempotent on the event id, scheduled from the last
// day (tenant settings), reminded if not started, expired after the due date; links can be re-issued
// (new token version, older tokens refused) or revoked. Sending email is out of scope: the
// `interview.invited` and `interview.reminder` webhooks carry the link, signed when they are sent.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type AuditEntry, recordAudit } from '../audit/audit.repository.ts';
import type { InterviewCredential, TokenService } from '../auth/token.service.ts';
import type { Encryption, TenantCipher } from '../crypto/encryption.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { Database, InterviewRow, NewInterview, OutboxRow } from '../db/database.ts';
import { withTenant } from '../db/scope.ts';
import { ApiError, notFound } from '../errors.ts';
import { insertInterviews } from '../interviews/interview.repository.ts';
import type { Actor } from '../interviews/interview.service.ts';
import { shownTime } from '../interviews/interview.views.ts';
import { enqueueJob } from '../jobs/outbox.repository.ts';
import type { Logger } from '../logger.ts';
import type { Tenant } from '../tenants/tenant.service.ts';
import { queueWebhookEvent } from '../webhooks/webhook-events.ts';
import type { EmployeeLeftEvent } from './hris.schemas.ts';
import { type InvitationSettings, invitationSettingsSchema } from './invitation-settings.ts';

/** Outbox topic: send the invitation of one interview at its invite time. */
export const inviteJobTopic = 'interview.invite';
/** Outbox topic: remind an employee who has not started. */
export const remindJobTopic = 'interview.remind';

const dayMs = 86_400_000;

/** What happened to one HRIS event. */
export interface EventOutcome {
  eventId: string;
  outcome: 'created' | 'updated' | 'skipped' | 'erased';
  reason: string | null;
  /** True when the event id was seen before: nothing changed now. */
  duplicate: boolean;
  interview: InvitationView | null;
  /** The link (token in the fragment), while the interview is open. */
  link: string | null;
}

/** The invitation state of an interview as the API shows it. */
export interface InvitationView {
  interviewId: string;
  status: string;
  tokenVersion: number;
  revokedAt: string | null;
  inviteAt: string | null;
  invitedAt: string | null;
  remindAt: string | null;
  remindedAt: string | null;
  openedAt: string | null;
  expiresAt: string;
}

type InvitationRow = Pick<
  InterviewRow,
  | 'id'
  | 'status'
  | 'token_version'
  | 'token_revoked_at'
  | 'invite_at'
  | 'invited_at'
  | 'remind_at'
  | 'reminded_at'
  | 'opened_at'
  | 'expires_at'
  | 'mode'
>;

/**
 * Whether the caller may receive links of interviews the employee has started (a link opens the
 * conversation so far): admins and API keys with `transcripts:read`.
 */
export interface LinkAccess {
  startedInterviews: boolean;
}

const invitationColumns = [
  'id',
  'status',
  'token_version',
  'token_revoked_at',
  'invite_at',
  'invited_at',
  'remind_at',
  'reminded_at',
  'opened_at',
  'expires_at',
  'mode',
] as const;

/** The invitation view of an interview row. */
export function invitationView(row: InvitationRow): InvitationView {
  // An anonymous interview's schedule comes from the employee's last day: by month only, as everywhere.
  const anonymous = row.mode === 'anonymous';
  return {
    interviewId: row.id,
    status: row.status,
    tokenVersion: row.token_version,
    revokedAt: shownTime(row.token_revoked_at, anonymous),
    inviteAt: shownTime(row.invite_at, anonymous),
    invitedAt: shownTime(row.invited_at, anonymous),
    remindAt: shownTime(row.remind_at, anonymous),
    remindedAt: shownTime(row.reminded_at, anonymous),
    openedAt: shownTime(row.opened_at, anonymous),
    expiresAt: shownTime(row.expires_at, anonymous),
  };
}

/** Whole months from `startDate` to `lastDay` (both YYYY-MM-DD). */
export function tenureMonths(startDate: string, lastDay: string): number {
  const [startYear, startMonth, startDay] = startDate.split('-').map(Number) as [number, number, number];
  const [endYear, endMonth, endDay] = lastDay.split('-').map(Number) as [number, number, number];
  const months = (endYear - startYear) * 12 + (endMonth - startMonth) - (endDay < startDay ? 1 : 0);
  return Math.max(0, months);
}

/** When to invite, remind and expire, from the last day and the tenant settings (never in the past). */
export function invitationSchedule(lastDay: string, settings: InvitationSettings, now: number) {
  const lastDayStart = Date.parse(`${lastDay}T00:00:00Z`);
  const planned = lastDayStart + settings.offsetDays * dayMs + settings.sendHourUtc * 3_600_000;
  const inviteAt = new Date(Math.max(planned, now));
  const remindAt =
    settings.reminderAfterDays > 0 ? new Date(inviteAt.getTime() + settings.reminderAfterDays * dayMs) : null;
  const expiresAt = new Date(inviteAt.getTime() + settings.expiresAfterDays * dayMs);
  return { inviteAt, remindAt, expiresAt };
}

/** Options of `createInvitationService()`. */
export interface InvitationServiceOptions {
  database: DatabaseHandle;
  encryption: Encryption;
  tokens: TokenService;
  logger: Logger;
  publicUrl: string;
  /** Lifetime of the session token the link is exchanged for. Default 8 hours. */
  sessionTtlMs?: number;
  /** Called after jobs were queued (the job runner polls sooner). */
  onQueued?: () => void;
  now?: () => number;
}

/** HRIS events, scheduled invitations and reminders, links, re-issue, revoke, link exchange. */
export type InvitationService = ReturnType<typeof createInvitationService>;

/** Creates the invitation service. */
export function createInvitationService(options: InvitationServiceOptions) {
  const { database, encryption, tokens, logger } = options;
  const now = options.now ?? Date.now;
  const sessionTtlMs = options.sessionTtlMs ?? 8 * 3_600_000;

  const settingsOf = (tenant: Tenant): InvitationSettings =>
    invitationSettingsSchema.parse((tenant.settings as { invitations?: unknown }).invitations ?? {});

  const audit = (
    actor: Actor,
    action: string,
    targetId: string | null,
    details?: Record<string, unknown>,
  ): AuditEntry => ({
    actorType: actor.type,
    actorId: actor.id,
    action,
    targetType: targetId ? 'interview' : null,
    targetId,
    requestId: actor.requestId ?? null,
    details: details ?? null,
  });

  async function signLink(tenantId: string, row: Pick<InterviewRow, 'id' | 'token_version' | 'expires_at'>) {
    const token = await tokens.issueInterviewToken({
      tenantId,
      interviewId: row.id,
      expiresAt: row.expires_at,
      version: row.token_version,
    });
    return { token, link: `${options.publicUrl}/i#token=${token}`, expiresAt: row.expires_at.toISOString() };
  }

  const isOpen = (row: Pick<InterviewRow, 'status' | 'token_revoked_at' | 'expires_at'>) =>
    (row.status === 'invited' || row.status === 'active') &&
    !row.token_revoked_at &&
    row.expires_at.getTime() > now();

  function lockInvitation(db: Kysely<Database>, tenantId: string, id: string) {
    return db
      .selectFrom('interviews')
      .select([
        ...invitationColumns,
        'locale',
        'started_at',
        'last_day',
        'employee_external_id',
        'employee_name',
        'employee_email',
      ])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  type LockedInvitation = NonNullable<Awaited<ReturnType<typeof lockInvitation>>>;

  async function hrisEventIdOf(
    db: Kysely<Database>,
    tenantId: string,
    interviewId: string,
  ): Promise<string | null> {
    const row = await db
      .selectFrom('hris_events')
      .select('event_id')
      .where('tenant_id', '=', tenantId)
      .where('interview_id', '=', interviewId)
      .orderBy('received_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.event_id ?? null;
  }

  /** Queues `interview.invited` or `interview.reminder` (the link is added when each request is sent). */
  async function queueInvitationEvent(
    db: Kysely<Database>,
    cipher: TenantCipher,
    row: LockedInvitation,
    type: 'interview.invited' | 'interview.reminder',
    extra: Record<string, unknown> = {},
  ) {
    const identity =
      row.mode === 'anonymous'
        ? null
        : {
            employee: {
              externalId: row.employee_external_id,
              name: row.employee_name,
              email: row.employee_email,
            },
          };
    return queueWebhookEvent(db, cipher, {
      type,
      interviewId: row.id,
      data: {
        interviewId: row.id,
        mode: row.mode,
        locale: row.locale,
        lastDay: row.last_day,
        hrisEventId: await hrisEventIdOf(db, cipher.tenantId, row.id),
        tokenVersion: row.token_version,
        ...extra,
      },
      personal: identity,
    });
  }

  async function handleEvent(db: Kysely<Database>, tenant: Tenant, event: EmployeeLeftEvent, actor: Actor) {
    const settings = settingsOf(tenant);
    const claimed = await db
      .insertInto('hris_events')
      .values({ tenant_id: tenant.id, event_id: event.eventId, outcome: 'skipped', reason: 'processing' })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'event_id']).doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (!claimed) {
      const existing = await db
        .selectFrom('hris_events')
        .select(['outcome', 'reason', 'interview_id'])
        .where('tenant_id', '=', tenant.id)
        .where('event_id', '=', event.eventId)
        .executeTakeFirstOrThrow();
      return { ...existing, duplicate: true };
    }
    // The audit log records when each anonymous event came and which interview it made; matched with the
    // HRIS's own records, that would name the employee: their entries name no interview and no request.
    const unlinked = (event.mode ?? tenant.settings.defaultMode) === 'anonymous';
    const auditEntry = (action: string, interviewId: string | null, details: Record<string, unknown>) =>
      unlinked
        ? { ...audit(actor, action, null, details), requestId: null }
        : audit(actor, action, interviewId, details);
    const settle = async (
      outcome: 'created' | 'updated' | 'skipped',
      reason: string | null,
      interviewId: string | null,
    ) => {
      await db
        .updateTable('hris_events')
        .set({ outcome, reason, interview_id: interviewId })
        .where('tenant_id', '=', tenant.id)
        .where('event_id', '=', event.eventId)
        .execute();
      await recordAudit(db, tenant.id, [auditEntry('hris.event', interviewId, { outcome, reason })]);
      return { outcome, reason, interview_id: interviewId, duplicate: false };
    };

    if (event.terminationType === 'involuntary' && !settings.inviteInvoluntary) {
      return settle('skipped', 'involuntary-termination', null);
    }
    const schedule = invitationSchedule(event.lastDay, settings, now());
    const mode = event.mode ?? tenant.settings.defaultMode;
    const anonymous = mode === 'anonymous';
    const identity = {
      employee_external_id: anonymous ? null : event.employeeId,
      employee_name: anonymous ? null : (event.name ?? null),
      employee_email: anonymous ? null : (event.email ?? null),
      department: anonymous ? null : (event.department ?? null),
      location: anonymous ? null : (event.location ?? null),
      level: anonymous ? null : (event.level ?? null),
      tenure_months: anonymous || !event.startDate ? null : tenureMonths(event.startDate, event.lastDay),
      termination_type: anonymous ? null : event.terminationType,
      last_day: anonymous ? null : event.lastDay,
    };

    if (!anonymous) {
      // A second event for someone whose invitation has not gone out yet (a corrected last day) moves it.
      const open = await db
        .selectFrom('interviews')
        .select(['id', 'status', 'invited_at'])
        .where('tenant_id', '=', tenant.id)
        .where('employee_external_id', '=', event.employeeId)
        .where('status', 'in', ['invited', 'active'])
        .where('token_revoked_at', 'is', null)
        .orderBy('created_at', 'desc')
        .forUpdate()
        .executeTakeFirst();
      if (open) {
        if (open.status !== 'invited' || open.invited_at)
          return settle('skipped', 'interview-exists', open.id);
        await db
          .updateTable('interviews')
          .set({
            ...identity,
            invite_at: schedule.inviteAt,
            remind_at: schedule.remindAt,
            expires_at: schedule.expiresAt,
            updated_at: new Date(now()),
          })
          .where('tenant_id', '=', tenant.id)
          .where('id', '=', open.id)
          .execute();
        await enqueueJob(db, tenant.id, {
          topic: inviteJobTopic,
          key: `${open.id}@${schedule.inviteAt.getTime()}`,
          payload: { interviewId: open.id },
          runAt: schedule.inviteAt,
        });
        return settle('updated', null, open.id);
      }
    }

    const row: NewInterview = {
      id: randomUUID(),
      tenant_id: tenant.id,
      status: 'invited',
      mode,
      locale: event.locale ?? tenant.settings.defaultLocale,
      ...identity,
      state: null,
      turn_reply_to: null,
      turn_locked_until: null,
      expires_at: schedule.expiresAt,
      invite_at: schedule.inviteAt,
      remind_at: schedule.remindAt,
    };
    const [inserted] = await insertInterviews(db, [row]);
    if (!inserted) throw new Error('Interview insert returned nothing');
    await recordAudit(db, tenant.id, [auditEntry('interview.create', inserted.id, { mode, source: 'hris' })]);
    return settle('created', null, inserted.id);
  }

  async function outcomeView(
    tenant: Tenant,
    access: LinkAccess,
    actor: Actor,
    eventId: string,
    result: {
      outcome: EventOutcome['outcome'];
      reason: string | null;
      interview_id: string | null;
      duplicate: boolean;
    },
  ): Promise<EventOutcome> {
    let interview: InvitationView | null = null;
    let link: string | null = null;
    if (result.interview_id) {
      const interviewId = result.interview_id;
      const row = await withTenant(database, tenant.id, (db) =>
        db
          .selectFrom('interviews')
          .select(invitationColumns)
          .where('tenant_id', '=', tenant.id)
          .where('id', '=', interviewId)
          .executeTakeFirst(),
      );
      // An event id names the employee: looked up again (a repeated event, GET /events/:id), it must not
      // lead to their anonymous interview. Only the request that created it gets it.
      const linksToEmployee = row?.mode === 'anonymous' && (result.duplicate || result.outcome !== 'created');
      if (row && !linksToEmployee) {
        interview = invitationView(row);
        // A started interview's link opens what the employee wrote so far: only for those who may read it,
        // and each one handed out is in the audit log.
        if (isOpen(row) && (row.status === 'invited' || access.startedInterviews)) {
          link = (await signLink(tenant.id, row)).link;
          if (row.status !== 'invited') {
            await withTenant(database, tenant.id, (db) =>
              recordAudit(db, tenant.id, [
                audit(actor, 'interview.link.issue', interviewId, { status: row.status }),
              ]),
            );
          }
        }
      }
    }
    return {
      eventId,
      outcome: result.outcome,
      reason: result.reason,
      duplicate: result.duplicate,
      interview,
      link,
    };
  }

  return {
    /** Handles "employee left" events in one transaction; each outcome is recorded by event id. */
    async receive(
      tenant: Tenant,
      events: EmployeeLeftEvent[],
      actor: Actor,
      access: LinkAccess,
    ): Promise<EventOutcome[]> {
      const results = await withTenant(database, tenant.id, async (db) => {
        const outcomes = [];
        for (const event of events)
          outcomes.push({ eventId: event.eventId, ...(await handleEvent(db, tenant, event, actor)) });
        return outcomes;
      });
      if (results.some((result) => !result.duplicate && result.outcome !== 'skipped')) options.onQueued?.();
      return Promise.all(results.map((result) => outcomeView(tenant, access, actor, result.eventId, result)));
    },

    /** The recorded outcome of one event id; 404 when the tenant never sent it. */
    async eventOutcome(
      tenant: Tenant,
      eventId: string,
      access: LinkAccess,
      actor: Actor,
    ): Promise<EventOutcome> {
      const row = await withTenant(database, tenant.id, (db) =>
        db
          .selectFrom('hris_events')
          .select(['outcome', 'reason', 'interview_id'])
          .where('tenant_id', '=', tenant.id)
          .where('event_id', '=', eventId)
          .executeTakeFirst(),
      );
      if (!row) throw notFound('HRIS event');
      return outcomeView(tenant, access, actor, eventId, { ...row, duplicate: true });
    },

    /** The invitation state of one interview. */
    async invitation(tenant: Tenant, interviewId: string): Promise<InvitationView> {
      const row = await withTenant(database, tenant.id, (db) =>
        db
          .selectFrom('interviews')
          .select(invitationColumns)
          .where('tenant_id', '=', tenant.id)
          .where('id', '=', interviewId)
          .executeTakeFirst(),
      );
      if (!row) throw notFound('Interview');
      return invitationView(row);
    },

    /**
     * A new link: the token version goes up (every older token stops working), a revoke is lifted and
     * an expired interview that was not finished opens again. Queues `interview.invited` (reissued).
     */
    async reissue(
      tenant: Tenant,
      interviewId: string,
      input: { expiresInDays?: number },
      actor: Actor,
      access: LinkAccess,
    ) {
      const cipher = await encryption.forTenant(tenant.id);
      const settings = settingsOf(tenant);
      const row = await withTenant(database, tenant.id, async (db) => {
        const current = await lockInvitation(db, tenant.id, interviewId);
        if (!current) throw notFound('Interview');
        if (!['invited', 'active', 'expired'].includes(current.status)) {
          throw new ApiError({
            status: 409,
            code: 'interview-closed',
            message: `A ${current.status} interview cannot be re-issued`,
            details: { status: current.status },
          });
        }
        if ((current.status === 'active' || current.started_at) && !access.startedInterviews) {
          throw new ApiError({
            status: 403,
            code: 'forbidden',
            message:
              'The employee has started this interview: its new link would open their answers, which this API key may not read',
            details: { requiredScope: 'transcripts:read' },
          });
        }
        const expired = current.status === 'expired' || current.expires_at.getTime() <= now();
        const expiresAt = input.expiresInDays
          ? new Date(now() + input.expiresInDays * dayMs)
          : expired
            ? new Date(now() + settings.expiresAfterDays * dayMs)
            : current.expires_at;
        const status =
          current.status === 'expired' ? (current.started_at ? 'active' : 'invited') : current.status;
        const updated = await db
          .updateTable('interviews')
          .set({
            token_version: current.token_version + 1,
            token_revoked_at: null,
            expires_at: expiresAt,
            status,
            invite_at:
              current.invite_at && current.invite_at.getTime() > now() ? new Date(now()) : current.invite_at,
            invited_at: current.invited_at ?? new Date(now()),
            updated_at: new Date(now()),
          })
          .where('tenant_id', '=', tenant.id)
          .where('id', '=', interviewId)
          .returning([
            ...invitationColumns,
            'locale',
            'started_at',
            'last_day',
            'employee_external_id',
            'employee_name',
            'employee_email',
          ])
          .executeTakeFirstOrThrow();
        await queueInvitationEvent(db, cipher, updated, 'interview.invited', { reissued: true });
        await recordAudit(db, tenant.id, [
          audit(actor, 'interview.reissue', interviewId, { tokenVersion: updated.token_version }),
        ]);
        return updated;
      });
      options.onQueued?.();
      const { link } = await signLink(tenant.id, row);
      return {
        invitation: invitationView(row),
        link,
        expiresAt: shownTime(row.expires_at, row.mode === 'anonymous'),
      };
    },

    /** Revokes every token of the interview at once; queues `interview.revoked`. */
    async revoke(tenant: Tenant, interviewId: string, actor: Actor): Promise<InvitationView> {
      const cipher = await encryption.forTenant(tenant.id);
      const row = await withTenant(database, tenant.id, async (db) => {
        const current = await lockInvitation(db, tenant.id, interviewId);
        if (!current) throw notFound('Interview');
        if (current.status === 'erased') throw notFound('Interview');
        if (current.token_revoked_at) return current;
        const at = new Date(now());
        const updated = await db
          .updateTable('interviews')
          .set({ token_revoked_at: at, updated_at: at })
          .where('tenant_id', '=', tenant.id)
          .where('id', '=', interviewId)
          .returning(invitationColumns)
          .executeTakeFirstOrThrow();
        await queueWebhookEvent(db, cipher, {
          type: 'interview.revoked',
          interviewId,
          data: { interviewId, revokedAt: at.toISOString() },
        });
        await recordAudit(db, tenant.id, [audit(actor, 'interview.revoke', interviewId)]);
        return updated;
      });
      options.onQueued?.();
      return invitationView(row);
    },

    /**
     * Exchanges the link's token for a session token (same version, shorter life) and records the
     * first opening. The landing page calls this at once and removes the token from the address bar.
     */
    async openSession(credential: InterviewCredential) {
      const { tenantId, interviewId } = credential;
      const row = await withTenant(database, tenantId, async (db) => {
        const current = await db
          .selectFrom('interviews')
          .select(['id', 'status', 'token_version', 'token_revoked_at', 'expires_at', 'opened_at'])
          .where('tenant_id', '=', tenantId)
          .where('id', '=', interviewId)
          .executeTakeFirst();
        if (!current || current.status === 'erased') throw notFound('Interview');
        if (!current.opened_at) {
          await db
            .updateTable('interviews')
            .set({ opened_at: new Date(now()) })
            .where('tenant_id', '=', tenantId)
            .where('id', '=', interviewId)
            .execute();
        }
        return current;
      });
      const expiresAt = new Date(
        Math.min(row.expires_at.getTime(), now() + sessionTtlMs, credential.expiresAt),
      );
      if (expiresAt.getTime() <= now()) {
        throw new ApiError({
          status: 409,
          code: 'interview-closed',
          message: 'This interview has expired',
          details: { status: 'expired' },
        });
      }
      const token = await tokens.issueInterviewToken({
        tenantId,
        interviewId,
        expiresAt,
        version: row.token_version,
      });
      return { token, expiresAt: expiresAt.toISOString(), interviewId };
    },

    /** The link of an open interview, signed now; the reason otherwise (webhook link provider). */
    async linkFor(tenantId: string, interviewId: string, eventType: string) {
      const row = await withTenant(database, tenantId, (db) =>
        db
          .selectFrom('interviews')
          .select(['id', 'status', 'token_version', 'token_revoked_at', 'expires_at'])
          .where('tenant_id', '=', tenantId)
          .where('id', '=', interviewId)
          .executeTakeFirst(),
      );
      if (!row) return { cancelled: 'interview missing' };
      if (row.token_revoked_at) return { cancelled: 'interview revoked' };
      if (eventType === 'interview.reminder' && row.status !== 'invited')
        return { cancelled: `interview ${row.status}` };
      if (!isOpen(row))
        return {
          cancelled: `interview ${row.status === 'invited' || row.status === 'active' ? 'expired' : row.status}`,
        };
      const { link, expiresAt } = await signLink(tenantId, row);
      return { link, expiresAt };
    },

    /** Outbox handler of `interview.invite`: marks the interview invited, queues the event and the reminder. */
    inviteJob: async (job: OutboxRow): Promise<void> => {
      const interviewId = String(job.payload.interviewId ?? '');
      const cipher = await encryption.forTenant(job.tenant_id);
      const queued = await withTenant(database, job.tenant_id, async (db) => {
        const row = await lockInvitation(db, job.tenant_id, interviewId);
        if (!row || row.invited_at || row.status !== 'invited' || row.token_revoked_at) return false;
        if (row.expires_at.getTime() <= now()) return false;
        // Moved later by a corrected event: the job queued with the new time does it.
        if (row.invite_at && row.invite_at.getTime() > now() + 1000) return false;
        const at = new Date(now());
        await db
          .updateTable('interviews')
          .set({ invited_at: at })
          .where('tenant_id', '=', job.tenant_id)
          .where('id', '=', interviewId)
          .execute();
        await queueInvitationEvent(db, cipher, row, 'interview.invited', { reissued: false });
        if (row.remind_at) {
          await enqueueJob(db, job.tenant_id, {
            topic: remindJobTopic,
            key: interviewId,
            payload: { interviewId },
            runAt: row.remind_at,
          });
        }
        return true;
      });
      if (queued) options.onQueued?.();
      logger.debug('invitation job', { tenantId: job.tenant_id, interviewId, sent: queued });
    },

    /** Outbox handler of `interview.remind`: queues `interview.reminder` while the employee has not started. */
    remindJob: async (job: OutboxRow): Promise<void> => {
      const interviewId = String(job.payload.interviewId ?? '');
      const cipher = await encryption.forTenant(job.tenant_id);
      const queued = await withTenant(database, job.tenant_id, async (db) => {
        const row = await lockInvitation(db, job.tenant_id, interviewId);
        if (row?.status !== 'invited' || row.token_revoked_at || row.reminded_at || !row.invited_at)
          return false;
        if (row.expires_at.getTime() <= now()) return false;
        await db
          .updateTable('interviews')
          .set({ reminded_at: new Date(now()) })
          .where('tenant_id', '=', job.tenant_id)
          .where('id', '=', interviewId)
          .execute();
        await queueInvitationEvent(db, cipher, row, 'interview.reminder');
        return true;
      });
      if (queued) options.onQueued?.();
    },
  };
}
