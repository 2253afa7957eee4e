import { randomUUID } from 'node:crypto';
import type { SimContext } from '../../context.js';
import { HttpError } from '../../errors.js';
import { canonicalGuid, isGuid } from '../../guid.js';
import { parseScimFilter } from './scim-filter.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** A SCIM core user (RFC 7643 §4.1) as stored; `levels`/`productGroups` are WATS restrictions. */
export type ScimUser = Record<string, unknown> & {
  id: string;
  userName: string;
  active: boolean;
  meta: { resourceType: 'User'; created: string; lastModified: string; location?: string };
};

interface ScimState {
  users: Record<string, ScimUser>;
}

const STATE = 'scim';
/** Page size when `count` is not given, and the most one page holds. */
export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 1000;

function state(sim: SimContext): ScimState {
  return sim.state.get<ScimState>(STATE, () => ({ users: {} }));
}

export function saveUsers(sim: SimContext): Promise<void> {
  return sim.state.save(STATE);
}

/** A copy with `meta.location` pointing at the server the client talked to. */
function present(user: ScimUser, origin: string): ScimUser {
  const out = structuredClone(user);
  out.meta.location = `${origin}/api/SCIM/v2/Users/${user.id}`;
  return out;
}

function findByUserName(sim: SimContext, userName: string): ScimUser | undefined {
  // userName is `caseExact: false` in RFC 7643.
  const wanted = userName.toLowerCase();
  return Object.values(state(sim).users).find((u) => u.userName.toLowerCase() === wanted);
}

/** Set by the server, or never returned (`password` is `returned: never` in RFC 7643). */
const NOT_STORED = new Set(['id', 'meta', 'schemas', 'password']);

/** `POST /api/SCIM/v2/Users`: needs `userName` (unique, ignoring case); 409 when it is taken. */
export async function createUser(sim: SimContext, body: unknown, origin: string): Promise<ScimUser> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'The request body must be a SCIM User object.');
  }
  const input = body as Record<string, unknown>;
  if (typeof input.userName !== 'string' || input.userName.trim() === '') {
    throw new HttpError(400, 'userName: required (a non-empty string).');
  }
  if (input.active !== undefined && typeof input.active !== 'boolean') throw new HttpError(400, 'active: must be a boolean.');
  if (input.schemas !== undefined && (!Array.isArray(input.schemas) || !input.schemas.includes(USER_SCHEMA))) {
    throw new HttpError(400, `schemas: must include '${USER_SCHEMA}'.`);
  }
  if (findByUserName(sim, input.userName)) {
    throw new HttpError(409, `uniqueness: a user with userName '${input.userName}' already exists.`);
  }
  const now = new Date().toISOString();
  const user: ScimUser = {
    schemas: [USER_SCHEMA],
    id: randomUUID(),
    userName: input.userName,
    active: true,
    meta: { resourceType: 'User', created: now, lastModified: now },
  };
  for (const [k, v] of Object.entries(input)) {
    if (!NOT_STORED.has(k) && v !== null && v !== undefined) user[k] = v;
  }
  state(sim).users[user.id] = user;
  await saveUsers(sim);
  return present(user, origin);
}

/** The stored user (live object, for PATCH), or 404. */
export function userById(sim: SimContext, id: string): ScimUser {
  const user = isGuid(id) ? state(sim).users[canonicalGuid(id)] : undefined;
  if (!user) throw new HttpError(404, `User '${id}' was not found.`);
  return user;
}

export function getUser(sim: SimContext, id: string, origin: string): ScimUser {
  return present(userById(sim, id), origin);
}

export function getUserByUserName(sim: SimContext, userName: string, origin: string): ScimUser {
  const user = findByUserName(sim, userName);
  if (!user) throw new HttpError(404, `User with userName '${userName}' was not found.`);
  return present(user, origin);
}

export async function deleteUser(sim: SimContext, id: string): Promise<void> {
  const user = userById(sim, id);
  delete state(sim).users[user.id];
  await saveUsers(sim);
}

export interface UserListQuery {
  filter?: string;
  /** 1-based; values below 1 mean 1 (RFC 7644 §3.4.2.4). */
  startIndex?: number;
  /** Negative means 0; capped at {@link MAX_COUNT}. */
  count?: number;
}

/** `GET /api/SCIM/v2/Users`: a `ListResponse` page in creation order. */
export function listUsers(sim: SimContext, q: UserListQuery, origin: string): Record<string, unknown> {
  const predicate = q.filter !== undefined && q.filter.trim() !== '' ? parseScimFilter(q.filter) : undefined;
  const all = Object.values(state(sim).users).filter((u) => !predicate || predicate(u));
  const startIndex = Math.max(1, q.startIndex ?? 1);
  const count = Math.min(MAX_COUNT, Math.max(0, q.count ?? DEFAULT_COUNT));
  const page = all.slice(startIndex - 1, startIndex - 1 + count).map((u) => present(u, origin));
  return {
    schemas: [LIST_SCHEMA],
    totalResults: all.length,
    startIndex,
    itemsPerPage: page.length,
    Resources: page,
  };
}
