import type { RequestOptions, RequestSpec } from '../client.js';
import { WatsError } from '../core/errors.js';
import { APIResource } from '../core/resource.js';
import type { components } from '../generated/wats-api.js';

type Schemas = components['schemas'];

/** A software package (`Package` in the spec). `status` is one of {@link SoftwarePackageStatus}. */
export type SoftwarePackage = Schemas['Virinco.WATS.Web.Dashboard.Models.Mes.Software.Public.Package'];
/** A file of a package, without its content (`PackageFile`). */
export type SoftwarePackageFile = Schemas['Virinco.WATS.Web.Dashboard.Models.Mes.Software.Public.PackageFile'];
/** A Production Manager virtual folder. */
export type VirtualFolder = Schemas['Virinco.WATS.Web.Dashboard.Models.Mes.Public.VirtualFolder'];
/** A `{ key, value }` tag of a package. */
export type SoftwarePackageTag = Schemas['Virinco.WATS.Web.Dashboard.Models.Mes.Product.Setting'];

/** Package statuses: Draft → Pending → Released → Revoked (Pending may go back to Draft). */
export type SoftwarePackageStatus = 'Draft' | 'Pending' | 'Released' | 'Revoked';

/** What `createPackage` takes: `name` is required. An existing name gets the next version. */
export interface SoftwarePackageCreate {
  name: string;
  description?: string;
  installOnRoot?: boolean;
  rootDirectory?: string;
  priority?: number;
  virtualFolderId?: string;
  tags?: SoftwarePackageTag[];
}

/** File attributes accepted by `setFileAttribute` (the server ignores case). */
export type SoftwareFileAttribute =
  | 'None'
  | 'ExecuteOnce'
  | 'ExecuteAlways'
  | 'TopLevelFile'
  | 'OverwriteNever'
  | 'OverwriteOnNewPackageVersion'
  | 'ExecuteOncePerVersion';

/** A tag to filter on: `{ name, value }`, or the wire form `"name=value"`. */
export type SoftwareTagFilter = { name: string; value: string } | string;

function argumentError(message: string): WatsError {
  return new WatsError(message, { code: 'WATS_ERR_ARGUMENT' });
}

function packagePath(kind: string, id: string): string {
  if (!id) throw argumentError('a package or file id is required');
  return `/api/Software/${kind}/${encodeURIComponent(id)}`;
}

/** The server documents a single Package for its list answers but sends a list; accept both. */
function asList<T>(data: unknown): T[] {
  return (Array.isArray(data) ? data : data === undefined || data === null || data === '' ? [] : [data]) as T[];
}

/**
 * Software distribution: packages and their versions, files (uploaded as a zip), file
 * attributes, status (Draft → Pending → Released → Revoked) and virtual folders.
 */
export class SoftwareResource extends APIResource {
  private async call<T>(spec: RequestSpec, options?: RequestOptions): Promise<T> {
    return (await this.client.request<T>(spec, options)).data;
  }

  /**
   * Creates a package in Draft. If the name exists, the new one is the next version.
   * @operation POST /api/Software/Package
   */
  async createPackage(pkg: SoftwarePackageCreate, options?: RequestOptions): Promise<SoftwarePackage> {
    return this.call<SoftwarePackage>({ method: 'POST', path: '/api/Software/Package', body: pkg }, options);
  }

  /**
   * One package by id.
   * @operation GET /api/Software/Package/{id}
   */
  async getPackage(id: string, options?: RequestOptions): Promise<SoftwarePackage> {
    return this.call<SoftwarePackage>({ method: 'GET', path: packagePath('Package', id) }, options);
  }

  /**
   * Overwrites a package. A Draft takes every detail (fields left out are cleared); a Pending or
   * Released package only its status and tags. Read it back with {@link getPackage}.
   * @operation PUT /api/Software/Package/{id}
   */
  async updatePackage(id: string, pkg: SoftwarePackage, options?: RequestOptions): Promise<void> {
    await this.call({ method: 'PUT', path: packagePath('Package', id), body: pkg }, options);
  }

  /**
   * Deletes a package (it must be Draft or Revoked).
   * @operation DELETE /api/Software/Package/{id}
   */
  async deletePackage(id: string, options?: RequestOptions): Promise<void> {
    await this.call({ method: 'DELETE', path: packagePath('Package', id) }, options);
  }

