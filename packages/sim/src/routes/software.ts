import { untypedJson } from './route-types.js';
import { callerName } from '../domains/auth/caller.js';
import { changeStatus, checkDeletable, createPackage, updatePackage } from '../domains/software/package-edit.js';
import { fileById, installFiles, parseAttribute, requireDraft, zipEntries, zipFromRequest } from '../domains/software/package-files.js';
import {
  packageById,
  parseStatus,
  publicFile,
  publicPackage,
  sameName,
  saveSoftwareState,
  softwareState,
  sortedPackages,
} from '../domains/software/software-state.js';
import { HttpError } from '../errors.js';
import { jsonBody, type RouteDefinition } from './route-types.js';

const PACKAGE_SCHEMA = 'Virinco.WATS.Web.Dashboard.Models.Mes.Software.Public.Package';

const postPackage: RouteDefinition = {
  method: 'POST',
  operationId: 'Software_PostSoftwarePackage',
  async handle(ctx) {
    const pkg = createPackage(softwareState(ctx), jsonBody(ctx), callerName(ctx.request));
    await saveSoftwareState(ctx);
    return { body: publicPackage(pkg) };
  },
};

const getPackage: RouteDefinition = {
  method: 'GET',
  operationId: 'Software_GetSoftwarePackage',
  handle: (ctx) => ({ body: publicPackage(packageById(softwareState(ctx), ctx.params.path.id as string)) }),
};

/** The spec documents no body for this 200; the simulator answers the package as stored. */
const putPackage: RouteDefinition = {
  method: 'PUT',
  operationId: 'Software_PutSoftwarePackage',
  async handle(ctx) {
    const state = softwareState(ctx);
    const pkg = packageById(state, ctx.params.path.id as string);
    updatePackage(state, pkg, jsonBody(ctx), callerName(ctx.request));
    await saveSoftwareState(ctx);
    return { body: publicPackage(pkg) };
  },
};

const deletePackage: RouteDefinition = {
  method: 'DELETE',
  operationId: 'Software_DeleteSoftwarePackage',
  async handle(ctx) {
    const state = softwareState(ctx);
    const pkg = packageById(state, ctx.params.path.id as string);
    checkDeletable(pkg);
    delete state.packages[pkg.packageId];
    await saveSoftwareState(ctx);
    return { status: 204 };
  },
};

/** `GET PackageByName`: the highest version with that status, or exactly `version`. */
const getPackageByName: RouteDefinition = {
  method: 'GET',
  operationId: 'Software_GetSoftwarePackageByName',
  handle(ctx) {
    const { name, version } = ctx.params.query as { name: string; version?: number };
    const status = parseStatus(ctx.params.query.status);
    const found = sortedPackages(softwareState(ctx))
      .filter((p) => sameName(p.name, name) && p.status === status && (version === undefined || p.version === version))
      .at(-1);
    const which = version === undefined ? '' : ` version ${version}`;
    if (!found) throw new HttpError(404, `No ${status} software package named '${name}'${which} was found.`);
    return { body: publicPackage(found) };
  },
};

const deletePackageByName: RouteDefinition = {
  method: 'DELETE',
  operationId: 'Software_DeleteSoftwarePackageByName',
  async handle(ctx) {
    const { name, version } = ctx.params.query as { name: string; version: number };
    const state = softwareState(ctx);
    const pkg = Object.values(state.packages).find((p) => sameName(p.name, name) && p.version === version);
    if (!pkg) throw new HttpError(404, `Software package '${name}' version ${version} was not found.`);
    checkDeletable(pkg);
    delete state.packages[pkg.packageId];
    await saveSoftwareState(ctx);
    return { status: 204 };
  },
};

const getFiles: RouteDefinition = {
  method: 'GET',
  operationId: 'Software_GetSoftwareFiles',
  handle: (ctx) => ({ body: packageById(softwareState(ctx), ctx.params.path.id as string).files.map(publicFile) }),
};

const getPackages: RouteDefinition = {
  method: 'GET',
  operationId: 'Software_GetSoftwarePackages',
  handle: (ctx) => untypedJson(ctx, sortedPackages(softwareState(ctx)).map(publicPackage), PACKAGE_SCHEMA),
};

/** `GET PackagesByTag`: `tag` is `tagName=tagValue` (name case-sensitive, value not), plus a status. */
const getPackagesByTag: RouteDefinition = {
  method: 'GET',
  operationId: 'Software_GetSoftwarePackagesByTag',
  handle(ctx) {
    const tag = ctx.params.query.tag as string;
    const eq = tag.indexOf('=');
    if (eq <= 0) throw new HttpError(400, `tag: '${tag}' must be formatted like "tagName=tagValue", e.g. "Test_Tag=TestValue".`);
    const key = tag.slice(0, eq);
    const value = tag.slice(eq + 1).toUpperCase();
    const status = parseStatus(ctx.params.query.status);
    const found = sortedPackages(softwareState(ctx)).filter(
      (p) => p.status === status && p.tags.some((t) => t.key === key && (t.value ?? '').toUpperCase() === value),
    );
    return untypedJson(ctx, found.map(publicPackage), PACKAGE_SCHEMA);
  },
};

const postStatus: RouteDefinition = {
  method: 'POST',
  operationId: 'Software_PostNewStatus',
  async handle(ctx) {
    const pkg = packageById(softwareState(ctx), ctx.params.path.id as string);
    changeStatus(pkg, parseStatus(ctx.params.query.status), callerName(ctx.request));
    await saveSoftwareState(ctx);
    return { body: publicPackage(pkg) };
  },
};

/** `UploadZip/{id}`: the zip's files join the package (Draft only). Answers the package's files. */
const uploadZip: RouteDefinition = {
  method: 'POST',
  operationId: 'Software_PostZipToPackage',
  async handle(ctx) {
    const pkg = packageById(softwareState(ctx), ctx.params.path.id as string);
    requireDraft(pkg, 'UploadZip');
    const entries = zipEntries(await zipFromRequest(ctx));
    installFiles(pkg, entries, ctx.params.query.cleanInstall === true);
    pkg.modified = new Date().toISOString();
    pkg.modifiedBy = callerName(ctx.request);
    await saveSoftwareState(ctx);
    return { body: pkg.files.map(publicFile) };
  },
};

/** `FileAttribute/{id}?attribute=`: sets the attribute of one file (Draft packages only). Answers the file. */
const postFileAttribute: RouteDefinition = {
  method: 'POST',
  operationId: 'Software_PostFileAttribute',
  async handle(ctx) {
    const attribute = parseAttribute(ctx.params.query.attribute as string);
    const { pkg, file } = fileById(softwareState(ctx), ctx.params.path.id as string);
    requireDraft(pkg, 'FileAttribute');
    file.attributes = attribute;
    await saveSoftwareState(ctx);
    return { body: publicFile(file) };
  },
};

const getVirtualFolders: RouteDefinition = {
  method: 'GET',
  operationId: 'Software_GetVirtualFolders',
  handle: (ctx) => ({ body: softwareState(ctx).virtualFolders.map((f) => ({ ...f })) }),
};

export const softwareRoutes: RouteDefinition[] = [
  postPackage,
  getPackage,
  putPackage,
  deletePackage,
  getPackageByName,
  deletePackageByName,
  getFiles,
  getPackages,
  getPackagesByTag,
  postStatus,
  uploadZip,
  postFileAttribute,
  getVirtualFolders,
];
