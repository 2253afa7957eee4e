import { readFileSync } from 'node:fs';
import { commonUserSettings } from '../domains/users/common-user-settings.js';
import type { RouteDefinition } from './route-types.js';

/**
 * The WATS version the simulator claims to be. Real servers answer `GET /api/App/Version` with
 * a four-part version such as `2025.3.9.824` (the release pyWATS declares as its minimum); the
 * simulator appends its own name and version in parentheses, so a client can tell it apart
 * while still parsing the leading `major.minor.patch.build`.
 */
export const WATS_SERVER_VERSION = '2025.3.9.824';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** `"2025.3.9.824 (tswats-sim 0.1.0)"`. */
export const SIM_VERSION_STRING = `${WATS_SERVER_VERSION} (tswats-sim ${pkg.version})`;

const version: RouteDefinition = {
  method: 'GET',
  operationId: 'App_Version',
  handle: () => ({ body: SIM_VERSION_STRING }),
};

/** `GET /api/App/CommonUserSettings?UserName=`: a user's settings, from the simulator's SCIM users. */
const commonUserSettingsRoute: RouteDefinition = {
  method: 'GET',
  operationId: 'Mes_GetCommonUserSettings',
  handle: (ctx) => ({ body: commonUserSettings(ctx.sim, ctx.params.query.UserName as string) }),
};

export const appRoutes: RouteDefinition[] = [version, commonUserSettingsRoute];
