import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AddressList,
  clientAddress,
  LOOPBACK_RANGES,
  notificationSourceAllowed,
  parseAddress,
  parseRange,
  YOOKASSA_NOTIFICATION_RANGES,
} from '../../../src/integrations/payments/ip-allowlist.js';

/** Reference implementation on BigInt, independent of the byte-wise one under test. */
function toBigInt(bytes: Uint8Array): bigint {
  return bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}
function refInRange(address: Uint8Array, base: Uint8Array, prefix: number): boolean {
  if (address.length !== base.length) return false;
  const bits = BigInt(address.length * 8);
  const shift = bits - BigInt(prefix);
  return toBigInt(address) >> shift === toBigInt(base) >> shift;
}

const v4 = fc.uint8Array({ minLength: 4, maxLength: 4 });
const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const v4Text = (b: Uint8Array) => [...b].join('.');
const v6Text = (b: Uint8Array) =>
  Array.from({ length: 8 }, (_, i) => ((b[i * 2]! << 8) | b[i * 2 + 1]!).toString(16)).join(':');

describe('IP allowlist: CIDR matching', () => {
  it('when any IPv4 address is checked against any IPv4 range, then the answer matches the reference', () => {
    fc.assert(
      fc.property(v4, v4, fc.integer({ min: 0, max: 32 }), (address, base, prefix) => {
        const list = new AddressList([`${v4Text(base)}/${prefix}`]);
        expect(list.has(v4Text(address))).toBe(refInRange(address, base, prefix));
      }),
    );
  });

  it('when any IPv6 address is checked against any IPv6 range, then the answer matches the reference', () => {
    fc.assert(
      fc.property(v6, v6, fc.integer({ min: 0, max: 128 }), (address, base, prefix) => {
        // Not an IPv4-mapped base: that one is an IPv4 range by design.
        fc.pre(!(base.subarray(0, 10).every((b) => b === 0) && base[10] === 0xff && base[11] === 0xff));
        const list = new AddressList([`${v6Text(base)}/${prefix}`]);
        const mapped =
          address.subarray(0, 10).every((b) => b === 0) && address[10] === 0xff && address[11] === 0xff;
        expect(list.has(v6Text(address))).toBe(!mapped && refInRange(address, base, prefix));
      }),
    );
  });

  it('when an address is written in a compressed or mixed IPv6 form, then it parses to the same bytes', () => {
    fc.assert(
      fc.property(v6, (bytes) => {
        const full = v6Text(bytes);
        const compressed = full.replace(/(^|:)0(:0)+(:|$)/, '::');
        expect(parseAddress(compressed)).toEqual(parseAddress(full));
      }),
    );
    expect(parseAddress('2a02:5180::1')).toEqual(parseAddress('2a02:5180:0:0:0:0:0:1'));
    expect(parseAddress('::ffff:185.71.76.5')).toEqual(parseAddress('185.71.76.5'));
    expect(parseAddress('::ffff:b947:4c05')).toEqual(parseAddress('185.71.76.5'));
    expect(parseAddress('[2a02:5180::1]')).toEqual(parseAddress('2a02:5180::1'));
    expect(parseAddress('fe80::1%eth0')).toEqual(parseAddress('fe80::1'));
  });

  it('when text is not an address or a range, then it is refused', () => {
    for (const bad of [
      '185.71.76',
      '185.71.076.1',
      '256.1.1.1',
      '1.2.3.4.5',
      'host.example',
      '2a02:::1',
      '1.2.3.4/33',
      '::/129',
      '1.2.3.4/x',
      '1.2.3.4/8/8',
      '',
    ]) {
      expect(parseRange(bad), bad).toBeUndefined();
    }
    expect(new AddressList(['1.2.3.0/24', 'nope']).invalid).toEqual(['nope']);
  });

  it('when YooKassa’s published ranges are used, then their edges are in and the neighbours out', () => {
    const list = new AddressList(YOOKASSA_NOTIFICATION_RANGES);
    for (const inside of [
      '185.71.76.0',
      '185.71.76.31',
      '185.71.77.17',
      '77.75.153.127',
      '77.75.156.11',
      '77.75.156.35',
      '77.75.154.200',
      '2a02:5180:0:1509::1',
      '2a02:5180:ffff::1',
      '::ffff:185.71.76.1',
    ]) {
      expect(list.has(inside), inside).toBe(true);
    }
    for (const outside of [
      '185.71.76.32',
      '185.71.78.1',
      '77.75.153.128',
      '77.75.156.12',
      '77.75.154.127',
      '2a02:5181::1',
      '127.0.0.1',
      '10.0.0.1',
    ]) {
      expect(list.has(outside), outside).toBe(false);
    }
  });
});

describe('IP allowlist: the client address behind proxies', () => {
  const proxies = new AddressList(LOOPBACK_RANGES);
  const allowlist = new AddressList(YOOKASSA_NOTIFICATION_RANGES);

  it('when a client connects directly, then X-Forwarded-For counts for nothing', () => {
    expect(
      clientAddress({ remoteAddress: '203.0.113.9', forwardedFor: '185.71.76.1', trustedProxies: proxies }),
    ).toBe('203.0.113.9');
    expect(
      notificationSourceAllowed({
        remoteAddress: '203.0.113.9',
        forwardedFor: '185.71.76.1',
        allowlist,
        trustedProxies: proxies,
      }),
    ).toEqual({
      allowed: false,
      address: '203.0.113.9',
    });
  });

  it('when our proxy forwards, then the rightmost address it did not add itself is the client', () => {
    const seen = clientAddress({
      remoteAddress: '::ffff:127.0.0.1',
      forwardedFor: '185.71.76.1, 203.0.113.9',
      trustedProxies: proxies,
    });
    expect(seen).toBe('203.0.113.9');
    expect(
      clientAddress({
        remoteAddress: '127.0.0.1',
        forwardedFor: '203.0.113.9, 185.71.76.1, 127.0.0.2',
        trustedProxies: proxies,
      }),
    ).toBe('185.71.76.1');
    expect(
      notificationSourceAllowed({
        remoteAddress: '127.0.0.1',
        forwardedFor: '185.71.76.1',
        allowlist,
        trustedProxies: proxies,
      }).allowed,
    ).toBe(true);
  });

  it('when a forged header is appended to by our proxy, then the forged part is ignored', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(v4.map(v4Text), fc.constant('185.71.76.1')), { maxLength: 5 }),
        v4,
        (forged, real) => {
          fc.pre(!allowlist.has(v4Text(real)) && !proxies.has(v4Text(real)));
          const header = [...forged, v4Text(real)].join(', ');
          const verdict = notificationSourceAllowed({
            remoteAddress: '127.0.0.1',
            forwardedFor: header,
            allowlist,
            trustedProxies: proxies,
          });
          expect(verdict).toEqual({ allowed: false, address: v4Text(real) });
        },
      ),
    );
  });

  it('when the header or the peer is garbage, then the source is not allowed', () => {
    expect(
      notificationSourceAllowed({
        remoteAddress: '127.0.0.1',
        forwardedFor: 'unknown',
        allowlist,
        trustedProxies: proxies,
      }).allowed,
    ).toBe(false);
    expect(
      notificationSourceAllowed({
        remoteAddress: undefined,
        forwardedFor: undefined,
        allowlist,
        trustedProxies: proxies,
      }).allowed,
    ).toBe(false);
  });
});
