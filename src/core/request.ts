/**
 * The request shapes tessera reads: a WHATWG `Request`, bare WHATWG `Headers`,
 * or a Node `IncomingMessage` (or anything with its `headers`, `method` and `socket`).
 */
export type SessionRequest = Request | Headers | NodeRequestLike | NodeHeadersLike;

/** A Node `IncomingMessage`'s `headers` object on its own (lower-case names). */
export type NodeHeadersLike = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The slice of Node's `IncomingMessage` that tessera reads. */
export interface NodeRequestLike {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly socket?: { readonly encrypted?: boolean | undefined; readonly remoteAddress?: string | undefined } | undefined;
}

/** Which proxies to believe: a hop count, or the addresses of the proxies themselves. */
export type TrustProxy = number | readonly string[];

/** What the engine needs to know about one request, read once. */
export interface RequestFacts {
  /** Reads one request header (lower-case name), or `null`. */
  header(name: string): string | null;
  readonly method: string;
  /** The request's own scheme, from the connection or a trusted proxy. */
  readonly secure: boolean;
  /** `host[:port]` as the client addressed it. */
  readonly host: string;
  /** `true` for `localhost`, `127.0.0.0/8` and `::1`, where plain http is accepted for development. */
  readonly loopback: boolean;
  /** The peer's address, or `null` when the request shape does not carry one. */
  readonly peerAddress: string | null;
}

/**
 * WHATWG `Headers` by shape, not by class: servers on Node often hand us a ponyfill
 * (`@whatwg-node/fetch` under GraphQL Yoga) or another realm's `Headers`, which
 * `instanceof Headers` would misread as a Node header object (no cookie, no content type).
 */
export function isHeadersLike(value: unknown): value is Headers {
  const candidate = value as Partial<Headers> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.get === 'function' && typeof candidate.has === 'function';
}

function isNodeHeaders(input: Request | NodeRequestLike | NodeHeadersLike): input is NodeHeadersLike {
  const headers = (input as { headers?: unknown }).headers;
  return typeof headers !== 'object' || headers === null;
}

function isWhatwgRequest(input: Request | NodeRequestLike): input is Request {
  return typeof (input as Request).url === 'string' && isHeadersLike(input.headers);
}

function nodeHeader(headers: NodeRequestLike['headers'], name: string): string | null {
  const value = headers[name];
  if (value === undefined) return null;
  return typeof value === 'string' ? value : value.join(name === 'cookie' ? '; ' : ', ');
}

