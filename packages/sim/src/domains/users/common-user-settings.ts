import type { SimContext } from '../../context.js';
import { getUserByUserName, type ScimUser } from '../scim/users.js';

/** `Virinco.WATS.Configuration.CommonUserSettings`. */
export interface CommonUserSettings {
  fullName?: string;
  cultureCode?: string;
  email?: string;
  roles: string[];
  levels: string[];
  productGroups: string[];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** A SCIM multi-valued attribute (`[{value, primary}]` or plain strings) as strings, primary first. */
function values(attr: unknown): string[] {
  if (!Array.isArray(attr)) return [];
  const items = attr.map((a: unknown) => {
    if (typeof a === 'string') return { value: text(a), primary: false };
    const o = (typeof a === 'object' && a !== null ? a : {}) as Record<string, unknown>;
    return { value: text(o.value) ?? text(o.display), primary: o.primary === true };
  });
  return items
    .filter((i): i is { value: string; primary: boolean } => i.value !== undefined)
    .sort((a, b) => Number(b.primary) - Number(a.primary))
    .map((i) => i.value);
}

function fullNameOf(user: ScimUser): string {
  const name = (typeof user.name === 'object' && user.name !== null ? user.name : {}) as Record<string, unknown>;
  const given = [text(name.givenName), text(name.familyName)].filter(Boolean).join(' ');
  return text(user.displayName) ?? text(name.formatted) ?? (given !== '' ? given : user.userName);
}

/**
 * `GET /api/App/CommonUserSettings?UserName=`: the settings WATS keeps for a user, read from the
 * simulator's user directory (the SCIM users): full name, culture (`preferredLanguage` or
 * `locale`), primary e-mail, roles, and the level and product group restrictions (empty = no
 * restriction). 404 for a user name the directory does not have.
 */
export function commonUserSettings(sim: SimContext, userName: string): CommonUserSettings {
  const user = getUserByUserName(sim, userName, '');
  const settings: CommonUserSettings = {
    fullName: fullNameOf(user),
    roles: values(user.roles),
    levels: values(user.levels),
    productGroups: values(user.productGroups),
  };
  const culture = text(user.preferredLanguage) ?? text(user.locale);
  if (culture) settings.cultureCode = culture;
  const email = values(user.emails)[0];
  if (email) settings.email = email;
  return settings;
}
