/**
 * Base64 and UUID helpers that run anywhere `fetch` does (no `node:` imports).
 */

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Encodes bytes, or a string as UTF-8, to standard base64 (with padding).
 * @param data - Bytes, or text to encode as UTF-8 first.
 */
export function toBase64(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  let binary = '';
  // Chunked: String.fromCharCode(...bytes) overflows the call stack on large attachments.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * True for standard base64 (RFC 4648 alphabet, correct padding). Whitespace such as MIME
 * line breaks is ignored, as .NET's `Convert.FromBase64String` does.
 * @param text - The candidate.
 */
export function isBase64(text: string): boolean {
  return BASE64_RE.test(text.replace(/[\s]+/g, ''));
}

/**
 * True for a UUID in 8-4-4-4-12 hex form (any version, any case).
 * @param text - The candidate.
 */
export function isUuid(text: unknown): text is string {
  return typeof text === 'string' && UUID_RE.test(text);
}

interface MinimalCrypto {
  randomUUID?: () => string;
  getRandomValues?: (array: Uint8Array) => Uint8Array;
}

/** A random (v4) UUID from `globalThis.crypto`. */
export function randomUuid(): string {
  const c = (globalThis as { crypto?: MinimalCrypto }).crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  if (typeof c?.getRandomValues !== 'function') {
    throw new Error('no globalThis.crypto: pass an explicit report id');
  }
  // randomUUID is missing in insecure browser contexts; getRandomValues is not.
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
