/**
 * Which `Host` headers `sentio serve` answers to. A browser sends the name it resolved, so a
 * check of the Host header is what stops DNS rebinding: a foreign site whose name is made to
 * resolve to 127.0.0.1 would otherwise be same-origin with this server, read the bridge token
 * and drive the lights. Only the names the server is really reached at are accepted: the bound
 * address (and `localhost` for a loopback one), or for a wildcard bind every address of the
 * machine's interfaces and its host name, plus any the user names (`--allow-host`).
 */
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

/** Whether `host` is an IPv4 or IPv6 loopback address or `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

/** Whether binding `host` listens on every interface. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

/** `host` as it appears in a URL or Host header: IPv6 in brackets, lower case. */
export function urlHost(host: string): string {
  const h = host.toLowerCase();
  return isIP(h) === 6 ? `[${h}]` : h;
}

/** The names (URL form, without port) a server bound to `bindHost` is reached at. */
export function reachableNames(bindHost: string, extra: readonly string[] = []): string[] {
  const names = new Set<string>();
  if (isWildcardHost(bindHost)) {
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) {
        // Link-local IPv6 needs a zone (fe80::1%eth0), which browsers do not put in Host.
        if (a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80:')) continue;
        if (bindHost === '0.0.0.0' && a.family !== 'IPv4') continue;
        names.add(urlHost(a.address));
      }
    }
    names.add('localhost');
    const own = hostname().toLowerCase();
    if (own) names.add(own).add(own.endsWith('.local') ? own : `${own}.local`);
  } else {
    names.add(urlHost(bindHost));
    if (isLoopbackHost(bindHost)) names.add('localhost');
    // Bound by name, localhost is 127.0.0.1 or ::1, whichever the resolver gave.
    if (bindHost.toLowerCase() === 'localhost') names.add('127.0.0.1').add('[::1]');
  }
  for (const name of extra) names.add(urlHost(name));
  return [...names];
}

/** Accepts a request's Host header when it names this server: an allowed name and the bound port. */
export class HostPolicy {
  private readonly names: Set<string>;

  constructor(
    names: readonly string[],
    readonly port: number,
  ) {
    this.names = new Set(names.map((n) => n.toLowerCase()));
  }

  /** The Host header, lower-cased, when it is allowed; else null. */
  check(hostHeader: string | undefined): string | null {
    if (!hostHeader) return null;
    const host = hostHeader.toLowerCase();
    const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(host);
    if (!m) return null;
    // Browsers leave out the port only when it is the scheme's default.
    const port = m[2] === undefined ? 80 : Number(m[2]);
    return port === this.port && this.names.has(m[1]) ? host : null;
  }

  /** `host:port` of each allowed name, for messages. */
  list(): string[] {
    return [...this.names].map((n) => `${n}:${this.port}`);
  }
}
