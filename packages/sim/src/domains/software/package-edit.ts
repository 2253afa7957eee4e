import { randomUUID } from 'node:crypto';
import { HttpError } from '../../errors.js';
import { asBoolean, asInt32, asString, BodyProblems, objectBody, optional, optionalGuid, parseTags } from '../body-fields.js';
import {
  parseStatus,
  sameName,
  type PackageRecord,
  type PackageStatus,
  type PackageTag,
  type SoftwareDomainState,
} from './software-state.js';

/** The fields a Draft package lets you edit (status and tags are editable in any state but Revoked). */
interface PackageInput {
  name: string | undefined;
  description: string | null | undefined;
  installOnRoot: boolean | null | undefined;
  rootDirectory: string | null | undefined;
  priority: number | null | undefined;
  virtualFolderId: string | null | undefined;
  tags: PackageTag[] | null | undefined;
  status: PackageStatus | undefined;
}

function parsePackage(value: unknown): PackageInput {
  const body = objectBody(value, 'a software package');
  const problems = new BodyProblems();
  const name = optional(body, 'name', problems, asString, 'must be a string');
  const input: PackageInput = {
    name: name === null || name === undefined ? undefined : name.trim(),
    description: optional(body, 'description', problems, asString, 'must be a string'),
    installOnRoot: optional(body, 'installOnRoot', problems, asBoolean, 'must be true or false'),
    rootDirectory: optional(body, 'rootDirectory', problems, asString, 'must be a string'),
    priority: optional(body, 'priority', problems, asInt32, 'must be a 32-bit integer'),
    virtualFolderId: optionalGuid(body, 'virtualFolderId', problems),
    tags: parseTags(body, problems),
    status: undefined,
  };
  if (!input.name) problems.add('name', 'is required');
  problems.throwIfAny();
  if (body.status !== undefined && body.status !== null && body.status !== '') input.status = parseStatus(body.status, 'status');
  return input;
}

function checkFolder(state: SoftwareDomainState, id: string | null | undefined): void {
  if (id && !state.virtualFolders.some((f) => f.id.toLowerCase() === id)) {
    throw new HttpError(400, `virtualFolderId: no virtual folder with id '${id}' exists (see GET api/Software/VirtualFolders).`);
  }
}

/** The Draft-only fields, written over the package: absent or null clears them ("overwrite"). */
function applyDetails(pkg: PackageRecord, input: PackageInput): void {
  pkg.name = input.name!;
  pkg.installOnRoot = input.installOnRoot ?? false;
  for (const key of ['description', 'rootDirectory', 'priority', 'virtualFolderId'] as const) {
    const v = input[key];
    if (v === null || v === undefined) delete pkg[key];
    else (pkg as unknown as Record<string, unknown>)[key] = v;
  }
  pkg.tags = input.tags ?? [];
}

/**
 * `POST /api/Software/Package`: a new package in Draft. An existing name (ignoring case) gets the
 * next version; the new version starts without files.
 */
export function createPackage(state: SoftwareDomainState, body: unknown, user: string): PackageRecord {
  const input = parsePackage(body);
  checkFolder(state, input.virtualFolderId);
  const versions = Object.values(state.packages).filter((p) => sameName(p.name, input.name!)).map((p) => p.version);
  const now = new Date().toISOString();
  const pkg: PackageRecord = {
    packageId: randomUUID(),
    name: input.name!,
    version: Math.max(0, ...versions) + 1,
    status: 'Draft',
    installOnRoot: false,
    tags: [],
    created: now,
    createdBy: user,
    modified: now,
    modifiedBy: user,
    files: [],
  };
  applyDetails(pkg, input);
  state.packages[pkg.packageId] = pkg;
  return pkg;
}

/** Allowed status changes, from the spec: Draft → Pending, Pending → Draft or Released, Released → Revoked. */
const TRANSITIONS: Record<PackageStatus, PackageStatus[]> = {
  Draft: ['Pending'],
  Pending: ['Draft', 'Released'],
  Released: ['Revoked'],
  Revoked: [],
};

function checkTransition(from: PackageStatus, to: PackageStatus): void {
  if (!TRANSITIONS[from].includes(to)) {
    throw new HttpError(
      400,
      `status: a ${from} package cannot become ${to}. Status can only go from Draft to Pending, Pending to Draft or Released, and Released to Revoked.`,
    );
  }
}

/** Moves a package to a new status, or refuses (400) a change the server does not allow. */
export function changeStatus(pkg: PackageRecord, to: PackageStatus, user: string): void {
  checkTransition(pkg.status, to);
  const now = new Date().toISOString();
  pkg.status = to;
  pkg.modified = now;
  pkg.modifiedBy = user;
  if (to === 'Released') {
    pkg.released = now;
    pkg.releasedBy = user;
  } else if (to === 'Revoked') {
    pkg.revoked = now;
    pkg.revokedBy = user;
  }
}

const DETAILS = ['name', 'description', 'installOnRoot', 'rootDirectory', 'priority', 'virtualFolderId'] as const;

/**
 * `PUT /api/Software/Package/{id}`: overwrites the package. A Draft takes every detail (absent
 * details are cleared, as the spec says; an absent name is kept); a Pending or Released package
 * only its status and tags (another field that differs is refused; absent ones are left alone);
 * a Revoked one nothing. A status change follows the rules of `PackageStatus/{id}`. Everything
 * is checked before anything changes.
 */
export function updatePackage(state: SoftwareDomainState, pkg: PackageRecord, body: unknown, user: string): void {
  const raw = objectBody(body, 'a software package');
  if (raw.packageId !== undefined && raw.packageId !== null && String(raw.packageId).toLowerCase() !== pkg.packageId) {
    throw new HttpError(400, `packageId: the body names package '${String(raw.packageId)}', the URL '${pkg.packageId}'.`);
  }
  const input = parsePackage({ name: pkg.name, ...raw });
  const to = input.status !== undefined && input.status !== pkg.status ? input.status : undefined;
  if (to) checkTransition(pkg.status, to);
  if (pkg.status === 'Draft') {
    checkFolder(state, input.virtualFolderId);
    const clash = Object.values(state.packages).find((p) => p !== pkg && sameName(p.name, input.name!) && p.version === pkg.version);
    if (clash) throw new HttpError(400, `name: '${clash.name}' version ${clash.version} already exists.`);
    applyDetails(pkg, input);
  } else {
    const current = pkg as unknown as Record<string, unknown>;
    for (const key of DETAILS) {
      if (raw[key] === undefined) continue;
      const same = key === 'name' ? sameName(input.name!, pkg.name) : (input[key] ?? undefined) === current[key];
      if (!same) throw new HttpError(400, `${key}: a ${pkg.status} package can only have its status and tags edited.`);
    }
    if (input.tags !== undefined && JSON.stringify(input.tags ?? []) !== JSON.stringify(pkg.tags)) {
      if (pkg.status === 'Revoked') throw new HttpError(400, 'tags: a Revoked package cannot be edited.');
      pkg.tags = input.tags ?? [];
    }
  }
  if (to) changeStatus(pkg, to, user);
  pkg.modified = new Date().toISOString();
  pkg.modifiedBy = user;
}

/** Deleting is allowed in Draft or Revoked only. */
export function checkDeletable(pkg: PackageRecord): void {
  if (pkg.status !== 'Draft' && pkg.status !== 'Revoked') {
    throw new HttpError(400, `Status of Software Package has to be Draft or Revoked before being deleted; '${pkg.name}' version ${pkg.version} is ${pkg.status}.`);
  }
}
