import { defaultGuide, type Guide, parseGuide } from '@exitbot/sdk';
import { ApiError } from '../errors.ts';
import type { TenantSettings } from './tenant-settings.ts';

/** Key of the shipped guide. */
export const defaultGuideKey = 'default';

/**
 * The key a stored custom guide is kept under: `<id>@<version>`. Interviews record it as their
 * `guideId`, so an interview started on one version finishes on it after HR uploads the next.
 */
export function guideKey(guide: Pick<Guide, 'id' | 'version'>): string {
  return `${guide.id}@${guide.version}`;
}

const parsed = new WeakMap<object, Guide>();

/** The guide stored under `key` for this tenant, with its id set to the key; the default guide for 'default'. */
export function tenantGuide(settings: TenantSettings, key: string): Guide | undefined {
  if (key === defaultGuideKey) return defaultGuide;
  const stored = settings.guides[key];
  if (!stored || typeof stored !== 'object') return undefined;
  let guide = parsed.get(stored);
  if (!guide) {
    guide = { ...parseGuide(stored), id: key };
    parsed.set(stored, guide);
  }
  return guide;
}

/** The key new interviews of this tenant start on. */
export function activeGuideKey(settings: TenantSettings): string {
  return settings.activeGuide && settings.guides[settings.activeGuide]
    ? settings.activeGuide
    : defaultGuideKey;
}

/** The guide new interviews of this tenant start on. */
export function activeGuide(settings: TenantSettings): Guide {
  return tenantGuide(settings, activeGuideKey(settings)) ?? defaultGuide;
}

/**
 * Validates an uploaded guide (the SDK's schema: a bad field is named in the message) and checks that it
 * does not silently replace a different guide stored under the same id and version.
 */
export function acceptGuide(settings: TenantSettings, input: unknown): { key: string; guide: Guide } {
  let guide: Guide;
  try {
    guide = parseGuide(input);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ApiError({
      status: 400,
      code: 'invalid-guide',
      message,
      details: {
        issues: Array.isArray((error as { cause?: unknown }).cause)
          ? (error as { cause: unknown[] }).cause
          : [],
      },
    });
  }
  if (guide.id === defaultGuideKey) {
    throw new ApiError({
      status: 400,
      code: 'invalid-guide',
      message: 'invalid guide: id: "default" is the shipped guide; give your guide another id',
      details: { issues: [{ path: 'id', message: 'reserved' }] },
    });
  }
  const key = guideKey(guide);
  const existing = settings.guides[key];
  if (existing && JSON.stringify(parseGuide(existing)) !== JSON.stringify(guide)) {
    throw new ApiError({
      status: 409,
      code: 'guide-version-exists',
      message: `A different guide is stored as ${key}; interviews may be running on it. Raise "version" to change it.`,
      details: { key },
    });
  }
  return { key, guide };
}
