import { createHash, randomBytes } from 'node:crypto';
import type { SimContext } from '../../context.js';
import { HttpError } from '../../errors.js';

/** One issued machine token. Only a hash of its secret is kept: the token is shown once. */
interface IssuedToken {
  identifier: string;
  /** The user who asked for it. */
  owner: string;
  /** sha256 of the whole token, hex. */
  tokenHash: string;
  createdUtc: string;
  /** How many times it was reset (replaced). */
  resets: number;
}

interface AuthState {
  tokens: Record<string, IssuedToken>;
}

const STATE = 'auth-tokens';

function state(sim: SimContext): AuthState {
  return sim.state.get<AuthState>(STATE, () => ({ tokens: {} }));
}

/** Identifiers are compared ignoring case, per owner. */
function keyOf(owner: string, identifier: string): string {
  return `${owner.toLowerCase()}\u0000${identifier.toLowerCase()}`;
}

export interface IssueTokenRequest {
  owner: string;
  /** The token's identifier; `GET /api/Auth/GetToken` (no identifier) uses the owner's name. */
  identifier: string;
  /** Replace an existing token with this identifier (the old one stops being valid). */
  reset: boolean;
}

/**
 * Issues a machine token shaped like a real one: `base64("<identifier>:<secret>")`, used as
 * `Authorization: Basic <token>`. A second request for the same identifier without `reset`
 * is refused (409): the token is shown only once and cannot be fetched again.
 */
export async function issueToken(sim: SimContext, req: IssueTokenRequest): Promise<string> {
  const identifier = req.identifier.trim();
  if (identifier === '') throw new HttpError(400, 'The token identifier must not be empty.');
  if (identifier.includes(':')) throw new HttpError(400, "The token identifier must not contain ':'.");
  const s = state(sim);
  const key = keyOf(req.owner, identifier);
  const existing = s.tokens[key];
  if (existing && !req.reset) {
    throw new HttpError(
      409,
      `A token with identifier '${existing.identifier}' already exists and is shown only once; specify reset=true to replace it.`,
    );
  }
  const secret = randomBytes(24).toString('base64url');
  const token = Buffer.from(`${identifier}:${secret}`, 'utf8').toString('base64');
  s.tokens[key] = {
    identifier,
    owner: req.owner,
    tokenHash: createHash('sha256').update(token).digest('hex'),
    createdUtc: new Date().toISOString(),
    resets: existing ? existing.resets + 1 : 0,
  };
  await sim.state.save(STATE);
  return token;
}
