import { validateAgainstSpec } from '../openapi/contract.js';
import type { FastifyRequest } from 'fastify';
import type { SimContext } from '../context.js';
import { HttpError } from '../errors.js';
import type { BoundParameters } from '../openapi/params.js';
import type { SpecOperation } from '../openapi/registry.js';

/** What a handler gets for one request that matched its spec operation. */
export interface RouteContext {
  sim: SimContext;
  operation: SpecOperation;
  /** Path and query parameters bound to the spec's types; OData options apart. */
  params: BoundParameters;
  /** The raw request body (empty when none was sent). */
  body: Buffer;
  request: FastifyRequest;
}

/** A handler's answer; the dispatcher serialises it and checks it against the spec. */
export interface RouteResult {
  /** Default 200. */
  status?: number;
  /** A JSON answer (checked against the spec's response schema). Ignored when `raw` is set. */
  body?: unknown;
  /** A binary or text answer (files, PDFs, zips, XML), sent as is with `contentType`. */
  raw?: Buffer | string;
  /** Content type of `raw`. @default 'application/octet-stream' */
  contentType?: string;
  headers?: Record<string, string>;
}

/**
 * Implements one operation of the spec. `method` + `operationId` must name exactly one spec
 * operation (the server refuses to start otherwise), so routes cannot drift from the document.
 */
export interface RouteDefinition {
  method: string;
  operationId: string;
  /** The spec path template; needed only where one operationId and verb repeat (`Auth_GetToken`). */
  path?: string;
  handle(ctx: RouteContext): Promise<RouteResult> | RouteResult;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Parses a JSON body (a UTF-8 BOM is accepted); 400 when it is missing or malformed. */
export function jsonBody(ctx: RouteContext): unknown {
  let buf = ctx.body;
  if (buf.subarray(0, 3).equals(UTF8_BOM)) buf = buf.subarray(3);
  const text = buf.toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'The request body is empty; expected JSON.');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `The request body is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * A JSON answer for an operation whose 200 schema in the public document says nothing useful:
 * 88 of the 126 operations document `{"type": "object"}` (what Swashbuckle writes for an
 * untyped `IHttpActionResult`), and a few name one object where the server returns a list
 * ("Returns all Packages"). The real server answers lists with JSON arrays, numbers and
 * booleans as such; so does the simulator, past the whole-response check. When `itemSchema`
 * names a component schema, every item of a list is still checked against it and problems
 * are recorded as contract violations, as the dispatcher does for typed answers.
 */
export function untypedJson(ctx: RouteContext, value: unknown, itemSchema?: string): RouteResult {
  if (itemSchema && ctx.sim.contract.enabled && Array.isArray(value)) {
    value.forEach((item, i) => {
      for (const message of validateAgainstSpec({ schema: itemSchema }, item)) {
        ctx.sim.contract.record(ctx.operation, 'response', `/${i}${message.replace(/^\(root\)/, '')}`, 200);
      }
    });
  }
  return { raw: JSON.stringify(value), contentType: 'application/json; charset=utf-8' };
}
