/**
 * WSBF, the WATS Standard BOM Format that `PUT /api/Product/BOM` takes:
 *
 * ```xml
 * <BOM Partnumber="100100" Revision="1.0" Desc="Product" xmlns="http://wats.virinco.com/schemas/WATS/wsbf">
 *   <Component Number="100200" Rev="1.0" Qty="2" Desc="Component" Ref="A30;A31" FunctionBlock="A" />
 * </BOM>
 * ```
 */
import { HttpError } from '../../errors.js';
import { Problems } from './body.js';
import type { BomComponent } from './product-state.js';
import { attr, parseXml, XmlSyntaxError, type XmlElement } from './xml-lite.js';

export interface ParsedBom {
  partNumber: string;
  revision: string;
  description?: string;
  components: BomComponent[];
}

function component(el: XmlElement, i: number, problems: Problems): BomComponent | undefined {
  const at = `Component[${i}]`;
  const number = attr(el, 'Number')?.trim();
  if (!number) {
    problems.add(`${at}.Number`, 'required');
    return undefined;
  }
  const qtyText = attr(el, 'Qty');
  let qty = 1;
  if (qtyText !== undefined && qtyText.trim() !== '') {
    if (!/^\d+$/.test(qtyText.trim())) {
      problems.add(`${at}.Qty`, `'${qtyText}' is not a whole number`);
      return undefined;
    }
    qty = Number(qtyText);
  }
  const out: BomComponent = { number, qty };
  const rev = attr(el, 'Rev');
  if (rev !== undefined && rev.trim() !== '') out.rev = rev.trim();
  const optional = { desc: attr(el, 'Desc'), ref: attr(el, 'Ref'), functionBlock: attr(el, 'FunctionBlock') };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined && v !== '') out[k as 'desc'] = v;
  return out;
}

/** Parses a WSBF document; a 400 lists what is wrong with it. */
export function parseWsbf(text: string): ParsedBom {
  if (text.trim() === '') throw new HttpError(400, 'The request body is empty; expected a WSBF <BOM> document.');
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (err) {
    const reason = err instanceof XmlSyntaxError ? err.message : String(err);
    throw new HttpError(400, `The BOM is not well-formed XML: ${reason}.`);
  }
  if (root.name !== 'BOM') throw new HttpError(400, `The root element must be <BOM> (WSBF), got <${root.name}>.`);
  const problems = new Problems();
  const partNumber = attr(root, 'Partnumber')?.trim();
  const revision = attr(root, 'Revision')?.trim();
  if (!partNumber) problems.add('BOM.Partnumber', 'required');
  if (!revision) problems.add('BOM.Revision', 'required');
  const components: BomComponent[] = [];
  root.children.forEach((el, i) => {
    if (el.name !== 'Component') {
      problems.add(`BOM child ${i}`, `unexpected element <${el.name}>; only <Component> is allowed`);
      return;
    }
    const c = component(el, i, problems);
    if (c) components.push(c);
  });
  problems.throwIfAny();
  const bom: ParsedBom = { partNumber: partNumber!, revision: revision!, components };
  const desc = attr(root, 'Desc');
  if (desc !== undefined && desc !== '') bom.description = desc;
  return bom;
}
