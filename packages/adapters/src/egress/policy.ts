import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { NonRetriableError } from '@llm-rag-yt/orchestrator';
import ipaddr from 'ipaddr.js';

/*
 * Server-side request forgery fence. URLs from users (API, CLI, bot, run config) make this
 * process (and yt-dlp) connect somewhere; without a fence a user could reach 127.0.0.1, the
 * LAN or the cloud metadata service (169.254.169.254). Every connection to a user-named host
 * goes through `EgressPolicy.lookup`: the name is resolved once, every address is classified,
 * and the connection is made to the vetted address (no second resolution an attacker's DNS could
 * answer differently). Only ipaddr.js's `unicast` range (public addresses) passes; loopback,
 * private, link-local, CGNAT, multicast, unspecified, reserved, IPv4-mapped/-embedding IPv6 and
 * the rest are refused unless the operator allows them (FETCH_ALLOW_HOSTS).
 */

/** A connection the policy refused. The message is the same whatever is (or is not) listening there. */
export class EgressRefusedError extends NonRetriableError {
  readonly host: string;
  constructor(host: string, detail: string) {
    super(
      `Refused to fetch from '${host}': ${detail}. Only public internet addresses may be fetched; ` +
        'an operator can allow a host or network with FETCH_ALLOW_HOSTS (e.g. "media.lan,10.0.0.0/8").',
    );
    this.name = 'EgressRefusedError';
    this.host = host;
  }
}

export interface EgressPolicyOptions {
  /** Host names (exact, or `*.example.com` for subdomains), IPs and CIDRs that may be reached anyway. */
  allow?: readonly string[];
  /** DNS resolution; tests may substitute one. Default: the system resolver (dns.lookup, all addresses). */
  resolve?: (host: string) => Promise<LookupAddress[]>;
}

const systemResolve = (host: string): Promise<LookupAddress[]> =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses),
    ),
  );

function describeRange(range: string): string {
  const names: Record<string, string> = {
    loopback: 'a loopback address',
    private: 'a private network address',
    linkLocal: 'a link-local address (e.g. the cloud metadata service)',
    carrierGradeNat: 'a carrier-grade NAT address',
    uniqueLocal: 'a private (unique local) IPv6 address',
    multicast: 'a multicast address',
    broadcast: 'the broadcast address',
    unspecified: 'the unspecified address',
    ipv4Mapped: 'an IPv4-mapped IPv6 address',
  };
  return names[range] ?? `a non-public address (${range})`;
}

/** Parses one FETCH_ALLOW_HOSTS entry; throws with the entry named when it is neither a host nor a CIDR. */
function parseAllowEntry(entry: string): { cidr: [ipaddr.IPv4 | ipaddr.IPv6, number] } | { host: string } {
  const e = entry.trim().toLowerCase();
  if (e.includes('/')) {
    if (!ipaddr.isValidCIDR(e)) throw new Error(`FETCH_ALLOW_HOSTS entry '${entry}' is not a valid CIDR.`);
    return { cidr: ipaddr.parseCIDR(e) };
  }
  const bare = e.startsWith('[') && e.endsWith(']') ? e.slice(1, -1) : e;
  if (isIP(bare)) {
    const a = ipaddr.parse(bare);
    return { cidr: [a, a.kind() === 'ipv4' ? 32 : 128] };
  }
  if (!/^(\*\.)?[a-z0-9_.-]+$/.test(e))
    throw new Error(`FETCH_ALLOW_HOSTS entry '${entry}' is not a host name.`);
  return { host: e };
}

export class EgressPolicy {
  private readonly hosts: string[] = [];
  private readonly cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  private readonly resolveHost: (host: string) => Promise<LookupAddress[]>;

  constructor(opts: EgressPolicyOptions = {}) {
    for (const entry of opts.allow ?? []) {
      if (!entry.trim()) continue;
      const parsed = parseAllowEntry(entry);
      if ('host' in parsed) this.hosts.push(parsed.host);
      else this.cidrs.push(parsed.cidr);
    }
    this.resolveHost = opts.resolve ?? systemResolve;
  }

  /** True when the operator allowed this host name. */
  hostAllowed(host: string): boolean {
    const h = host.toLowerCase().replace(/\.$/, '');
    return this.hosts.some((a) => (a.startsWith('*.') ? h.endsWith(a.slice(1)) : a === h));
  }

  /** Why this address may not be reached, or null when it may. */
  addressProblem(address: string): string | null {
    let ip: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      // process(): IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it carries.
      ip = ipaddr.process(address);
    } catch {
      return 'an address that cannot be parsed';
    }
    if (this.cidrs.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits))) return null;
    const range = ip.range();
    return range === 'unicast' ? null : describeRange(range);
  }

  /**
   * Resolves `host` and returns the addresses to connect to, all of them public (or allowed).
   * Throws EgressRefusedError otherwise; one bad address refuses the name (no picking).
   */
  async resolve(host: string): Promise<LookupAddress[]> {
    const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    if (isIP(bare)) {
      const problem = this.addressProblem(bare);
      if (problem) throw new EgressRefusedError(host, `it is ${problem}`);
      return [{ address: bare, family: isIP(bare) }];
    }
    if (this.hostAllowed(bare)) return this.resolveHost(bare);
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolveHost(bare);
    } catch {
      throw new EgressRefusedError(host, 'the name does not resolve');
    }
    if (addresses.length === 0) throw new EgressRefusedError(host, 'the name does not resolve');
    for (const a of addresses) {
      const problem = this.addressProblem(a.address);
      if (problem) throw new EgressRefusedError(host, `it resolves to ${problem}`);
    }
    return addresses;
  }

  /** Refuses a URL whose scheme is not http(s) or whose host is not public. Returns the parsed URL. */
  async assertPublicUrl(url: string | URL): Promise<URL> {
    const u = typeof url === 'string' ? new URL(url) : url;
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw new EgressRefusedError(u.host || u.href.slice(0, 100), `only http and https URLs are fetched`);
    }
    // WHATWG URL already turned hex, octal and decimal IPv4 forms into dotted quads.
    await this.resolve(u.hostname);
    return u;
  }

  /** A `lookup` for net.connect / http.request that only ever yields vetted addresses. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname).then(
      (addresses) => {
        const family = typeof options === 'object' ? options.family : undefined;
        const wanted =
          family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
        const list = wanted.length ? wanted : addresses;
        if (typeof options === 'object' && options.all)
          (callback as (e: null, a: LookupAddress[]) => void)(null, list);
        else callback(null, list[0]!.address, list[0]!.family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };
}
