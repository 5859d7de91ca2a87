import { z } from 'zod';
import {
  defaultInvitationSettings,
  invitationSettingsPatchSchema,
  invitationSettingsSchema,
} from '../hris/invitation-settings.ts';

const originSchema = z
  .string()
  .max(300)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
    } catch {
      return false;
    }
  }, 'must be an origin like https://hr.example.com (scheme, host, optional port; no path or trailing slash)');

/** Tenant settings as the admin API reads and writes them. */
export const tenantSettingsSchema = z.object({
  /** Origins (HR portals) allowed to call the API from a browser with this tenant's tokens. */
  allowedOrigins: z.array(originSchema).max(50).default([]),
  /** Smallest group shown in aggregates (never below 3). */
  minGroupSize: z.number().int().min(3).max(1000).default(5),
  /** Smallest group behind a quote (default 10, or minGroupSize when higher; never below minGroupSize). */
  quoteMinGroupSize: z.number().int().min(3).max(1000).optional(),
  /** Days a finished interview is kept before it is purged. */
  retentionDays: z.number().int().min(1).max(3650).default(365),
  defaultLocale: z.enum(['en', 'de', 'fr', 'es']).default('en'),
  defaultMode: z.enum(['identified', 'confidential', 'anonymous']).default('confidential'),
  llm: z
    .object({
      /** Use the server's configured LLM for this tenant (false: the scripted interviewer). */
      enabled: z.boolean().default(true),
      /** Overrides the server's model name for this tenant. */
      model: z.string().min(1).max(200).optional(),
      temperature: z.number().min(0).max(2).optional(),
    })
    .default({ enabled: true }),
  /** Invitations from HRIS events: involuntary terminations, timing, reminder, due date. */
  invitations: invitationSettingsSchema.default(defaultInvitationSettings),
  /**
   * The tenant's own interview guides by key (`<id>@<version>`), validated on upload (`PUT /v1/admin/guide`).
   * Earlier versions stay so that interviews started on them finish on them.
   */
  guides: z.record(z.string().max(200), z.unknown()).default({}),
  /** Key of the guide new interviews start on; unset means the shipped default guide. */
  activeGuide: z.string().max(200).optional(),
  /**
   * Admin tokens issued before this time (ISO) are refused: set by `POST /v1/admin/tokens/revoke`, not by a
   * settings update.
   */
  adminTokensNotBefore: z.iso.datetime().optional(),
});

/** Validated tenant settings with defaults applied. */
export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

/** A partial update of the settings (PATCH body). */
export const tenantSettingsPatchSchema = z
  .object({
    allowedOrigins: tenantSettingsSchema.shape.allowedOrigins.unwrap().optional(),
    minGroupSize: z.number().int().min(3).max(1000).optional(),
    quoteMinGroupSize: z.number().int().min(3).max(1000).optional(),
    retentionDays: z.number().int().min(1).max(3650).optional(),
    defaultLocale: z.enum(['en', 'de', 'fr', 'es']).optional(),
    defaultMode: z.enum(['identified', 'confidential', 'anonymous']).optional(),
    llm: z
      .object({
        enabled: z.boolean().optional(),
        model: z.string().min(1).max(200).optional(),
        temperature: z.number().min(0).max(2).optional(),
      })
      .strict()
      .optional(),
    invitations: invitationSettingsPatchSchema.optional(),
  })
  .strict();

/** Settings with defaults for whatever the stored JSON lacks (stored JSON that no longer validates falls back per field). */
export function readTenantSettings(stored: unknown): TenantSettings {
  const parsed = tenantSettingsSchema.safeParse(stored ?? {});
  if (parsed.success) return parsed.data;
  // Keep every field that still validates (a revocation time, allowed origins...), default the others.
  const input = stored !== null && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
  const kept: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(tenantSettingsSchema.shape)) {
    if (input[key] !== undefined && schema.safeParse(input[key]).success) kept[key] = input[key];
  }
  return tenantSettingsSchema.parse(kept);
}