  /**
   * The package with this name and status: the highest version, or `version` exactly.
   * @operation GET /api/Software/PackageByName
   */
  async getPackageByName(
    params: { name: string; status: SoftwarePackageStatus; version?: number },
    options?: RequestOptions,
  ): Promise<SoftwarePackage> {
    const query = { name: params.name, status: params.status, version: params.version };
    return this.call<SoftwarePackage>({ method: 'GET', path: '/api/Software/PackageByName', query }, options);
  }

  /**
   * Deletes one version of a package by name (it must be Draft or Revoked).
   * @operation DELETE /api/Software/PackageByName
   */
  async deletePackageByName(params: { name: string; version: number }, options?: RequestOptions): Promise<void> {
    const query = { name: params.name, version: params.version };
    await this.call({ method: 'DELETE', path: '/api/Software/PackageByName', query }, options);
  }

  /**
   * The files of a package (names, folders, attributes; not their content).
   * @operation GET /api/Software/PackageFiles/{id}
   */
  async listFiles(packageId: string, options?: RequestOptions): Promise<SoftwarePackageFile[]> {
    return asList(await this.call<unknown>({ method: 'GET', path: packagePath('PackageFiles', packageId) }, options));
  }

  /**
   * Every package, all versions.
   * @operation GET /api/Software/Packages
   */
  async listPackages(options?: RequestOptions): Promise<SoftwarePackage[]> {
    return asList(await this.call<unknown>({ method: 'GET', path: '/api/Software/Packages' }, options));
  }

  /**
   * Packages with a tag and a status. The tag goes on the wire as one `tag=name=value`
   * parameter (the tag name is case-sensitive, the value is not).
   * @operation GET /api/Software/PackagesByTag
   */
  async listPackagesByTag(params: { tag: SoftwareTagFilter; status: SoftwarePackageStatus }, options?: RequestOptions): Promise<SoftwarePackage[]> {
    const tag = typeof params.tag === 'string' ? params.tag : `${params.tag.name}=${params.tag.value}`;
    if (typeof params.tag === 'string' ? tag.indexOf('=') <= 0 : !params.tag.name || params.tag.name.includes('=')) {
      throw argumentError(`tag must be { name, value } or "name=value", got ${JSON.stringify(params.tag)}`);
    }
    const query = { tag, status: params.status };
    return asList(await this.call<unknown>({ method: 'GET', path: '/api/Software/PackagesByTag', query }, options));
  }

  /**
   * Moves a package to a new status: Draft → Pending, Pending → Draft or Released,
   * Released → Revoked. Returns the updated package.
   * @operation POST /api/Software/PackageStatus/{id}
   */
  async setPackageStatus(id: string, status: SoftwarePackageStatus, options?: RequestOptions): Promise<SoftwarePackage> {
    return this.call<SoftwarePackage>({ method: 'POST', path: packagePath('PackageStatus', id), query: { status } }, options);
  }

  /**
   * Uploads a zip into a Draft package, sent as a multipart/form-data file of type
   * `application/zip` as the server requires. Files must be in folders (`myFolder/file.txt`).
   * Merged with the existing files unless `cleanInstall` removes them first.
   * @operation POST /api/Software/Package/UploadZip/{id}
   */
  async uploadZip(
    packageId: string,
    zip: Uint8Array | ArrayBuffer | Blob,
    params: { cleanInstall?: boolean; fileName?: string } = {},
    options?: RequestOptions,
  ): Promise<void> {
    const form = new FormData();
    // The part must say application/zip, whatever type a given Blob had.
    const blob = zip instanceof Blob ? zip.slice(0, zip.size, 'application/zip') : new Blob([zip], { type: 'application/zip' });
    form.append('file', blob, params.fileName ?? 'package.zip');
    const spec: RequestSpec = {
      method: 'POST',
      path: packagePath('Package/UploadZip', packageId),
      query: { cleanInstall: params.cleanInstall },
      body: form,
    };
    await this.call(spec, options);
  }

  /**
   * Sets a file's attribute, sent as the `attribute` query parameter.
   * @operation POST /api/Software/Package/FileAttribute/{id}
   */
  async setFileAttribute(fileId: string, attribute: SoftwareFileAttribute, options?: RequestOptions): Promise<void> {
    await this.call({ method: 'POST', path: packagePath('Package/FileAttribute', fileId), query: { attribute } }, options);
  }

  /**
   * The virtual folders registered in Production Manager.
   * @operation GET /api/Software/VirtualFolders
   */
  async listVirtualFolders(options?: RequestOptions): Promise<VirtualFolder[]> {
    return asList(await this.call<unknown>({ method: 'GET', path: '/api/Software/VirtualFolders' }, options));
  }
}
