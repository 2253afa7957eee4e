import type { SimContext } from '../../context.js';
import { HttpError } from '../../errors.js';
import { saveUsers, userById, type ScimUser } from './users.js';

export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * Roles the simulator knows; `roles` is refused for any other name, as the real server refuses
 * a role it cannot find. (The real list is per installation; these are stand-ins.)
 */
export const SIM_ROLES = ['Administrator', 'Manager', 'Operator', 'Viewer'] as const;

/** The paths the server accepts and the type each value must have. */
const PATHS: Record<string, 'string' | 'boolean'> = {
  fullname: 'string',
  familyname: 'string',
  givenname: 'string',
  roles: 'string',
  email: 'string',
  active: 'boolean',
  levels: 'string',
  productgroups: 'string',
};

interface CheckedOp {
  path: string;
  value: string | boolean;
}

function checkBody(body: unknown): CheckedOp[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'The request body must be a SCIM PatchOp object.');
  }
  const b = body as Record<string, unknown>;
  if (!Array.isArray(b.schemas) || !b.schemas.includes(PATCH_SCHEMA)) {
    throw new HttpError(400, `schemas: must include '${PATCH_SCHEMA}'.`);
  }
  // Attribute names are case-insensitive in SCIM: Azure AD sends "Operations", others "operations".
  const opsKey = Object.keys(b).find((k) => k.toLowerCase() === 'operations');
  const ops = opsKey === undefined ? undefined : b[opsKey];
  if (!Array.isArray(ops) || ops.length === 0) throw new HttpError(400, 'Operations: a non-empty array is required.');
  return ops.map((raw, i) => {
    const op = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    if (typeof op.op !== 'string' || op.op.toLowerCase() !== 'replace') {
      throw new HttpError(400, `Operations[${i}].op: only "replace" is supported, got ${JSON.stringify(op.op)}.`);
    }
    if (typeof op.path !== 'string' || PATHS[op.path.toLowerCase()] === undefined) {
      throw new HttpError(
        400,
        `Operations[${i}].path: must be one of fullName, familyName, givenName, roles, email, active, levels, productGroups; got ${JSON.stringify(op.path)}.`,
      );
    }
    const path = op.path.toLowerCase();
    const type = PATHS[path];
    if (typeof op.value !== type) throw new HttpError(400, `Operations[${i}].value: '${op.path}' takes a ${type}.`);
    if (path === 'roles' && !SIM_ROLES.some((r) => r.toLowerCase() === (op.value as string).toLowerCase())) {
      throw new HttpError(400, `Operations[${i}].value: role '${String(op.value)}' was not found.`);
    }
    return { path, value: op.value as string | boolean };
  });
}

function nameOf(user: ScimUser): Record<string, unknown> {
  if (typeof user.name !== 'object' || user.name === null) user.name = {};
  return user.name as Record<string, unknown>;
}

/** Adds the `;`-separated entries to a restriction list; existing ones are kept. */
function addRestrictions(current: unknown, value: string): string[] {
  const list = Array.isArray(current) ? current.filter((v): v is string => typeof v === 'string') : [];
  for (const entry of value.split(';').map((s) => s.trim()).filter(Boolean)) {
    if (!list.some((v) => v.toLowerCase() === entry.toLowerCase())) list.push(entry);
  }
  return list;
}

function apply(user: ScimUser, { path, value }: CheckedOp): void {
  switch (path) {
    case 'fullname':
      user.displayName = value;
      nameOf(user).formatted = value;
      break;
    case 'familyname':
      nameOf(user).familyName = value;
      break;
    case 'givenname':
      nameOf(user).givenName = value;
      break;
    case 'email': {
      const emails = Array.isArray(user.emails) ? (user.emails as Record<string, unknown>[]) : [];
      const primary = emails.find((e) => e.primary === true) ?? emails[0];
      if (primary) primary.value = value;
      else emails.push({ value, type: 'work', primary: true });
      user.emails = emails;
      break;
    }
    case 'roles': {
      const role = SIM_ROLES.find((r) => r.toLowerCase() === (value as string).toLowerCase())!;
      user.roles = [{ value: role, primary: true }];
      break;
    }
    case 'active':
      user.active = value as boolean;
      break;
    case 'levels':
      user.levels = addRestrictions(user.levels, value as string);
      break;
    case 'productgroups':
      user.productGroups = addRestrictions(user.productGroups, value as string);
      break;
  }
}

/**
 * `PATCH /api/SCIM/v2/Users/{id}` with SCIM PatchOp semantics as WATS implements them: only
 * `replace`, on the paths listed in the spec, values typed as the attribute. Every operation is
 * checked before any is applied, so a bad one changes nothing.
 */
export async function patchUser(sim: SimContext, id: string, body: unknown): Promise<ScimUser> {
  const user = userById(sim, id);
  const ops = checkBody(body);
  for (const op of ops) apply(user, op);
  user.meta.lastModified = new Date().toISOString();
  await saveUsers(sim);
  return user;
}
