import { z } from 'zod';

/** How HRIS events turn into invitations (part of the tenant settings, key `invitations`). */
export const invitationSettingsSchema = z.object({
  /** Invite employees whose termination was involuntary (many companies do not). */
  inviteInvoluntary: z.boolean().default(false),
  /** Days from the last day to the invitation: negative = before the last day, positive = after. */
  offsetDays: z.number().int().min(-90).max(90).default(-3),
  /** Hour of the day (UTC) invitations and reminders go out. */
  sendHourUtc: z.number().int().min(0).max(23).default(9),
  /** Days after the invitation to remind an employee who has not started (0: no reminder). */
  reminderAfterDays: z.number().int().min(0).max(60).default(3),
  /** Days after the invitation until the link expires (the due date). */
  expiresAfterDays: z.number().int().min(1).max(180).default(14),
});

/** Invitation settings with defaults applied. */
export type InvitationSettings = z.infer<typeof invitationSettingsSchema>;

/** A partial update of the invitation settings. */
export const invitationSettingsPatchSchema = z
  .object({
    inviteInvoluntary: z.boolean().optional(),
    offsetDays: z.number().int().min(-90).max(90).optional(),
    sendHourUtc: z.number().int().min(0).max(23).optional(),
    reminderAfterDays: z.number().int().min(0).max(60).optional(),
    expiresAfterDays: z.number().int().min(1).max(180).optional(),
  })
  .strict();

/** The default invitation settings. */
export const defaultInvitationSettings: InvitationSettings = invitationSettingsSchema.parse({});
