import { describe, expect, it } from 'vitest';
import { readTenantSettings } from './tenant-settings.ts';

describe('readTenantSettings', () => {
  it('should apply the defaults to what is stored', () => {
    expect(readTenantSettings({ minGroupSize: 7 })).toMatchObject({ minGroupSize: 7, retentionDays: 365 });
    expect(readTenantSettings(null).minGroupSize).toBe(5);
  });

  it('should keep every field that still validates when another no longer does', () => {
    const settings = readTenantSettings({
      minGroupSize: 2, // below today's floor of 3
      allowedOrigins: ['https://hr.example.com'],
      adminTokensNotBefore: '2026-11-25T12:00:00.000Z',
      defaultLocale: 'de',
    });
    expect(settings.minGroupSize).toBe(5);
    expect(settings.allowedOrigins).toEqual(['https://hr.example.com']);
    expect(settings.adminTokensNotBefore).toBe('2026-11-25T12:00:00.000Z');
    expect(settings.defaultLocale).toBe('de');
  });
});
