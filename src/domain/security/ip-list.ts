import { BlockList, isIP } from 'node:net';

/** `::ffff:1.2.3.4` (an IPv4 client on a dual-stack socket) is `1.2.3.4`. */
export function normalizeIp(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return (mapped ? mapped[1]! : ip).toLowerCase();
}

/** A set of addresses and CIDR blocks (IPv4 and IPv6), for blacklists and trusted proxies. */
export class IpList {
  private readonly blocks = new BlockList();
  readonly size: number;

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address = '', bits] = entry.split('/');
      const ip = normalizeIp(address);
      const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
      if (isIP(ip) === 0) throw new Error(`"${entry}" is not an IP address or CIDR block`);
      if (bits === undefined) this.blocks.addAddress(ip, family);
      else this.blocks.addSubnet(ip, Number(bits), family);
    }
    this.size = entries.length;
  }

  has(ip: string): boolean {
    const normal = normalizeIp(ip);
    const family = isIP(normal);
    if (family === 0) return false;
    return this.blocks.check(normal, family === 6 ? 'ipv6' : 'ipv4');
  }
}

/** Loopback, private, link-local, reserved and similar addresses: no country to look up. */
export function isPublicIp(ip: string): boolean {
  return !NON_PUBLIC.has(normalizeIp(ip)) && isIP(normalizeIp(ip)) !== 0;
}

const NON_PUBLIC = new IpList([
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/3',
  '::/128', '::1/128', 'fc00::/7', 'fe80::/10', 'ff00::/8', '2001:db8::/32', '64:ff9b::/96',
]);
