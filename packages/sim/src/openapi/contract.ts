import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { SimError } from '../errors.js';
import { loadSpec, type SchemaObject } from './load-spec.js';
import { getRegistry, type SpecOperation } from './registry.js';

/** One way in which a request or response served by the simulator differs from the spec. */
export interface ContractViolation {
  /** The spec's operationId, e.g. `Report_GetReportAsWSJF`. */
  operationId: string;
  /** `"METHOD /path/template"`, unique even where operationIds repeat. */
  operation: string;
  direction: 'request' | 'response';
  /** HTTP status of the response (responses only). */
  status?: number;
  message: string;
}

/** What to validate a value against: a component schema, or an operation's response body. */
export type SpecTarget =
  | { schema: string }
  | { operation: string; status?: number };

type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsImport as unknown as { default?: FormatsPlugin }).default ??
  addFormatsImport) as unknown as FormatsPlugin;

const SPEC_ID = 'wats-openapi';
let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction | null>();

function getAjv(): Ajv {
  if (ajv) return ajv;
  // OpenAPI 3.0 is not quite JSON Schema: `example`, `readOnly` and friends are annotations,
  // so strict mode is off. The whole document is added once and schemas are referenced into it.
  ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(loadSpec() as unknown as SchemaObject, SPEC_ID);
  return ajv;
}

function pointerEscape(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function compileRef(pointer: string): ValidateFunction {
  return getAjv().compile({ $ref: `${SPEC_ID}#${pointer}` });
}

/** The JSON media type the simulator answers with; the spec lists the same schema for all. */
const JSON_MEDIA = 'application/json';

/** Compiles (once) the validator for an operation's response body, or null if the spec has none. */
export function responseValidator(op: SpecOperation, status: number): ValidateFunction | null {
  const cacheKey = `${op.key} ${status}`;
  const hit = validators.get(cacheKey);
  if (hit !== undefined) return hit;
  const code = op.responses[String(status)] ? String(status) : op.responses.default ? 'default' : undefined;
  let validator: ValidateFunction | null = null;
  if (code && op.responses[code]?.content?.[JSON_MEDIA]?.schema) {
    const pointer = ['paths', op.path, op.method.toLowerCase(), 'responses', code, 'content', JSON_MEDIA, 'schema']
      .map(pointerEscape)
      .join('/');
    validator = compileRef(`/${pointer}`);
  }
  validators.set(cacheKey, validator);
  return validator;
}

/** Compiles (once) the validator for a parameter or other inline schema of the spec. */
export function inlineValidator(cacheKey: string, schema: SchemaObject): ValidateFunction {
  const hit = validators.get(cacheKey);
  if (hit) return hit;
  const validator = getAjv().compile(schema);
  validators.set(cacheKey, validator);
  return validator;
}

/** Formats ajv errors as `"/0/uuid must match format \"uuid\""`. */
export function formatAjvErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`.trim());
}

/** Resolves an operationId or a `"GET /api/..."` key to exactly one operation. */
export function resolveOperation(operation: string): SpecOperation {
  const registry = getRegistry();
  const byKey = registry.byKey(operation);
  if (byKey) return byKey;
  const found = registry.byOperationId(operation);
  if (found.length === 1 && found[0]) return found[0];
  if (found.length > 1) {
    const keys = found.map((op) => op.key).join(', ');
    throw new SimError('SIM_ERR_SPEC', `operationId '${operation}' is ambiguous; use one of: ${keys}`);
  }
  throw new SimError('SIM_ERR_SPEC', `The spec has no operation '${operation}'`);
}

/**
 * Validates a value against the real WATS OpenAPI document and returns the problems found
 * (an empty array means valid). `{ schema: 'Virinco.WATS.Models.Store.InsertReportResult' }`
 * checks a component schema; `{ operation: 'Report_HeaderQuery', status: 200 }` checks a
 * response body (status defaults to 200). Throws a `SimError` for an unknown target.
 */
export function validateAgainstSpec(target: SpecTarget, value: unknown): string[] {
  let validator: ValidateFunction | null;
  if ('schema' in target) {
    if (!loadSpec().components.schemas[target.schema]) {
      throw new SimError('SIM_ERR_SPEC', `The spec has no component schema '${target.schema}'`);
    }
    const cacheKey = `schema ${target.schema}`;
    validator = validators.get(cacheKey) ?? null;
    if (!validator) {
      validator = compileRef(`/components/schemas/${pointerEscape(target.schema)}`);
      validators.set(cacheKey, validator);
    }
  } else {
    const op = resolveOperation(target.operation);
    const status = target.status ?? 200;
    validator = responseValidator(op, status);
    if (!validator) throw new SimError('SIM_ERR_SPEC', `${op.key} documents no JSON body for status ${status}`);
  }
  return validator(value) ? [] : formatAjvErrors(validator.errors);
}

/** Collects contract violations for one simulator instance. */
export class ContractRecorder {
  private readonly list: ContractViolation[] = [];
  readonly enabled: boolean;

  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  record(op: SpecOperation, direction: ContractViolation['direction'], message: string, status?: number): void {
    if (!this.enabled) return;
    const violation: ContractViolation = { operationId: op.operationId, operation: op.key, direction, message };
    if (status !== undefined) violation.status = status;
    this.list.push(violation);
  }

  /** Checks a response body the simulator is about to send; statuses the spec omits are skipped. */
  checkResponse(op: SpecOperation, status: number, body: unknown): void {
    if (!this.enabled) return;
    const validator = responseValidator(op, status);
    if (!validator || validator(body)) return;
    for (const message of formatAjvErrors(validator.errors)) this.record(op, 'response', message, status);
  }

  violations(): ContractViolation[] {
    return this.list.map((v) => ({ ...v }));
  }

  clear(): void {
    this.list.length = 0;
  }
}
