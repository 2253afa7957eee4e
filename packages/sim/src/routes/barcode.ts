import { deleteIdentifier, identifyBarcode, listIdentifiers, putIdentifier } from '../domains/barcode/identifiers.js';
import { jsonBody, type RouteDefinition } from './route-types.js';

/** `GET /api/BarcodeIdentifiers/BarcodeIdentifiers`: every identifier, in the order they are checked. */
const list: RouteDefinition = {
  method: 'GET',
  operationId: 'BarcodeIdentifiers_GetBarcodeIdentifiers',
  handle: (ctx) => ({ body: listIdentifiers(ctx.sim) }),
};

/** `PUT /api/BarcodeIdentifiers/BarcodeIdentifier`: add (no id) or update (id). */
const put: RouteDefinition = {
  method: 'PUT',
  operationId: 'BarcodeIdentifiers_PutBarcodeIdentifier',
  handle: async (ctx) => ({ body: await putIdentifier(ctx.sim, jsonBody(ctx)) }),
};

/** `DELETE /api/BarcodeIdentifiers/BarcodeIdentifier/{id}`: 204, or 404 for an unknown id. */
const remove: RouteDefinition = {
  method: 'DELETE',
  operationId: 'BarcodeIdentifiers_DeleteBarcodeIdentifier',
  async handle(ctx) {
    await deleteIdentifier(ctx.sim, ctx.params.path.id as number);
    return { status: 204 };
  },
};

/** `GET /api/BarcodeIdentifiers/IdentifyBarcode?code=`: applies the stored identifiers. */
const identify: RouteDefinition = {
  method: 'GET',
  operationId: 'BarcodeIdentifiers_GetIdentifiedBarcode',
  handle: (ctx) => ({ body: identifyBarcode(ctx.sim, ctx.params.query.code as string) }),
};

export const barcodeRoutes: RouteDefinition[] = [list, put, remove, identify];
