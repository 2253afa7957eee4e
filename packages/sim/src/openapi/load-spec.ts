import { readFileSync } from 'node:fs';
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
  cached = doc;
  return doc;
}

/** The prefix of every component schema reference in the document. */
export const SCHEMA_REF_PREFIX = '#/components/schemas/';

/** Returns a named component schema, or throws if the spec has no such schema. */
export function componentSchema(name: string): SchemaObject {
  const schema = loadSpec().components.schemas[name];
  if (!schema) throw new SimError('SIM_ERR_SPEC', `The spec has no component schema '${name}'`);
  return schema;
}
