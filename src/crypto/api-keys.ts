import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Tenant API keys look like `hk_<prefix>_<secret>`. The prefix is public (it
 * finds the key and tells keys apart in lists); the whole key is stored only
 * as a SHA-256 hash, which suffices for 192 random bits.
 */
const KEY_PATTERN = /^hk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{32})$/;

export interface GeneratedApiKey {
  key: string;
  prefix: string;
  hash: Buffer;
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = randomBytes(9).toString('base64').replace(/[+/=]/g, '').padEnd(12, 'x').slice(0, 12);
  const key = `hk_${prefix}_${randomBytes(24).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function apiKeyPrefix(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
