import { describe, expect, it } from 'vitest';
import { assertPublicUrl, checkUrlShape, guardedLookup, isPrivateAddress } from './address-guard.ts';

describe('webhook address guard', () => {
  it.each([
    '127.0.0.1',
    '127.9.9.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.10',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    'fc00::abcd',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::10.0.0.1',
    'not-an-ip',
  ])('should call %s private', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'should call %s public',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );

  it('should refuse http, credentials, private literals and local names unless private addresses are allowed', () => {
    const strict = { allowPrivate: false };
    expect(() => checkUrlShape('http://hooks.example.com/x', strict)).toThrow(/https/);
    expect(() => checkUrlShape('https://user:pw@hooks.example.com/x', strict)).toThrow(/credentials/);
    expect(() => checkUrlShape('https://127.0.0.1:8443/x', strict)).toThrow(/private/);
    expect(() => checkUrlShape('https://[::1]/x', strict)).toThrow(/private/);
    expect(() => checkUrlShape('https://localhost/x', strict)).toThrow(/local/);
    expect(() => checkUrlShape('https://metadata.google.internal/x', strict)).toThrow(/local/);
    expect(checkUrlShape('https://hooks.example.com/x', strict).host).toBe('hooks.example.com');
    expect(checkUrlShape('http://127.0.0.1:9999/x', { allowPrivate: true }).port).toBe('9999');
  });

  it('should refuse a name that resolves to any private address, or does not resolve, when the URL is registered', async () => {
    const strict = { allowPrivate: false };
    const rebinding = async () => ['93.184.216.34', '10.0.0.7'];
    await expect(
      assertPublicUrl('https://hooks.example.com/x', { ...strict, resolve: rebinding }),
    ).rejects.toThrow(/private/);
    const missing = async () => {
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    await expect(
      assertPublicUrl('https://nowhere.example/x', { ...strict, resolve: missing }),
    ).rejects.toThrow(/ENOTFOUND/);
    const publicOnly = async () => ['93.184.216.34'];
    expect(
      (await assertPublicUrl('https://hooks.example.com/x', { ...strict, resolve: publicOnly })).host,
    ).toBe('hooks.example.com');
  });

  it('should fail the connection when the name resolves to a private address at send time (DNS rebinding)', async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      guardedLookup('localhost', { all: true }, (failure) => resolve(failure)),
    );
    expect(error?.code).toBe('EXITBOT_PRIVATE_ADDRESS');
  });
});
