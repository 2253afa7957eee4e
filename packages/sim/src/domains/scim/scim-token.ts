import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { SimContext } from '../../context.js';
import { HttpError } from '../../errors.js';

/** The default lifetime of a SCIM provisioning token, in days (the spec says 90). */
export const DEFAULT_DURATION_DAYS = 90;

interface JwtState {
  /** HMAC key of this simulator's tokens (base64url), made once. */
  secret: string;
  /** Ids (`jti`) of the tokens issued, with their expiry. */
  issued: { jti: string; subject: string; expiresUtc: string }[];
}

const STATE = 'scim-jwt';

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * `GET /api/SCIM/v2/Token[?duration=days]`: a JSON Web Token (HS256) for automatic provisioning,
 * answered as `{ token, expiresUtc, durationDays }`. `duration` must be at least 1 day.
 */
export async function issueScimToken(sim: SimContext, subject: string, duration: number | undefined, issuer: string) {
  const days = duration ?? DEFAULT_DURATION_DAYS;
  if (!Number.isInteger(days) || days < 1) throw new HttpError(400, `duration: must be a whole number of days >= 1, got ${days}.`);
  const s = sim.state.get<JwtState>(STATE, () => ({ secret: randomBytes(32).toString('base64url'), issued: [] }));
  const now = Date.now();
  const expires = new Date(now + days * 86_400_000);
  const jti = randomUUID();
  const header = b64url({ alg: 'HS256', typ: 'JWT' });
  const payload = b64url({
    iss: issuer,
    aud: 'scim',
    sub: subject,
    jti,
    iat: Math.floor(now / 1000),
    exp: Math.floor(expires.getTime() / 1000),
  });
  const signature = createHmac('sha256', Buffer.from(s.secret, 'base64url')).update(`${header}.${payload}`).digest('base64url');
  s.issued.push({ jti, subject, expiresUtc: expires.toISOString() });
  await sim.state.save(STATE);
  return { token: `${header}.${payload}.${signature}`, expiresUtc: expires.toISOString(), durationDays: days };
}
