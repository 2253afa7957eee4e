import { isGuid } from '../guid.js';
import { loadSpec, type OperationObject, type ParameterObject, type ResponseObject } from './load-spec.js';

/** One operation of the OpenAPI document, as the simulator routes it. */
export interface SpecOperation {
  /** `"GET /api/Report/Wsjf/{id}"`: unique (operationIds are not: `App_HighVolume` has two verbs). */
  key: string;
  method: string;
  /** The path template exactly as in the spec. */
  path: string;
  operationId: string;
  summary: string;
  description: string;
  parameters: ParameterObject[];
  responses: Record<string, ResponseObject>;
  /** True when the description says the operation takes OData query options (`$filter`, ...). */
  odata: boolean;
  /** `public` for the real public document; else the `x-tswats-source` of an extra operation. */
  source: string;
}

export type RouteMatch =
  | { kind: 'operation'; operation: SpecOperation; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

interface CompiledPath {
  path: string;
  regex: RegExp;
  names: string[];
  /** Per segment: 2 literal, 1 literal with a parameter, 0 parameter only. Higher wins. */
  rank: number[];
  operations: Map<string, SpecOperation>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compilePath(path: string): CompiledPath {
  const names: string[] = [];
  const rank: number[] = [];
  const segments = path.split('/').slice(1).map((segment) => {
    const parts = segment.split(/(\{[^}]+\})/).filter((p) => p !== '');
    const hasParam = parts.some((p) => p.startsWith('{'));
    const hasLiteral = parts.some((p) => !p.startsWith('{'));
    rank.push(hasParam ? (hasLiteral ? 1 : 0) : 2);
    return parts
      .map((p) => {
        if (!p.startsWith('{')) return escapeRegex(p);
        names.push(p.slice(1, -1));
        return '([^/]+)';
      })
      .join('');
  });
  // ASP.NET routing ignores case and tolerates one trailing slash.
  const regex = new RegExp(`^/${segments.join('/')}/?$`, 'i');
  return { path, regex, names, rank, operations: new Map() };
}

/**
 * The spec gives one verb two templates that match the same URLs: `GET /api/Asset/{assetId}`
 * and `GET /api/Asset/{serialNumber}` (the real server has one route that takes either). Each
 * twin says which URLs it claims, so both operations are reachable and counted by name: a GUID
 * is an asset id, anything else a serial number.
 */
const TWIN_TEMPLATES: Record<string, (params: Record<string, string>) => boolean> = {
  'GET /api/Asset/{assetId}': (p) => isGuid(p.assetId),
  'GET /api/Asset/{serialNumber}': (p) => !isGuid(p.serialNumber),
};

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (b[i] ?? -1) - (a[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return 0;
}

function toOperation(method: string, path: string, op: OperationObject): SpecOperation {
  const description = op.description ?? '';
  return {
    key: `${method.toUpperCase()} ${path}`,
    method: method.toUpperCase(),
    path,
    operationId: op.operationId ?? `${method.toUpperCase()} ${path}`,
    summary: op.summary ?? '',
    description,
    parameters: op.parameters ?? [],
    responses: op.responses ?? {},
    odata: /odata/i.test(description),
    source: op['x-tswats-source'] ?? 'public',
  };
}

/** Every operation of the spec, with a case-insensitive matcher that prefers literal segments. */
export class OperationRegistry {
  readonly operations: SpecOperation[] = [];
  private readonly paths: CompiledPath[] = [];

  constructor() {
    const doc = loadSpec();
    for (const [path, item] of Object.entries(doc.paths)) {
      const compiled = compilePath(path);
      for (const [method, op] of Object.entries(item)) {
        if (!HTTP_METHODS.includes(method)) continue;
        const operation = toOperation(method, path, op);
        compiled.operations.set(operation.method, operation);
        this.operations.push(operation);
      }
      this.paths.push(compiled);
    }
    // `/api/Asset/Log` must win over `/api/Asset/{assetId}`.
    this.paths.sort((a, b) => compareRank(a.rank, b.rank));
  }

  /** Finds operations by operationId (several when the spec reuses one id for two verbs). */
  byOperationId(operationId: string): SpecOperation[] {
    return this.operations.filter((op) => op.operationId === operationId);
  }

  byKey(key: string): SpecOperation | undefined {
    return this.operations.find((op) => op.key === key);
  }

  /** Resolves a request path (without query string) to an operation, a 405, or a 404. */
  match(method: string, pathname: string): RouteMatch {
    // The spec never changes, so a (method, path) always matches the same way: the answers
    // for recent paths are kept, and each caller gets its own copy.
    const key = `${method}\n${pathname}`;
    let found = this.matches.get(key);
    if (found === undefined) {
      found = this.matchUncached(method, pathname);
      if (this.matches.size >= 1000) this.matches.clear();
      this.matches.set(key, found);
    }
    if (found.kind === 'operation') return { kind: 'operation', operation: found.operation, params: { ...found.params } };
    if (found.kind === 'method-not-allowed') return { kind: 'method-not-allowed', allow: [...found.allow] };
    return { kind: 'not-found' };
  }

  private readonly matches = new Map<string, RouteMatch>();

  private matchUncached(method: string, pathname: string): RouteMatch {
    const upper = method.toUpperCase();
    // HEAD is answered like GET, as ASP.NET does.
    const lookup = upper === 'HEAD' ? 'GET' : upper;
    const allow = new Set<string>();
    for (const compiled of this.paths) {
      const m = compiled.regex.exec(pathname);
      if (!m) continue;
      const operation = compiled.operations.get(lookup);
      if (!operation) {
        for (const verb of compiled.operations.keys()) allow.add(verb);
        continue;
      }
      const params: Record<string, string> = {};
      compiled.names.forEach((name, i) => {
        params[name] = safeDecode(m[i + 1] ?? '');
      });
      if (TWIN_TEMPLATES[operation.key]?.(params) === false) continue;
      return { kind: 'operation', operation, params };
    }
    if (allow.size > 0) return { kind: 'method-not-allowed', allow: [...allow].sort() };
    return { kind: 'not-found' };
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

let shared: OperationRegistry | undefined;

/** The process-wide registry (the spec never changes at run time). */
export function getRegistry(): OperationRegistry {
  shared ??= new OperationRegistry();
  return shared;
}

/** Lists every operation of the real WATS OpenAPI document (126 of them). */
export function listSpecOperations(): SpecOperation[] {
  return [...getRegistry().operations];
}
