import { createPublicKey, type KeyObject } from 'node:crypto';

/** The engine's public Ed25519 keys, by `kid`: where the `ed25519` scheme, `asset` and `custom` on Ed25519 find theirs. */
export interface KeySource {
  /** The key named `kid`, or undefined when there is none (even after a refresh). */
  key(kid: string): Promise<KeyObject | undefined>;
}

export interface RemoteJwksOptions {
  /** Fetch the JWKS again when a `kid` is unknown, but not more often than this. Default 1000 ms. */
  minRefreshIntervalMs?: number;
  /** Bound on one fetch. Default 5000 ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

interface Jwk {
  kty?: string;
  crv?: string;
  kid?: string;
  x?: string;
}

/**
 * The JWKS at `GET /.well-known/jwks.json` (public OKP Ed25519 keys, no auth). Fetched on first
 * use and kept; a request naming an unknown `kid` (the engine rotated its key) fetches it again,
 * at most once per `minRefreshIntervalMs`, concurrent requests sharing one fetch. A retired key
 * stays in the engine's JWKS for its grace period, so it stays here too until the next fetch.
 */
export class RemoteJwks implements KeySource {
  private keys = new Map<string, KeyObject>();
  private lastFetch = Number.NEGATIVE_INFINITY;
  private inFlight?: Promise<void>;
  /** How many times the JWKS was fetched (for monitoring, and tests). */
  fetches = 0;

  constructor(
    readonly url: string | URL,
    private readonly options: RemoteJwksOptions = {},
  ) {}

  async key(kid: string): Promise<KeyObject | undefined> {
    const known = this.keys.get(kid);
    if (known) return known;
    if (this.inFlight) await this.inFlight;
    else if (Date.now() - this.lastFetch >= (this.options.minRefreshIntervalMs ?? 1000)) {
      this.inFlight = this.refresh().finally(() => (this.inFlight = undefined));
      await this.inFlight;
    }
    return this.keys.get(kid);
  }

  private async refresh(): Promise<void> {
    this.lastFetch = Date.now();
    this.fetches += 1;
    const res = await (this.options.fetch ?? fetch)(this.url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000) });
    if (!res.ok) throw new Error(`JWKS fetch failed: ${res.status}`);
    this.keys = jwksKeys((await res.json()) as { keys?: Jwk[] });
  }
}

/** A fixed JWKS document (say, one read from a file): no refresh. */
export class StaticJwks implements KeySource {
  private readonly keys: Map<string, KeyObject>;
  constructor(jwks: { keys?: Jwk[] }) {
    this.keys = jwksKeys(jwks);
  }
  key(kid: string): Promise<KeyObject | undefined> {
    return Promise.resolve(this.keys.get(kid));
  }
}

/** The Ed25519 public keys of a JWKS document, by kid; other keys are skipped. */
function jwksKeys(jwks: { keys?: Jwk[] }): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const jwk of jwks.keys ?? []) {
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.kid || !jwk.x) continue;
    keys.set(jwk.kid, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' }));
  }
  return keys;
}
