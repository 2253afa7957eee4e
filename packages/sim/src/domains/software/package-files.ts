import { randomUUID } from 'node:crypto';
import { HttpError } from '../../errors.js';
import { canonicalGuid, isGuid } from '../../guid.js';
import type { RouteContext } from '../../routes/route-types.js';
import type { PackageFileRecord, PackageRecord, SoftwareDomainState } from './software-state.js';
import { readZip, ZipError, type ZipEntry } from './zip-reader.js';

/** The file attributes `FileAttribute/{id}` accepts (any case), as the spec lists them. */
export const FILE_ATTRIBUTES = [
  'None',
  'ExecuteOnce',
  'ExecuteAlways',
  'TopLevelFile',
  'OverwriteNever',
  'OverwriteOnNewPackageVersion',
  'ExecuteOncePerVersion',
] as const;

/** Files and attributes are details: only a Draft package takes them. */
export function requireDraft(pkg: PackageRecord, what: string): void {
  if (pkg.status !== 'Draft') {
    throw new HttpError(400, `${what}: '${pkg.name}' version ${pkg.version} is ${pkg.status}; only a Draft package can be edited.`);
  }
}

/**
 * The zip of an `UploadZip` request. The spec: the zip "has to be encoded using
 * multipart/form-data, and has to have content-type application/zip". The first file part is
 * taken; a raw `application/zip` body (what pyWATS sends) is refused like the server does.
 */
export async function zipFromRequest(ctx: RouteContext): Promise<Buffer> {
  const contentType = String(ctx.request.headers['content-type'] ?? '');
  if (!/^multipart\/form-data\b/i.test(contentType)) {
    throw new HttpError(400, `The zip has to be encoded using multipart/form-data (got content-type '${contentType || 'none'}').`);
  }
  let form: FormData;
  try {
    form = await new Response(ctx.body, { headers: { 'content-type': contentType } }).formData();
  } catch (err) {
    throw new HttpError(400, `The multipart body cannot be read: ${(err as Error).message}`);
  }
  for (const [, value] of form) {
    if (typeof value === 'string') continue;
    const type = value.type.split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/zip') {
      throw new HttpError(400, `The zip part '${value.name}' has to have content-type application/zip (got '${value.type || 'none'}').`);
    }
    return Buffer.from(await value.arrayBuffer());
  }
  throw new HttpError(400, 'The request has no file part; send the zip as a multipart/form-data file.');
}

/** Reads and checks the zip: every file must sit in a folder ("Zip cannot contain files on root"). */
export function zipEntries(zip: Buffer): ZipEntry[] {
  let entries: ZipEntry[];
  try {
    entries = readZip(zip);
  } catch (err) {
    if (err instanceof ZipError) throw new HttpError(400, `The uploaded file is not a valid zip: ${err.message}`);
    throw err;
  }
  const onRoot = entries.filter((e) => !e.isDirectory && !e.path.includes('/'));
  if (onRoot.length > 0) {
    throw new HttpError(400, `Zip cannot contain files on root (${onRoot.map((e) => e.path).join(', ')}); put them in a folder, e.g. myFolder/${onRoot[0]!.path}.`);
  }
  return entries.filter((e) => !e.isDirectory);
}

/**
 * Adds the zip's files to the package: merged by default (a file at the same path is replaced
 * and keeps its id and attribute), or replacing every file with `cleanInstall`.
 */
export function installFiles(pkg: PackageRecord, entries: ZipEntry[], cleanInstall: boolean): void {
  if (cleanInstall) pkg.files = [];
  for (const entry of entries) {
    const slash = entry.path.lastIndexOf('/');
    const folder = entry.path.slice(0, slash);
    const name = entry.path.slice(slash + 1);
    const existing = pkg.files.find((f) => f.folder.toUpperCase() === folder.toUpperCase() && f.name.toUpperCase() === name.toUpperCase());
    if (existing) {
      existing.size = entry.size;
      existing.crc32 = entry.crc32;
      continue;
    }
    const file: PackageFileRecord = { packageFileId: randomUUID(), name, folder, attributes: 'None', size: entry.size, crc32: entry.crc32 };
    pkg.files.push(file);
  }
  pkg.files.sort((a, b) => a.folder.localeCompare(b.folder) || a.name.localeCompare(b.name));
}

/** The file with this id, and its package; 404 when no package has it. */
export function fileById(state: SoftwareDomainState, id: string): { pkg: PackageRecord; file: PackageFileRecord } {
  if (isGuid(id)) {
    const wanted = canonicalGuid(id);
    for (const pkg of Object.values(state.packages)) {
      const file = pkg.files.find((f) => f.packageFileId === wanted);
      if (file) return { pkg, file };
    }
  }
  throw new HttpError(404, `Package file '${id}' was not found.`);
}

/** An `attribute` value in its canonical spelling; 400 naming the accepted values otherwise. */
export function parseAttribute(value: string): string {
  const found = FILE_ATTRIBUTES.find((a) => a.toLowerCase() === value.trim().toLowerCase());
  if (!found) throw new HttpError(400, `attribute: '${value}' is not supported. Accepted values: ${FILE_ATTRIBUTES.join(', ')}.`);
  return found;
}
