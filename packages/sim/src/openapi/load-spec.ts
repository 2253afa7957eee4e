import { readdirSync, readFileSync } from 'node:fs';
import { SimError } from '../errors.js';

/** A JSON Schema object as found in the OpenAPI 3.0 document (kept loose on purpose). */
export type SchemaObject = Record<string, unknown>;

export interface ParameterObject {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  description?: string;
  required?: boolean;
  schema?: SchemaObject;
}

export interface ResponseObject {
  description?: string;
  content?: Record<string, { schema?: SchemaObject }>;
}

export interface OperationObject {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  /** Set on operations from `spec/extra-*.json`: where the operation comes from. */
  'x-tswats-source'?: string;
  parameters?: ParameterObject[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }>; required?: boolean };
  responses?: Record<string, ResponseObject>;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, SchemaObject> };
}

/** Where the spec lives; resolves from both `src/` and `dist/`. */
export const SPEC_URL = new URL('../../spec/openapi_public_v3.json', import.meta.url);

let cached: OpenApiDocument | undefined;

/** Loads (once per process) and returns the real WATS OpenAPI document. */
export function loadSpec(): OpenApiDocument {
  if (cached) return cached;
  let doc: OpenApiDocument;
  try {
    doc = JSON.parse(readFileSync(SPEC_URL, 'utf8')) as OpenApiDocument;
  } catch (err) {
    throw new SimError('SIM_ERR_SPEC', `Cannot read the OpenAPI document at ${SPEC_URL.pathname}`, {
      cause: err,
    });
  }
  if (!doc.paths || !doc.components?.schemas) {
    throw new SimError('SIM_ERR_SPEC', 'The OpenAPI document has no paths or component schemas');
  }
  mergeExtras(doc);
  cached = doc;
  return doc;
}

/**
 * Operations the public document lacks but tswats serves (WATS 25.3 asset routes, the internal
 * unit-history route) live in `spec/extra-*.json`, OpenAPI-shaped, each operation marked with
 * `x-tswats-source`. They are merged in so routing and contract checks treat them like the rest;
 * their component schemas are added under names the public document does not use.
 */
function mergeExtras(doc: OpenApiDocument): void {
  const dir = new URL('../../spec/', import.meta.url);
  for (const file of readdirSync(dir).filter((f) => /^extra-.*\.json$/.test(f)).sort()) {
    const url = new URL(file, dir);
    let extra: Partial<OpenApiDocument>;
    try {
      extra = JSON.parse(readFileSync(url, 'utf8')) as Partial<OpenApiDocument>;
    } catch (err) {
      throw new SimError('SIM_ERR_SPEC', `Cannot read ${url.pathname}`, { cause: err });
    }
    for (const [path, item] of Object.entries(extra.paths ?? {})) {
      const target = (doc.paths[path] ??= {});
      for (const [method, op] of Object.entries(item)) {
        if (target[method]) throw new SimError('SIM_ERR_SPEC', `${file}: ${method.toUpperCase()} ${path} is already in the document`);
        if (!op['x-tswats-source']) throw new SimError('SIM_ERR_SPEC', `${file}: ${method.toUpperCase()} ${path} has no x-tswats-source`);
        target[method] = op;
      }
    }
    for (const [name, schema] of Object.entries(extra.components?.schemas ?? {})) {
      if (doc.components.schemas[name]) throw new SimError('SIM_ERR_SPEC', `${file}: schema ${name} already exists`);
      doc.components.schemas[name] = schema;
    }
  }
}

/** The prefix of every component schema reference in the document. */
export const SCHEMA_REF_PREFIX = '#/components/schemas/';

/** Returns a named component schema, or throws if the spec has no such schema. */
export function componentSchema(name: string): SchemaObject {
  const schema = loadSpec().components.schemas[name];
  if (!schema) throw new SimError('SIM_ERR_SPEC', `The spec has no component schema '${name}'`);
  return schema;
}
