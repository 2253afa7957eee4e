import type { RequestOptions } from '../client.js';
import { APIResource } from '../core/resource.js';
import { WatsError } from '../core/errors.js';
import { PagedQuery } from '../core/pagination.js';

/** SCIM schema URNs used on the wire. */
export const SCIM_SCHEMAS = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
} as const;

/** A multi-valued SCIM attribute entry (`emails`, `roles`, …). */
export interface ScimMultiValue {
  value: string;
  type?: string;
  primary?: boolean;
  display?: string;
}

/**
 * A SCIM 2.0 core user (RFC 7643 §4.1). The spec types these bodies as plain objects, so this
 * is the SCIM standard's shape; extra attributes pass through.
 */
export interface ScimUser {
  schemas?: string[];
  id?: string;
  externalId?: string;
  userName: string;
  name?: { formatted?: string; familyName?: string; givenName?: string; middleName?: string };
  displayName?: string;
  active?: boolean;
  emails?: ScimMultiValue[];
  roles?: ScimMultiValue[];
  meta?: { resourceType?: string; created?: string; lastModified?: string; location?: string };
  [attribute: string]: unknown;
}

/** The paths WATS accepts in a PATCH (`Scim_UpdateUser`). */
export type ScimPatchPath =
  | 'fullName'
  | 'familyName'
  | 'givenName'
  | 'roles'
  | 'email'
  | 'active'
  | 'levels'
  | 'productGroups';

/**
 * One PatchOp operation. WATS supports only `replace`; `active` takes a boolean, the rest a
 * string (`levels`/`productGroups`: `;`-separated, and they only add restrictions).
 */
export interface ScimPatchOperation {
  op: 'replace';
  path: ScimPatchPath;
  value: string | boolean;
}

/** The answer of `GET /api/SCIM/v2/Token`. */
export interface ScimToken {
  token: string;
  expiresUtc?: string;
  durationDays?: number;
  [field: string]: unknown;
}

/** A SCIM `ListResponse`. */
export interface ScimListResponse<T> {
  schemas?: string[];
  totalResults: number;
  startIndex?: number;
  itemsPerPage?: number;
  Resources?: T[];
}

/** Query of {@link ScimResource.listUsers}. */
export interface ScimUserListParams {
  /** A SCIM filter, e.g. `userName eq "ada@example.com"`. Quote values with `JSON.stringify`. */
  filter?: string;
  /** 1-based index of the first user of the awaited page (`startIndex`). @default 1 */
  startIndex?: number;
  /** Users in the awaited page (`count`). @default pageSize */
  count?: number;
  /** Page size when iterating with `for await`. @default 100 */
  pageSize?: number;
  /** Stop iterating after this many users. */
  limit?: number;
}

/** SCIM v2 users and provisioning tokens (`/api/SCIM/v2/...`). */
export class ScimResource extends APIResource {
  /**
   * A JSON Web Token for automatic provisioning (e.g. from Azure AD).
   * @operation GET /api/SCIM/v2/Token
   */
  async getToken(params: { duration?: number } = {}, options?: RequestOptions): Promise<ScimToken> {
    const res = await this.client.request<ScimToken>(
      { method: 'GET', path: '/api/SCIM/v2/Token', query: { duration: params.duration } },
      options,
    );
    return res.data;
  }

  /**
   * Users, paged with SCIM's `startIndex` (1-based) and `count`. Await it for one page, or
   * iterate it with `for await` for every match.
   * @operation GET /api/SCIM/v2/Users
   */
  listUsers(params: ScimUserListParams = {}, options?: RequestOptions): PagedQuery<ScimUser> {
    const pageSize = params.pageSize ?? 100;
    const count = params.count ?? pageSize;
    const startIndex = params.startIndex ?? 1;
    for (const [name, v, min] of [['pageSize', pageSize, 1], ['count', count, 1], ['startIndex', startIndex, 1]] as const) {
      if (!Number.isInteger(v) || v < min) {
        throw new WatsError(`${name} must be a whole number >= ${min}, got ${v}`, { code: 'WATS_ERR_ARGUMENT' });
      }
    }
    const fetchPage = async (skip: number, top: number): Promise<ScimUser[]> => {
      const res = await this.client.request<ScimListResponse<ScimUser>>(
        {
          method: 'GET',
          path: '/api/SCIM/v2/Users',
          query: { filter: params.filter, startIndex: skip + 1, count: top },
        },
        options,
      );
      const resources = res.data?.Resources ?? [];
      if (!Array.isArray(resources)) {
        throw new WatsError('GET /api/SCIM/v2/Users did not return a ListResponse', { code: 'WATS_ERR_RESPONSE' });
      }
      return resources;
    };
    return new PagedQuery(fetchPage, { skip: startIndex - 1, top: count }, pageSize, (u) => u.id, params.limit);
  }

  /**
   * Creates a user (`schemas` is filled in when left out).
   * @operation POST /api/SCIM/v2/Users
   */
  async createUser(user: ScimUser, options?: RequestOptions): Promise<ScimUser> {
    const body = { ...user, schemas: user.schemas ?? [SCIM_SCHEMAS.user] };
    const res = await this.client.request<ScimUser>({ method: 'POST', path: '/api/SCIM/v2/Users', body }, options);
    return res.data;
  }

  /**
   * One user by id.
   * @operation GET /api/SCIM/v2/Users/{id}
   */
  async getUser(id: string, options?: RequestOptions): Promise<ScimUser> {
    const res = await this.client.request<ScimUser>(
      { method: 'GET', path: `/api/SCIM/v2/Users/${encodeURIComponent(id)}` },
      options,
    );
    return res.data;
  }

  /**
   * One user by user name. The spec's path really is `/Users/userName={userName}`: the
   * `userName=` is a literal part of the path, not a query parameter.
   * @operation GET /api/SCIM/v2/Users/userName={userName}
   */
  async getUserByUserName(userName: string, options?: RequestOptions): Promise<ScimUser> {
    const res = await this.client.request<ScimUser>(
      { method: 'GET', path: `/api/SCIM/v2/Users/userName=${encodeURIComponent(userName)}` },
      options,
    );
    return res.data;
  }

  /**
   * Changes a user with a SCIM PatchOp (`replace` only); returns the updated user.
   * @operation PATCH /api/SCIM/v2/Users/{id}
   */
  async updateUser(id: string, operations: ScimPatchOperation[], options?: RequestOptions): Promise<ScimUser> {
    if (operations.length === 0) {
      throw new WatsError('updateUser: give at least one operation', { code: 'WATS_ERR_ARGUMENT' });
    }
    const body = { schemas: [SCIM_SCHEMAS.patchOp], Operations: operations };
    const res = await this.client.request<ScimUser>(
      { method: 'PATCH', path: `/api/SCIM/v2/Users/${encodeURIComponent(id)}`, body },
      options,
    );
    return res.data;
  }

  /**
   * Deletes a user.
   * @operation DELETE /api/SCIM/v2/Users/{id}
   */
  async deleteUser(id: string, options?: RequestOptions): Promise<void> {
    await this.client.request<unknown>({ method: 'DELETE', path: `/api/SCIM/v2/Users/${encodeURIComponent(id)}` }, options);
  }
}
