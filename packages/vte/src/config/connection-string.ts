/**
 * Connection strings, as an alternative to separate database fields: ADO.NET style for SQL
 * Server (`Server=host,1433;Database=VTE9_3;User Id=DOMAIN\user;Password=...;Encrypt=true`)
 * or a URL (`mssql://user:pass@host:1433/VTE9_3?encrypt=true`, `postgres://user@host/db`).
 */

/** The connection fields a connection string can set. */
export interface ConnectionFields {
  host?: string;
  port?: number;
  instanceName?: string;
  database?: string;
  user?: string;
  password?: string;
  domain?: string;
  encrypt?: boolean;
  trustServerCertificate?: boolean;
}

/** Parses a connection string; problems are returned as messages (never echoing the password). */
export function parseConnectionString(text: string): { fields: ConnectionFields; problems: string[] } {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim()) ? parseUrl(text.trim()) : parseAdo(text);
}

function parseUrl(text: string): { fields: ConnectionFields; problems: string[] } {
  const problems: string[] = [];
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { fields: {}, problems: ['not a valid URL'] };
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  if (!['mssql', 'sqlserver', 'postgres', 'postgresql'].includes(scheme)) problems.push(`unknown scheme "${scheme}" (mssql, sqlserver, postgres)`);
  const fields: ConnectionFields = {};
  if (url.hostname) fields.host = decodeURIComponent(url.hostname);
  if (url.port) fields.port = Number(url.port);
  if (url.username) setUser(fields, decodeURIComponent(url.username));
  if (url.password) fields.password = decodeURIComponent(url.password);
  const db = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (db) fields.database = db;
  for (const [k, v] of url.searchParams) {
    const key = k.toLowerCase();
    if (key === 'encrypt' || key === 'sslmode') {
      const b = key === 'sslmode' ? v !== 'disable' : parseBool(v);
      if (b === undefined) problems.push(`${k}: expected true or false`);
      else fields.encrypt = b;
    } else if (key === 'trustservercertificate') {
      const b = parseBool(v);
      if (b === undefined) problems.push(`${k}: expected true or false`);
      else fields.trustServerCertificate = b;
    } else if (key === 'domain') fields.domain = v;
    else if (key === 'instancename' || key === 'instance') fields.instanceName = v;
    else problems.push(`unknown parameter "${k}"`);
  }
  return { fields, problems };
}

function parseAdo(text: string): { fields: ConnectionFields; problems: string[] } {
  const problems: string[] = [];
  const fields: ConnectionFields = {};
  for (const [rawKey, value] of splitAdo(text, problems)) {
    const key = rawKey.toLowerCase().replace(/\s+/g, ' ');
    switch (key) {
      case 'server':
      case 'data source':
      case 'address':
      case 'addr':
      case 'network address': {
        let host = value.replace(/^tcp:/i, '');
        const comma = host.lastIndexOf(',');
        if (comma >= 0) {
          const port = Number(host.slice(comma + 1));
          if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`${rawKey}: bad port "${host.slice(comma + 1)}"`);
          else fields.port = port;
          host = host.slice(0, comma);
        }
        const slash = host.indexOf('\\');
        if (slash >= 0) {
          fields.instanceName = host.slice(slash + 1);
          host = host.slice(0, slash);
        }
        fields.host = host;
        break;
      }
      case 'database':
      case 'initial catalog':
        fields.database = value;
        break;
      case 'user id':
      case 'uid':
      case 'user':
      case 'user name':
        setUser(fields, value);
        break;
      case 'password':
      case 'pwd':
        fields.password = value;
        break;
      case 'domain':
        fields.domain = value;
        break;
      case 'encrypt': {
        const v = value.toLowerCase();
        const b = v === 'strict' || v === 'mandatory' ? true : v === 'optional' ? false : parseBool(value);
        if (b === undefined) problems.push(`${rawKey}: expected true, false, strict, mandatory or optional`);
        else fields.encrypt = b;
        break;
      }
      case 'trustservercertificate':
      case 'trust server certificate': {
        const b = parseBool(value);
        if (b === undefined) problems.push(`${rawKey}: expected true or false`);
        else fields.trustServerCertificate = b;
        break;
      }
      case 'integrated security':
      case 'trusted_connection':
        problems.push(`${rawKey}: Windows integrated security is not available from Node; give User Id=DOMAIN\\user and a password (NTLM) instead`);
        break;
      case 'applicationintent':
      case 'application intent':
      case 'application name':
      case 'app':
      case 'multipleactiveresultsets':
      case 'connect timeout':
      case 'connection timeout':
        break; // accepted, and set by the adapter itself
      default:
        problems.push(`unknown key "${rawKey}"`);
    }
  }
  return { fields, problems };
}

/** `DOMAIN\user` → NTLM domain + user. */
function setUser(fields: ConnectionFields, value: string): void {
  const slash = value.indexOf('\\');
  if (slash > 0) {
    fields.domain = value.slice(0, slash);
    fields.user = value.slice(slash + 1);
  } else {
    fields.user = value;
  }
}

function parseBool(v: string): boolean | undefined {
  const s = v.trim().toLowerCase();
  if (s === 'true' || s === 'yes' || s === '1') return true;
  if (s === 'false' || s === 'no' || s === '0') return false;
  return undefined;
}

/** Splits `k=v;k2="v;2"` into pairs; values may be quoted with " or ' (a doubled quote escapes it). */
function splitAdo(text: string, problems: string[]): [string, string][] {
  const out: [string, string][] = [];
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) {
      if (text.slice(i).trim()) problems.push(`"${text.slice(i).trim()}" has no "="`);
      break;
    }
    const key = text.slice(i, eq).trim();
    i = eq + 1;
    while (text[i] === ' ') i++;
    let value = '';
    const q = text[i];
    if (q === '"' || q === "'") {
      i++;
      for (;;) {
        if (i >= text.length) {
          problems.push(`${key}: unterminated quote`);
          break;
        }
        if (text[i] === q) {
          if (text[i + 1] === q) {
            value += q;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      const semi = text.indexOf(';', i);
      i = semi < 0 ? text.length : semi + 1;
    } else {
      const semi = text.indexOf(';', i);
      value = text.slice(i, semi < 0 ? text.length : semi).trim();
      i = semi < 0 ? text.length : semi + 1;
    }
    if (key) out.push([key, value]);
    while (text[i] === ' ' || text[i] === ';') i++;
  }
  return out;
}
