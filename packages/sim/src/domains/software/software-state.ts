import { HttpError } from '../../errors.js';
import { canonicalGuid, isGuid } from '../../guid.js';
import type { RouteContext } from '../../routes/route-types.js';

export const PACKAGE_STATUSES = ['Draft', 'Pending', 'Released', 'Revoked'] as const;
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];

export interface PackageTag {
  key: string;
  value?: string;
}

/** A file of a package, as read from an uploaded zip. */
export interface PackageFileRecord {
  packageFileId: string;
  /** File name without the folder. */
  name: string;
  /** The folder path inside the package (`myFolder` or `myFolder/sub`). */
  folder: string;
  /** One of FILE_ATTRIBUTES. */
  attributes: string;
  size: number;
  crc32: number;
}

export interface PackageRecord {
  packageId: string;
  name: string;
  version: number;
  status: PackageStatus;
  installOnRoot: boolean;
  description?: string;
  rootDirectory?: string;
  priority?: number;
  virtualFolderId?: string;
  tags: PackageTag[];
  created: string;
  createdBy: string;
  modified: string;
  modifiedBy: string;
  released?: string;
  releasedBy?: string;
  revoked?: string;
  revokedBy?: string;
  files: PackageFileRecord[];
}

/** A Production Manager virtual folder (the spec's `VirtualFolder`). */
export interface VirtualFolderRecord {
  id: string;
  parentId?: string;
  name: string;
  description?: string;
}

/**
 * The software domain's persisted state (`<dataDir>/state/software.json`). Virtual folders are
 * made in Production Manager, which the public API cannot do: the simulator has the ones listed
 * in that file (none by default).
 */
export interface SoftwareDomainState {
  /** By canonical package id, in creation order. */
  packages: Record<string, PackageRecord>;
  virtualFolders: VirtualFolderRecord[];
}

export const SOFTWARE_DOMAIN = 'software';

export function softwareState(ctx: RouteContext): SoftwareDomainState {
  return ctx.sim.state.get<SoftwareDomainState>(SOFTWARE_DOMAIN, () => ({ packages: {}, virtualFolders: [] }));
}

export async function saveSoftwareState(ctx: RouteContext): Promise<void> {
  await ctx.sim.state.save(SOFTWARE_DOMAIN);
}

/** The package of a path `{id}`: 400 when it is not a GUID, 404 when there is none. */
export function packageById(state: SoftwareDomainState, id: string): PackageRecord {
  if (!isGuid(id)) throw new HttpError(400, `id: '${id}' is not a GUID.`);
  const pkg = state.packages[canonicalGuid(id)];
  if (!pkg) throw new HttpError(404, `Software package '${id}' was not found.`);
  return pkg;
}

/** A `status` parameter: one of Draft, Pending, Released, Revoked, in any case. */
export function parseStatus(value: unknown, param = 'status'): PackageStatus {
  const found = PACKAGE_STATUSES.find((s) => typeof value === 'string' && s.toLowerCase() === value.trim().toLowerCase());
  if (!found) throw new HttpError(400, `${param}: '${String(value)}' is not supported. Supported values: ${PACKAGE_STATUSES.join(', ')}.`);
  return found;
}

/** Package names, like serial numbers, compare ignoring case. */
export function sameName(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}

/** All packages, ordered by name then version. */
export function sortedPackages(state: SoftwareDomainState): PackageRecord[] {
  return Object.values(state.packages).sort(
    (a, b) => a.name.toUpperCase().localeCompare(b.name.toUpperCase()) || a.version - b.version,
  );
}

/** A package as the API shows it (its files are listed by `PackageFiles/{id}`). */
export function publicPackage(pkg: PackageRecord): Record<string, unknown> {
  const { files: _files, ...rest } = pkg;
  return { ...rest, tags: pkg.tags.map((t) => ({ ...t })) };
}

/** A file as `PackageFiles/{id}` lists it. */
export function publicFile(file: PackageFileRecord): Record<string, unknown> {
  return { packageFileId: file.packageFileId, name: file.name, packageFolderName: file.folder, attributes: file.attributes };
}
