import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * Where rest-hook notifications may go. By default only public addresses: loopback, private, link-local,
 * unique-local and unspecified addresses are refused (a subscriber must not make the server call its own
 * network), unless SUBSCRIPTION_ALLOWED_HOSTS names the host or address ("*" allows everything).
 */
export class EndpointPolicy {
  private readonly allowed: Set<string>;
  private readonly any: boolean;
  private readonly resolved = new Map<string, { ok: boolean; until: number }>();

  constructor(allowedHosts: string) {
    const list = allowedHosts
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    this.any = list.includes('*');
    this.allowed = new Set(list);
  }

  private hostAllowed(host: string): boolean {
    return this.any || this.allowed.has(host.toLowerCase().replace(/^\[|\]$/g, ''));
  }

  /** Checked when a Subscription is written: the host as written (names are resolved again at delivery). */
  checkStatic(endpoint: string): boolean {
    const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
    if (this.hostAllowed(host)) return true;
    if (isIP(host)) return !isInternal(host);
    return host !== 'localhost' && !host.endsWith('.localhost') && !host.endsWith('.local') && !host.endsWith('.internal');
  }

  /** Checked before each delivery: every address the name resolves to must be public (or the host allowed). */
  async checkResolved(endpoint: string): Promise<boolean> {
    if (!this.checkStatic(endpoint)) return false;
    const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
    if (this.hostAllowed(host) || isIP(host)) return true;
    const cached = this.resolved.get(host);
    if (cached && cached.until > Date.now()) return cached.ok;
    let ok = false;
    try {
      const addresses = await lookup(host, { all: true });
      ok = addresses.length > 0 && addresses.every((a) => !isInternal(a.address) || this.hostAllowed(a.address));
    } catch {
      ok = false;
    }
    this.resolved.set(host, { ok, until: Date.now() + 30_000 });
    return ok;
  }
}

/** Loopback, private (RFC 1918), CGNAT, link-local, unspecified, multicast and IPv6 ULA/link-local addresses. */
export function isInternal(address: string): boolean {
  if (isIP(address) === 4) {
    const [a, b] = address.split('.').map(Number);
    return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b < 128) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168) || a >= 224;
  }
  const v6 = address.toLowerCase();
  if (v6.startsWith('::ffff:')) return isInternal(v6.slice(7));
  return v6 === '::1' || v6 === '::' || v6.startsWith('fc') || v6.startsWith('fd') || v6.startsWith('fe8') || v6.startsWith('fe9') || v6.startsWith('fea') || v6.startsWith('feb') || v6.startsWith('ff');
}
