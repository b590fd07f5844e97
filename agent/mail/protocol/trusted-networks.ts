/** The networks whose clients may relay without AUTH (the gateway, campus servers), from config. */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Parses `10.0.0.0/8`, `127.0.0.1`, `::1/128`...; throws on anything else (config is checked at start). */
export function trustedNetworkList(networks: readonly string[]): BlockList {
  const list = new BlockList();
  for (const network of networks) {
    const [address = '', prefixText, extra] = network.trim().split('/');
    const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
    const maxPrefix = type === 'ipv4' ? 32 : 128;
    const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
    if (!type || extra !== undefined || !/^\d{1,3}$/.test(prefixText ?? '0') || prefix > maxPrefix) {
      throw new Error(`not a network: ${network}`);
    }
    list.addSubnet(address, prefix, type);
  }
  return list;
}

/** Whether a client address is in the list (IPv4-mapped IPv6 addresses count as IPv4). */
export function isTrustedAddress(list: BlockList, address: string): boolean {
  const mapped = address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i)?.[1];
  if (mapped) return list.check(mapped, 'ipv4');
  if (isIPv4(address)) return list.check(address, 'ipv4');
  return isIPv6(address) && list.check(address, 'ipv6');
}
