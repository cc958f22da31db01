import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../src/crypto/secret-box';

const key = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const box = new SecretBox(key);
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** Replaces part `index` of a `v1:<iv>:<tag>:<ciphertext>` string, flipping one bit of its first byte. */
function flipFirstBit(sealed: string, index: number): string {
  const parts = sealed.split(':');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join(':');
}

describe('SecretBox', () => {
  it('opens what it sealed', () => {
    expect(box.open(box.seal(secret))).toBe(secret);
  });

  it('round-trips non-ASCII and empty plaintext', () => {
    expect(box.open(box.seal('clé secrète ✓'))).toBe('clé secrète ✓');
    expect(box.open(box.seal(''))).toBe('');
  });

  it('seals as v1:<iv>:<tag>:<ciphertext> with a 12-byte IV, a 16-byte tag and no plaintext visible', () => {
    const sealed = box.seal(secret);
    const [version, iv, tag, ciphertext, ...rest] = sealed.split(':');
    expect(version).toBe('v1');
    expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(ciphertext!, 'base64url')).toHaveLength(Buffer.byteLength(secret));
    expect(rest).toEqual([]);
    expect(sealed).not.toContain('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
  });

  it('seals the same plaintext differently each time (random IV), and both open', () => {
    const a = box.seal(secret);
    const b = box.seal(secret);
    expect(a).not.toBe(b);
    expect(a.split(':')[1]).not.toBe(b.split(':')[1]);
    expect(box.open(a)).toBe(secret);
    expect(box.open(b)).toBe(secret);
  });

  it('refuses to open a tampered ciphertext', () => {
    expect(() => box.open(flipFirstBit(box.seal(secret), 3))).toThrow('Unsupported state or unable to authenticate data');
  });

  it('refuses to open with a tampered tag', () => {
    expect(() => box.open(flipFirstBit(box.seal(secret), 2))).toThrow('Unsupported state or unable to authenticate data');
  });

  it('refuses to open with a tampered IV', () => {
    expect(() => box.open(flipFirstBit(box.seal(secret), 1))).toThrow('Unsupported state or unable to authenticate data');
  });

  // GCM without a fixed tag length accepts any prefix of the real tag (down to 4 bytes),
  // so a forger would need 2^32 guesses rather than 2^128. The box should demand the full 16 bytes.
  it('refuses to open with the tag truncated to its first 4 bytes', () => {
    const parts = box.seal(secret).split(':');
    parts[2] = Buffer.from(parts[2]!, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => box.open(parts.join(':'))).toThrow();
  });

  it('cannot open with a different key', () => {
    const sealed = box.seal(secret);
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow('Unsupported state or unable to authenticate data');
  });

  it('opens with a new box built on the same key bytes', () => {
    expect(new SecretBox(Buffer.from(key)).open(box.seal(secret))).toBe(secret);
  });

  it.each([31, 16, 33, 0])('refuses a %i-byte key', (length) => {
    expect(() => new SecretBox(Buffer.alloc(length, 7))).toThrow('SecretBox needs a 32-byte key');
  });

  it.each([
    ['plain text', secret],
    ['an unknown version', 'v2:AAAA:AAAA:AAAA'],
    ['a missing ciphertext part', 'v1:AAAA:AAAA'],
    ['an empty IV', 'v1::AAAA:AAAA'],
    ['an empty string', ''],
  ])('refuses %s as an unrecognised format', (_label, sealed) => {
    expect(() => box.open(sealed)).toThrow('Unrecognised sealed secret format');
  });
});
