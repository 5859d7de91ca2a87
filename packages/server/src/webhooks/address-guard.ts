// SSRF guard: a tenant-supplied webhook URL must not reach the server's own network (loopback,
// private ranges, link-local cloud metadata at 169.254.169.254, ...). Names are checked when an
// endpoint is registered and again for every connection (through the socket's DNS lookup), so a
// name that later resolves to a private address (DNS rebinding) is refused too.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible or NAT64 IPv6 address. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted?.[1]) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex?.[1] && hex[2]) {
    const high = Number.parseInt(hex[1], 16);
    const low = Number.parseInt(hex[2], 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return undefined;
}

/** True for loopback, private, link-local, shared, documentation, multicast and reserved addresses. */
export function isPrivateAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) return blocked.check(address, 'ipv4');
  if (version === 6) {
    const inner = embeddedIpv4(address);
    if (inner) return blocked.check(inner, 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return true;
}

/** Why a webhook URL is refused. */
export class UnsafeUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeUrlError';
  }
}

function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** Checks scheme, credentials and (when literal) the address of a webhook URL. */
export function checkUrlShape(value: string, options: { allowPrivate: boolean }): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UnsafeUrlError('is not a valid URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && options.allowPrivate)) {
    throw new UnsafeUrlError('must use https:// (http:// only when EXITBOT_WEBHOOK_ALLOW_PRIVATE is on)');
  }
  if (url.username || url.password) throw new UnsafeUrlError('must not contain credentials');
  const host = hostOf(url);
  if (!options.allowPrivate) {
    if (isIP(host) && isPrivateAddress(host))
      throw new UnsafeUrlError('points to a private or loopback address');
    if (
      host === 'localhost' ||
      host.endsWith('.localhost') ||
      host.endsWith('.internal') ||
      host.endsWith('.local')
    ) {
      throw new UnsafeUrlError('points to a local host name');
    }
  }
  return url;
}

function resolveAll(host: string): Promise<string[]> {
  return new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(host, { all: true }, (error, result) => (error ? reject(error) : resolve(result))),
  ).then((entries) => entries.map((entry) => entry.address));
}

/** Resolves the URL's host and refuses it when any address is private (unless allowed). */
export async function assertPublicUrl(
  value: string,
  options: { allowPrivate: boolean; resolve?: (host: string) => Promise<string[]> },
): Promise<URL> {
  const url = checkUrlShape(value, options);
  if (options.allowPrivate) return url;
  const host = hostOf(url);
  if (isIP(host)) return url;
  const resolve = options.resolve ?? resolveAll;
  const addresses = await resolve(host).catch((error: NodeJS.ErrnoException) => {
    throw new UnsafeUrlError(`host does not resolve (${error.code ?? 'error'})`);
  });
  if (addresses.length === 0 || addresses.some((address) => isPrivateAddress(address))) {
    throw new UnsafeUrlError('resolves to a private or loopback address');
  }
  return url;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A `lookup` for http.request that fails the connection when the name resolves to a private address. */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) {
      callback(error, []);
      return;
    }
    const unsafe = addresses.find((entry) => isPrivateAddress(entry.address));
    if (unsafe || addresses.length === 0) {
      const refused: NodeJS.ErrnoException = new UnsafeUrlError(
        `${hostname} resolves to a private or loopback address; refused`,
      );
      refused.code = 'EXITBOT_PRIVATE_ADDRESS';
      callback(refused, []);
      return;
    }
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]?.address ?? '', addresses[0]?.family);
  });
}
