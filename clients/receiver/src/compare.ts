import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality of two strings. Both sides are hashed first, so the comparison takes
 * the same time whatever their lengths and wherever they differ.
 */
export function sameText(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b)) && a.length === b.length;
}

/**
 * Whether a header that carries one value per secret (the engine's rotation form: equal-length
 * values joined by `,`, the new one first) holds `expected`. Every value is compared, in constant
 * time, whether or not an earlier one matched.
 */
export function anyValueMatches(header: string, expected: string): boolean {
  const stride = expected.length + 1;
  if ((header.length + 1) % stride !== 0) return false;
  let found = false;
  for (let at = 0; at < header.length; at += stride) {
    if (at > 0 && header[at - 1] !== ',') return false;
    if (sameText(header.slice(at, at + expected.length), expected)) found = true;
  }
  return found;
}
