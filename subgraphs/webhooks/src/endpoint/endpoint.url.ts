/**
 * Where a node may send a partner's events: exactly the URL the partner registered, and only over https to a public
 * address, so that a registration can never make the node call into its own network (the database, a cloud
 * metadata service, another node). Checked when the URL is registered (its form, and the address when the host is
 * an IP) and again at every delivery, on the addresses its name resolves to (a name may point anywhere later).
 * `http://` to the machine itself (127.0.0.1, localhost, [::1]) only when the node allows loopback receivers.
 */
import { BlockList, isIP } from 'node:net';
import { badInput } from '@lilong/kit';

export const MAX_URL_LENGTH = 2000;

/** Addresses no delivery goes to: this host, private networks, link-local (cloud metadata), multicast, reserved. */
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['64:ff9b::', 96]] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** `::ffff:10.0.0.1` is 10.0.0.1. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** Whether a delivery may connect to this IP address. */
export function mayConnectTo(ip: string, allowLoopback: boolean): boolean {
  const { address, family } = unmapped(ip);
  if (allowLoopback && LOOPBACK.check(address, family)) return true;
  return !NOT_PUBLIC.check(address, family);
}

const isLoopbackName = (host: string) => host === 'localhost' || host === '127.0.0.1' || host === '[::1]';

/** The registered URL, checked; or BAD_USER_INPUT naming `argument`. */
export function checkEndpointUrl(raw: string, argument: string, allowLoopback: boolean): URL {
  const refuse = (en: string, zh: string) => badInput(argument, en, zh);
  if (raw.length > MAX_URL_LENGTH) throw refuse(`must be at most ${MAX_URL_LENGTH} characters.`, `不能超过 ${MAX_URL_LENGTH} 个字符。`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('is not a URL (https://...).', '不是有效的网址（https://...）。');
  }
  const loopbackHttp = url.protocol === 'http:' && isLoopbackName(url.hostname);
  if (url.protocol !== 'https:' && !(loopbackHttp && allowLoopback)) {
    throw loopbackHttp
      ? refuse('http:// to this machine is not allowed on this node; use https://.', '本节点不允许 http:// 本机地址，请使用 https://。')
      : refuse(`must be an https:// URL, not ${url.protocol}//.`, `须为 https:// 网址，不能是 ${url.protocol}//。`);
  }
  if (url.username !== '' || url.password !== '') throw refuse('must not carry a user name or password; authenticate by the signature.', '网址中不能包含用户名或密码，请用签名验证来源。');
  if (url.hash !== '' || raw.includes('#')) throw refuse('must not have a #fragment.', '网址不能包含 # 片段。');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!(allowLoopback && isLoopbackName(url.hostname))) {
    if (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && !mayConnectTo(host, false))) {
      throw refuse('must point to a public address, not this machine or a private network.', '须指向公网地址，不能是本机或内网地址。');
    }
  }
  return url;
}
