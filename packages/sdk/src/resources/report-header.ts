import type { components } from '../generated/wats-api.js';

/**
 * A report header as `GET /api/Report/Query/Header` returns it (OpenAPI schema
 * `Virinco.WATS.Web.Dashboard.Models.OData.ReportHeader`, generated). Every field is optional:
 * `$select` can leave any of them out; the collections (`subUnits`, `miscInfo`, ...) come only
 * with `$expand`.
 */
export type ReportHeader = components['schemas']['Virinco.WATS.Web.Dashboard.Models.OData.ReportHeader'];

/** Header fields that `$orderby` accepts (per the operation's description). */
export type HeaderOrderField = 'start' | 'uuid' | 'serialNumber' | 'timeStamp';

/** Collections that `$expand` can add. */
export type HeaderExpand =
  | 'subUnits'
  | 'miscInfo'
  | 'assets'
  | 'attachments'
  | 'uurSubUnits'
  | 'uurMiscInfo'
  | 'uurAttachments';
