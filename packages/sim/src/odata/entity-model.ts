import { SimError } from '../errors.js';
import { componentSchema, SCHEMA_REF_PREFIX, type SchemaObject } from '../openapi/load-spec.js';

/** The primitive types an OData expression can have. */
export type EdmType = 'string' | 'int' | 'number' | 'bool' | 'datetime' | 'guid';

/** An entity type of the OData model, derived from a component schema of the spec. */
export interface EntityModel {
  name: string;
  /** Primitive properties, in the schema's order. */
  fields: Map<string, EdmType>;
  /** Collection-valued properties (navigation), filterable with any/all and `$expand`-able. */
  collections: Map<string, EntityModel>;
}

/** OData type names, for error messages that read like the real server's. */
export const EDM_NAMES: Record<EdmType | 'null', string> = {
  string: 'Edm.String',
  int: 'Edm.Int32',
  number: 'Edm.Double',
  bool: 'Edm.Boolean',
  datetime: 'Edm.DateTimeOffset',
  guid: 'Edm.Guid',
  null: 'null',
};

function primitiveType(name: string, prop: SchemaObject): EdmType {
  if (prop.type === 'integer') return 'int';
  if (prop.type === 'number') return 'number';
  if (prop.type === 'boolean') return 'bool';
  if (prop.type === 'string' && prop.format === 'uuid') return 'guid';
  if (prop.type === 'string' && prop.format === 'date-time') return 'datetime';
  if (prop.type === 'string') return 'string';
  throw new SimError('SIM_ERR_SPEC', `Cannot map property '${name}' of type ${String(prop.type)} to OData`);
}

const models = new Map<string, EntityModel>();

/** Builds (once) the OData entity model of a component schema, e.g. the ReportHeader. */
export function entityModel(schemaName: string): EntityModel {
  const hit = models.get(schemaName);
  if (hit) return hit;
  const schema = componentSchema(schemaName);
  const model: EntityModel = { name: schemaName, fields: new Map(), collections: new Map() };
  models.set(schemaName, model);
  const properties = (schema.properties ?? {}) as Record<string, SchemaObject>;
  for (const [name, prop] of Object.entries(properties)) {
    if (prop.type === 'array') {
      const ref = (prop.items as SchemaObject | undefined)?.$ref;
      if (typeof ref !== 'string' || !ref.startsWith(SCHEMA_REF_PREFIX)) {
        throw new SimError('SIM_ERR_SPEC', `Collection '${name}' of ${schemaName} has no item schema`);
      }
      model.collections.set(name, entityModel(ref.slice(SCHEMA_REF_PREFIX.length)));
    } else {
      model.fields.set(name, primitiveType(name, prop));
    }
  }
  return model;
}

/** The schema behind `GET /api/Report/Query/Header`. */
export const REPORT_HEADER_SCHEMA = 'Virinco.WATS.Web.Dashboard.Models.OData.ReportHeader';
