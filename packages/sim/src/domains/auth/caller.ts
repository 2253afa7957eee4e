import type { FastifyRequest } from 'fastify';

/** Who the simulator says made a request when nothing identifies a user. */
export const ANONYMOUS_USER = 'anonymous';

/**
 * The user name behind a request, for fields such as a ticket's `owner` or an update's
 * `updateUser`. A WATS token is `base64("name:secret")` (both user/password tokens and
 * machine tokens from `GET /api/Auth/GetToken` have that shape), so the name is the part
 * before the colon. The simulator has no user directory: any other header is `anonymous`.
 */
export function callerName(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return ANONYMOUS_USER;
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!m) return ANONYMOUS_USER;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const name = colon > 0 ? decoded.slice(0, colon) : '';
  // Reject binary garbage: a name is printable text.
  return name !== '' && /^[^\u0000-\u001f\u007f]+$/.test(name) ? name : ANONYMOUS_USER;
}

/** The server's base URL as the client addressed it (for SCIM `meta.location`). */
export function requestOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? 'localhost'}`;
}
