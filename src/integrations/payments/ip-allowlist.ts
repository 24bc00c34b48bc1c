import { isIPv6 } from 'node:net';

/**
 * YooKassa's published notification sources (yookassa.ru/developers/using-api/webhooks#ip, as reproduced by
 * many integrations [C list; the `2a02:5180::/32` form U: the 2022 SDK lists four /64s inside it]).
 */
export const YOOKASSA_NOTIFICATION_RANGES: readonly string[] = [
  '185.71.76.0/27',
  '185.71.77.0/27',
  '77.75.153.0/25',
  '77.75.156.11',
  '77.75.156.35',
  '77.75.154.128/25',
  '2a02:5180::/32',
];

/** Loopback: a reverse proxy on this host (the HTTP app trusts the same, `trust proxy: loopback`). */
export const LOOPBACK_RANGES: readonly string[] = ['127.0.0.0/8', '::1/128'];

/** An address as bytes: 4 for IPv4 (IPv4-mapped IPv6 included), 16 for IPv6. */
export type IpBytes = Uint8Array;

export interface AddressRange {
  bytes: IpBytes;
  prefix: number;
}

function parseIPv4(text: string): IpBytes | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (const [i, part] of parts.entries()) {
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    bytes[i] = Number(part);
  }
  return bytes;
}

function parseIPv6(text: string): IpBytes | undefined {
  if (!isIPv6(text)) return undefined;
  let head = text;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const bytes = parseIPv4(v4[1]!);
    if (!bytes) return undefined;
    tail.push((bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!);
    head = text.slice(0, -v4[1]!.length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const words = (s: string | undefined) =>
    s
      ? s
          .split(':')
          .filter(Boolean)
          .map((w) => parseInt(w, 16))
      : [];
  const l = words(left);
  const r = [...words(right), ...tail];
  const fill = right === undefined ? [] : new Array<number>(8 - l.length - r.length).fill(0);
  const all = right === undefined ? [...l, ...tail] : [...l, ...fill, ...r];
  if (all.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  all.forEach((w, i) => {
    bytes[i * 2] = w >> 8;
    bytes[i * 2 + 1] = w & 0xff;
  });
  return bytes;
}

/**
 * Parses an IPv4 or IPv6 address (brackets and a zone id are dropped). IPv4-mapped IPv6 (`::ffff:1.2.3.4`,
 * how Node reports IPv4 peers on a dual-stack socket) becomes the IPv4 address.
 */
export function parseAddress(text: string): IpBytes | undefined {
  const trimmed = text
    .trim()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/%.*$/, '');
  const v4 = parseIPv4(trimmed);
  if (v4) return v4;
  const v6 = parseIPv6(trimmed);
  if (!v6) return undefined;
  const mapped = v6.subarray(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? v6.slice(12) : v6;
}

/** Parses `1.2.3.0/24`, `2a02:5180::/32` or a single address (a /32 or /128). */
export function parseRange(text: string): AddressRange | undefined {
  const [address, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined || address === undefined) return undefined;
  const bytes = parseAddress(address);
  if (!bytes) return undefined;
  const max = bytes.length * 8;
  if (prefixText === undefined) return { bytes, prefix: max };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= max ? { bytes, prefix } : undefined;
}

/** Whether `address` lies in `range` (same family; the first `prefix` bits equal). */
export function inRange(address: IpBytes, range: AddressRange): boolean {
  if (address.length !== range.bytes.length) return false;
  let bits = range.prefix;
  for (let i = 0; bits > 0; i += 1, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((address[i]! & mask) !== (range.bytes[i]! & mask)) return false;
  }
  return true;
}

/** A list of ranges; `invalid` names the entries that did not parse (config reports them). */
export class AddressList {
  readonly ranges: AddressRange[] = [];
  readonly invalid: string[] = [];

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const range = parseRange(entry);
      if (range) this.ranges.push(range);
      else this.invalid.push(entry);
    }
  }

  has(address: string | IpBytes): boolean {
    const bytes = typeof address === 'string' ? parseAddress(address) : address;
    return bytes !== undefined && this.ranges.some((r) => inRange(bytes, r));
  }
}

/**
 * The client's address: the socket's peer, unless the peer is a trusted proxy — then the rightmost
 * `X-Forwarded-For` entry that is not itself a trusted proxy (entries further left are whatever the client
 * claimed and count for nothing). Undefined when that entry is not an address.
 */
export function clientAddress(input: {
  remoteAddress: string | undefined;
  forwardedFor: string | undefined;
  trustedProxies: AddressList;
}): string | undefined {
  const peer = input.remoteAddress;
  if (peer === undefined || parseAddress(peer) === undefined) return undefined;
  if (!input.trustedProxies.has(peer) || !input.forwardedFor) return peer;
  const hops = input.forwardedFor.split(',').map((h) => h.trim());
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    const hop = hops[i]!;
    if (parseAddress(hop) === undefined) return undefined;
    if (!input.trustedProxies.has(hop)) return hop;
  }
  // Every hop is one of our proxies: the first one saw the client.
  return hops[0];
}

/**
 * Whether a notification comes from YooKassa's ranges (`allowlist`), judging the address as
 * {@link clientAddress} does. The verdict is only the first gate: the payment is then fetched by id and
 * only the fetched status is trusted.
 */
export function notificationSourceAllowed(input: {
  remoteAddress: string | undefined;
  forwardedFor: string | undefined;
  allowlist: AddressList;
  trustedProxies: AddressList;
}): { allowed: boolean; address: string | undefined } {
  const address = clientAddress(input);
  return { allowed: address !== undefined && input.allowlist.has(address), address };
}
