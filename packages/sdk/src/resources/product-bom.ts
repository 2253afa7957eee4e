import { WatsError } from '../core/errors.js';

/** One component line of a BOM. */
export interface BomComponent {
  /** Written as `Number`. */
  partNumber: string;
  /** Written as `Rev`: a revision, or a mask with `%`. */
  revision?: string;
  /** Written as `Qty`. @default 1 */
  quantity?: number;
  /** Written as `Desc`. */
  description?: string;
  /** Reference designators, written as `Ref` (`;`-separated). */
  references?: string | string[];
  functionBlock?: string;
}

/** A BOM for `client.product.saveBom`, written as WSBF (WATS Standard BOM Format). */
export interface Bom {
  partNumber: string;
  revision: string;
  description?: string;
  components: BomComponent[];
}

function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Writes a BOM as a WSBF document (what `PUT /api/Product/BOM` takes). */
export function toWsbf(bom: Bom): string {
  const a = (name: string, value: string | number | undefined) =>
    value === undefined || value === '' ? '' : ` ${name}="${escapeXml(String(value))}"`;
  const lines = bom.components.map((c, i) => {
    const qty = c.quantity ?? 1;
    if (!Number.isInteger(qty) || qty < 0) {
      throw new WatsError(`components[${i}].quantity must be a whole number >= 0, got ${qty}`, { code: 'WATS_ERR_ARGUMENT' });
    }
    const refs = Array.isArray(c.references) ? c.references.join(';') : c.references;
    return `  <Component${a('Number', c.partNumber)}${a('Rev', c.revision)}${a('Qty', qty)}${a('Desc', c.description)}${a('Ref', refs)}${a('FunctionBlock', c.functionBlock)} />`;
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<BOM${a('Partnumber', bom.partNumber)}${a('Revision', bom.revision)}${a('Desc', bom.description)} xmlns="http://wats.virinco.com/schemas/WATS/wsbf">`,
    ...lines,
    '</BOM>',
  ].join('\n');
}
