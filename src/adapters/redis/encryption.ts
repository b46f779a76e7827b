import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;

/** The base64 (with or without padding) or base64url of 32 bytes, and nothing else. */
const BASE64_KEY = /^(?:[A-Za-z0-9+/]{43}=?|[A-Za-z0-9_-]{43})$/;

/** True when `text` is what encoding its bytes gives back: its last character carries no stray bits. */
function canonicalBase64(text: string): boolean {
  const bytes = Buffer.from(text, 'base64');
  const unpadded = text.replace(/=$/, '');
  return bytes.toString('base64').replace(/=$/, '') === unpadded || bytes.toString('base64url') === unpadded;
}

/**
 * The 32 bytes of a user's key: a Buffer of 32 bytes, or the canonical base64 or base64url of 32 bytes.
 *
 * @throws {RangeError} otherwise; the message never names the key.
 */
export function keyBytes(key: Buffer | string): Buffer {
  // Node's base64 decoder skips what is not base64, so a passphrase or a key with stray characters of about the right
  // length would decode to 32 bytes: only the canonical text of 32 bytes is taken.
  const bytes =
    typeof key === 'string'
      ? BASE64_KEY.test(key) && canonicalBase64(key)
        ? Buffer.from(key, 'base64')
        : undefined
      : key;
  if (!Buffer.isBuffer(bytes) || bytes.length !== 32)
    throw new RangeError('encryptionKey must be 32 bytes (a Buffer, or its base64)');
  return bytes;
}

/** A key derived from the user's one key for one `purpose`, so that no two uses share a key. */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), purpose, 32));
}

/** AES-256-GCM of `plain` bound to `aad`: `iv | tag | ciphertext`. */
export function seal(key: Buffer, aad: string, plain: string): Buffer {
  const iv = randomBytes(GCM_IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
}

/** The text {@link seal} sealed, or undefined when it does not open (another key, another `aad`, tampering). */
export function open(key: Buffer, aad: string, bytes: Buffer): string | undefined {
  if (bytes.length < GCM_IV_BYTES + GCM_TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, GCM_IV_BYTES));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(bytes.subarray(GCM_IV_BYTES, GCM_IV_BYTES + GCM_TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(GCM_IV_BYTES + GCM_TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return undefined;
  }
}
