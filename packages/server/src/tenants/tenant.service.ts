import { randomUUID } from 'node:crypto';
import type { DatabaseHandle } from '../db/connect.ts';
import { withTenant, withWorker } from '../db/scope.ts';
import { ApiError, notFound } from '../errors.ts';
import {
  findTenant,
  insertTenant,
  listAllAllowedOrigins,
  updateTenantSettings,
} from './tenant.repository.ts';
import { readTenantSettings, type TenantSettings, tenantSettingsSchema } from './tenant-settings.ts';

/** A tenant as the services use it. */
export interface Tenant {
  id: string;
  name: string;
  settings: TenantSettings;
  createdAt: string;
}

const settingsCacheMs = 5_000;
const originsCacheMs = 30_000;

/** Tenants: creation, settings (cached briefly per process) and the union of allowed origins for CORS preflight. */
export type TenantService = ReturnType<typeof createTenantService>;

/** Creates the tenant service. */
export function createTenantService(options: { database: DatabaseHandle; now?: () => number }) {
  const { database } = options;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { tenant: Tenant; at: number }>();
  let origins: { set: Set<string>; at: number } | undefined;
  let originsLoading: Promise<Set<string>> | undefined;

  const toTenant = (row: { id: string; name: string; settings: unknown; created_at: Date }): Tenant => ({
    id: row.id,
    name: row.name,
    settings: readTenantSettings(row.settings),
    createdAt: row.created_at.toISOString(),
  });

  return {
    /** Creates a tenant with validated settings. */
    async create(input: { name: string; settings?: Partial<TenantSettings>; id?: string }): Promise<Tenant> {
      const id = input.id ?? randomUUID();
      const settings = tenantSettingsSchema.parse(input.settings ?? {});
      const row = await withTenant(database, id, (db) =>
        insertTenant(db, id, { name: input.name, settings }),
      );
      origins = undefined;
      return toTenant(row);
    },

    /**
     * The tenant, or undefined. Settings are cached for 5 s per process; `fresh` reads the database (for
     * decisions another process may just have changed, such as a revocation).
     */
    async find(tenantId: string, options: { fresh?: boolean } = {}): Promise<Tenant | undefined> {
      const cached = cache.get(tenantId);
      if (!options.fresh && cached && now() - cached.at < settingsCacheMs) return cached.tenant;
      const row = await withTenant(database, tenantId, (db) => findTenant(db, tenantId));
      if (!row) return undefined;
      const tenant = toTenant(row);
      if (cache.size > 10_000) cache.clear();
      cache.set(tenantId, { tenant, at: now() });
      return tenant;
    },

    /** The tenant, or 404. */
    async get(tenantId: string): Promise<Tenant> {
      const tenant = await this.find(tenantId);
      if (!tenant) throw notFound('Tenant');
      return tenant;
    },

    /**
     * Merges a settings patch into the stored settings, validates the result and stores it. The row is locked
     * while it is read and written, so concurrent updates (other processes too) never undo each other; a
     * function patch is computed from the stored settings, not from a cached copy.
     */
    async updateSettings(
      tenantId: string,
      patch: Record<string, unknown> | ((current: TenantSettings) => Record<string, unknown>),
    ): Promise<Tenant> {
      const row = await withTenant(database, tenantId, async (db) => {
        const current = await findTenant(db, tenantId, { forUpdate: true });
        if (!current) throw notFound('Tenant');
        const currentSettings = readTenantSettings(current.settings);
        if (typeof patch === 'function') patch = patch(currentSettings);
        const merged = tenantSettingsSchema.parse({
          ...currentSettings,
          ...patch,
          llm: { ...currentSettings.llm, ...((patch.llm as object | undefined) ?? {}) },
          invitations: {
            ...currentSettings.invitations,
            ...((patch.invitations as object | undefined) ?? {}),
          },
        });
        // Quotes may never need fewer interviews than figures (the database checks it too).
        if (merged.quoteMinGroupSize !== undefined && merged.quoteMinGroupSize < merged.minGroupSize) {
          throw new ApiError({
            status: 400,
            code: 'invalid-request',
            message: `quoteMinGroupSize (${merged.quoteMinGroupSize}) must be at least minGroupSize (${merged.minGroupSize})`,
            details: { issues: [{ path: 'quoteMinGroupSize', message: 'must be at least minGroupSize' }] },
          });
        }
        return updateTenantSettings(db, tenantId, merged);
      });
      if (!row) throw notFound('Tenant');
      const tenant = toTenant(row);
      cache.set(tenantId, { tenant, at: now() });
      origins = undefined;
      return tenant;
    },

    /** Every origin any tenant allows (for answering CORS preflights before the tenant is known). */
    async allAllowedOrigins(): Promise<Set<string>> {
      if (origins && now() - origins.at < originsCacheMs) return origins.set;
      originsLoading ??= withWorker(database, (db) => listAllAllowedOrigins(db))
        .then((list) => {
          const set = new Set(list);
          origins = { set, at: now() };
          return set;
        })
        .finally(() => {
          originsLoading = undefined;
        });
      return originsLoading;
    },
  };
}