/** The host name of a `host[:port]` string (brackets kept for IPv6). */
function hostName(host: string): string {
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    return close === -1 ? host : host.slice(0, close + 1);
  }
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/** `true` for the hosts where a plain-http development cookie is allowed. */
export function isLoopbackHost(host: string): boolean {
  const name = hostName(host).toLowerCase();
  return name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/**
 * The facts of one request, as an object with methods rather than a literal with a closure per
 * request; `loopback` is worked out on first read, as only a plain-http request needs it (the
 * host-name parsing and pattern test are ≈ 0.1 µs of a ≈ 17 µs load otherwise spent on every
 * https request).
 */
class ReadFacts implements RequestFacts {
  readonly method: string;
  readonly secure: boolean;
  readonly host: string;
  readonly peerAddress: string | null;
  readonly #whatwg: Headers | null;
  readonly #node: NodeRequestLike['headers'] | null;
  #loopback: boolean | undefined;

  constructor(
    whatwg: Headers | null,
    node: NodeRequestLike['headers'] | null,
    method: string,
    secure: boolean,
    host: string | null,
    peerAddress: string | null,
    trustProxy: TrustProxy,
    forwardedHost: boolean,
  ) {
    this.#whatwg = whatwg;
    this.#node = node;
    this.peerAddress = peerAddress;
    host ??= this.header('host') ?? '';
    const hops = trustedHopCount(trustProxy, peerAddress, this);
    if (hops > 0) {
      const proto = forwardedValue(this.header('x-forwarded-proto'), hops);
      if (proto !== null) secure = proto.toLowerCase() === 'https';
      // X-Forwarded-Host only when the app says its proxy sets it: a proxy that passes a client's
      // header through would let any client choose the request's own origin (the CSRF rule's).
      const forwarded = forwardedHost ? forwardedValue(this.header('x-forwarded-host'), hops) : null;
      if (forwarded !== null) host = forwarded;
    }
    this.method = method.toUpperCase();
    this.secure = secure;
    this.host = host;
  }

  header(name: string): string | null {
    const whatwg = this.#whatwg;
    return whatwg !== null ? whatwg.get(name) : nodeHeader(this.#node as NodeRequestLike['headers'], name);
  }

  get loopback(): boolean {
    return (this.#loopback ??= isLoopbackHost(this.host));
  }
}

/**
 * Reads the facts of a request; `trustProxy` says which proxies in front of us to believe
 * (their `X-Forwarded-Proto` and `X-Forwarded-For`), `forwardedHost` whether they also set
 * `X-Forwarded-Host`.
 */
export function readRequest(input: SessionRequest, trustProxy: TrustProxy, forwardedHost = false, peerAddress: string | null = null): RequestFacts {
  if (isHeadersLike(input)) return new ReadFacts(input, null, 'POST', false, null, peerAddress, trustProxy, forwardedHost);
  if (isNodeHeaders(input)) return new ReadFacts(null, input, 'POST', false, null, peerAddress, trustProxy, forwardedHost);
  if (isWhatwgRequest(input)) {
    const url = input.url;
    const start = url.indexOf('//') + 2;
    const end = url.indexOf('/', start);
    return new ReadFacts(input.headers, null, input.method, url.startsWith('https:'), url.slice(start, end === -1 ? undefined : end), peerAddress, trustProxy, forwardedHost);
  }
  const socket = input.socket;
  return new ReadFacts(null, input.headers, input.method ?? 'POST', socket?.encrypted === true, null, socket?.remoteAddress ?? peerAddress, trustProxy, forwardedHost);
}

/** How many proxies in front of us we believe, for this request. */
function trustedHopCount(trustProxy: TrustProxy, peerAddress: string | null, request: Pick<RequestFacts, 'header'>): number {
  // A hop count needs no header: X-Forwarded-For is read only to match a list of proxies.
  if (typeof trustProxy === 'number') return trustProxy;
  if (trustProxy.length === 0 || peerAddress === null) return 0;
  const chain = [
    peerAddress,
    ...(request.header('x-forwarded-for') ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .reverse(),
  ];
  let hops = 0;
  while (hops < chain.length && trustProxy.includes(normaliseAddress(chain[hops] as string))) hops++;
  return hops;
}

function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** The value a proxy `hops` steps away recorded (the list grows to the right, one entry a proxy). */
function forwardedValue(value: string | null, hops: number): string | null {
  if (value === null) return null;
  const parts = value.split(',');
  const picked = parts[Math.max(0, parts.length - hops)]?.trim();
  return picked ? picked : null;
}

/**
 * The client's address: the peer itself, or, behind trusted proxies, the address
 * the outermost trusted proxy saw. A client can prepend to `X-Forwarded-For` but
 * cannot change what our own proxies appended, so only trusted hops are read.
 */
export function clientAddress(facts: RequestFacts, trustProxy: TrustProxy): string | null {
  const forwarded = (facts.header('x-forwarded-for') ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const hops = trustedHopCount(trustProxy, facts.peerAddress, facts);
  if (hops === 0) return facts.peerAddress;
  const chain = [facts.peerAddress, ...forwarded.reverse()];
  const picked = chain[Math.min(hops, chain.length - 1)];
  return picked ? normaliseAddress(picked) : null;
}

/** The request's own origin, `scheme://host[:port]`, lower-cased. */
export function ownOrigin(facts: RequestFacts): string {
  return `${facts.secure ? 'https' : 'http'}://${facts.host.toLowerCase()}`;
}
