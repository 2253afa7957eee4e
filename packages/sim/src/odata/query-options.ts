import { HttpError } from '../errors.js';
import type { EntityModel } from './entity-model.js';
import { parseFilter, type FilterNode } from './parser.js';

/** Rules of one OData endpoint (the header query's are in `routes/report-query.ts`). */
export interface ODataRules {
  model: EntityModel;
  defaultTop: number;
  maxTop: number;
  /** Properties allowed in `$orderby`, keyed by the accepted spelling. */
  orderable: Record<string, string>;
  defaultOrder: OrderBy[];
}

export interface OrderBy {
  field: string;
  descending: boolean;
}

/** The parsed system query options of one request. */
export interface ODataQuery {
  filter?: FilterNode;
  top: number;
  skip: number;
  orderBy: OrderBy[];
  /** Undefined means all properties. */
  select?: string[];
  expand: string[];
}

const SUPPORTED = new Set(['$filter', '$top', '$skip', '$orderby', '$select', '$expand']);

function single(name: string, value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) {
    throw new HttpError(400, `Query option '${name}' was specified more than once, but it can be specified at most once.`);
  }
  return value;
}

function nonNegativeInt(name: string, text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new HttpError(400, `${name}: '${text}' is not a non-negative integer.`);
  return Number(text);
}

function list(text: string): string[] {
  return text.split(',').map((s) => s.trim());
}

/**
 * Parses `$filter`, `$top`, `$skip`, `$orderby`, `$select` and `$expand` against the rules.
 * Anything else (`$count`, `$search`, `$apply`, ...) is a 400: the simulator never returns a
 * silently wrong answer.
 */
export function parseODataQuery(options: Record<string, string | string[]>, rules: ODataRules): ODataQuery {
  for (const name of Object.keys(options)) {
    if (!SUPPORTED.has(name)) {
      throw new HttpError(400, `The query option '${name}' is not supported. Supported: ${[...SUPPORTED].join(', ')}.`);
    }
  }
  const query: ODataQuery = { top: rules.defaultTop, skip: 0, orderBy: rules.defaultOrder, expand: [] };

  const filter = single('$filter', options.$filter);
  if (filter !== undefined) query.filter = parseFilter(filter, rules.model);

  const top = single('$top', options.$top);
  if (top !== undefined) {
    query.top = nonNegativeInt('$top', top);
    if (query.top > rules.maxTop) {
      throw new HttpError(400, `$top: the limit of '${rules.maxTop}' was exceeded (requested ${query.top}); page with $skip.`);
    }
  }
  const skip = single('$skip', options.$skip);
  if (skip !== undefined) query.skip = nonNegativeInt('$skip', skip);

  const orderby = single('$orderby', options.$orderby);
  if (orderby !== undefined) {
    query.orderBy = list(orderby).map((clause) => {
      const m = /^(\S+)(?:\s+(asc|desc))?$/.exec(clause);
      const field = m ? rules.orderable[m[1]!] : undefined;
      if (!m || !field) {
        const allowed = Object.keys(rules.orderable).join(', ');
        throw new HttpError(400, `$orderby: '${clause}' is not supported; order by ${allowed} (asc or desc).`);
      }
      return { field, descending: m[2] === 'desc' };
    });
  }

  const select = single('$select', options.$select);
  if (select !== undefined) {
    const fields = list(select);
    if (!fields.includes('*')) {
      for (const f of fields) {
        if (!rules.model.fields.has(f) && !rules.model.collections.has(f)) {
          throw new HttpError(400, `$select: could not find a property named '${f}'.`);
        }
      }
      query.select = fields;
    }
  }

  const expand = single('$expand', options.$expand);
  if (expand !== undefined) {
    const names = [...rules.model.collections.keys()];
    query.expand = list(expand).map((item) => {
      if (item.includes('(')) throw new HttpError(400, `$expand: nested query options are not supported ('${item}').`);
      // The spec's own example spells them `subunits,miscinfo`, so names match ignoring case.
      const name = names.find((n) => n.toLowerCase() === item.toLowerCase());
      if (!name) throw new HttpError(400, `$expand: could not find a navigation property named '${item}'.`);
      return name;
    });
  }
  return query;
}
