// Outbound HTTP for server-side FHIR reads (CDS service, findings command), hardened against SSRF:
// - only https, unless the caller allows http (local demo, explicit setting);
// - the host name is resolved here and the connection goes to the address that was checked, so a
//   DNS answer that changes between check and connect (rebinding) cannot point it elsewhere;
// - loopback, private, link-local (incl. the cloud metadata address), unique-local, unspecified,
//   multicast and other non-public addresses are refused, unless explicitly allowed;
// - redirects are never followed here (`redirect: 'manual'`): the caller decides hop by hop and
//   sends each hop back through this function, so every hop is checked the same way.
// Refusals go to the security log; the error the caller sees says only "refused".
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Readable } from 'node:stream';
import ipaddr from 'ipaddr.js';
import { securityEvent } from '../log/security';

export interface SafeFetchOptions {
  /** Accept http:// URLs (local demo or CDS_ALLOW_HTTP_FHIR). */
  readonly allowHttp?: boolean;
  /** Accept non-public addresses everywhere (CDS_ALLOW_PRIVATE_FHIR=true, for a FHIR server inside the network). */
  readonly allowPrivate?: boolean;
  /** Origins exempt from the address and scheme checks (the demo's own origin). */
  readonly exemptOrigins?: readonly string[];
  /** Largest response body accepted (bytes). */
  readonly maxResponseBytes?: number;
  /** DNS resolution, replaceable in tests. */
  readonly resolve?: (hostname: string) => Promise<LookupAddress[]>;
}

export class OutboundRefusedError extends TypeError {
  constructor(readonly reason: string) {
    super('outbound request refused');
  }
}

/** True only for ordinary public unicast addresses. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

const systemResolve = (hostname: string): Promise<LookupAddress[]> =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

function refuse(event: 'outbound.refused', reason: string, host: string): never {
  securityEvent(event, { reason, host });
  throw new OutboundRefusedError(reason);
}

/** A `fetch` with the checks above. One connection pool per created function. */
export function createSafeFetch(options: SafeFetchOptions = {}): typeof fetch {
  const resolve = options.resolve ?? systemResolve;
  const maxBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
  const exempt = new Set((options.exemptOrigins ?? []).map((o) => new URL(o).origin));

  // Called by net.connect for every host name: resolve, check every answer, connect to a checked one.
  const checkedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const usable = options.allowPrivate ? addresses : addresses.filter((a) => isPublicAddress(a.address));
        if (usable.length === 0 || usable.length !== addresses.length) {
          securityEvent('outbound.refused', { reason: 'non-public address', host: hostname });
          callback(new OutboundRefusedError('non-public address'), '', 4);
          return;
        }
        if (lookupOptions.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 4),
    );
  };
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

  const safeFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const isExempt = exempt.has(url.origin);
    if (!isExempt) {
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && options.allowHttp)) refuse('outbound.refused', 'scheme not allowed', url.host);
      if (url.username || url.password) refuse('outbound.refused', 'credentials in URL', url.host);
      // net.connect skips the lookup for an address literal, so check literals here.
      const literal = url.hostname.replace(/^\[|\]$/g, '');
      if (isIP(literal) && !options.allowPrivate && !isPublicAddress(literal)) refuse('outbound.refused', 'non-public address', url.host);
    } else if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      refuse('outbound.refused', 'scheme not allowed', url.host);
    }
    const response = await send(url, init, agents[url.protocol as 'http:' | 'https:'], isExempt ? undefined : checkedLookup, maxBytes);
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      let target: URL | undefined;
      try {
        target = location ? new URL(location, url) : undefined;
      } catch {
        target = undefined;
      }
      if (target && target.origin !== url.origin) {
        // The transport follows redirects only within the FHIR base, so one to another origin ends here.
        securityEvent('outbound.redirect-refused', { host: url.host, to: target.host });
      }
    }
    return response as unknown as Response;
  };
  return safeFetch as typeof fetch;
}

function headerRecord(headers: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(headers).forEach((value, key) => {
    out[key] = value;
  });
  // Decoded below; ask for the common encodings only.
  out['accept-encoding'] = 'gzip, deflate, br';
  return out;
}

/** One HTTP exchange through node:http(s), answered as a WHATWG Response; no redirect following. */
function send(url: URL, init: RequestInit, agent: http.Agent, lookup: LookupFunction | undefined, maxBytes: number): Promise<Response> {
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise<Response>((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: init.method ?? 'GET',
        headers: headerRecord(init.headers),
        agent,
        ...(lookup ? { lookup } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 599) {
          res.destroy();
          reject(new TypeError('unexpected HTTP status'));
          return;
        }
        const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
        let stream: Readable = res;
        if (encoding === 'gzip' || encoding === 'x-gzip') stream = res.pipe(createGunzip());
        else if (encoding === 'deflate') stream = res.pipe(createInflate());
        else if (encoding === 'br') stream = res.pipe(createBrotliDecompress());
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            reject(new TypeError('response too large'));
            return;
          }
          chunks.push(chunk);
        });
        stream.on('error', (e) => reject(new TypeError('response could not be read', { cause: e })));
        stream.on('end', () => {
          const headers = new Headers();
          for (const [key, value] of Object.entries(res.headers)) {
            if (value === undefined || key === 'content-encoding' || key === 'content-length') continue;
            for (const v of Array.isArray(value) ? value : [value]) headers.append(key, v);
          }
          const empty = status === 204 || status === 205 || status === 304;
          resolve(new Response(empty ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers }));
        });
      },
    );
    req.on('error', (e) => reject(e instanceof OutboundRefusedError ? e : new TypeError('fetch failed', { cause: e })));
    if (typeof init.body === 'string') req.write(init.body);
    req.end();
  });
}
