/** Address and token checks of the status server. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** True for `localhost`, 127.0.0.0/8 and ::1 (also IPv4-mapped, and with IPv6 brackets). */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  switch (isIP(h)) {
    case 4:
      return h.startsWith('127.');
    case 6:
      return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
    default:
      return false;
  }
}

/**
 * The host name of a `Host` header (`127.0.0.1:8080`, `[::1]:8080`, `localhost`), lower case
 * and without brackets; undefined when it cannot be parsed.
 */
export function hostOfHeader(header: string): string | undefined {
  try {
    const hostname = new URL(`http://${header}`).hostname;
    return hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Returns a checker for `Authorization: Bearer <token>` headers. Both sides are hashed
 * before the constant-time compare, so neither the content nor the length of the token
 * leaks through timing.
 */
export function bearerChecker(token: string): (authorization: string | undefined) => boolean {
  const expected = createHash('sha256').update(token, 'utf8').digest();
  return (authorization) => {
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    const given = createHash('sha256').update(match?.[1] ?? '', 'utf8').digest();
    // Compare even when the header is malformed, so that case takes the same time.
    return timingSafeEqual(given, expected) && match !== null;
  };
}
