/**
 * The built-in converters, in detection tie-break order. One module per format under
 * `src/<format>/`, each exporting one `Converter`.
 */
import type { Converter } from './types.js';
import { wsjfConverter } from './wsjf/index.js';
import { wsxfConverter } from './wsxf/index.js';
import { wstfConverter } from './wstf/index.js';
import { teststandXmlConverter } from './teststand-xml/index.js';
import { teststandWatsDumpConverter } from './teststand-wats-dump/index.js';
import { atmlConverter } from './atml/index.js';
import { seicaVivaConverter } from './seica-viva/index.js';
import { xjtagConverter } from './xjtag/index.js';
import { klippelConverter } from './klippel/index.js';
import { keysightTestExecSlConverter } from './keysight-testexec-sl/index.js';
import { teradyneGr228xConverter } from './teradyne-gr228x/index.js';
import { teradyneSpectrumConverter } from './teradyne-spectrum/index.js';
import { speaIct3030Converter } from './spea-ict3030/index.js';
import { keysightI3070Converter } from './keysight-i3070/index.js';

export const FORMAT_CONVERTERS: readonly Converter[] = [
  wsjfConverter,
  wsxfConverter,
  wstfConverter,
  teststandXmlConverter,
  teststandWatsDumpConverter,
  atmlConverter,
  seicaVivaConverter,
  xjtagConverter,
  klippelConverter,
  keysightTestExecSlConverter,
  teradyneGr228xConverter,
  teradyneSpectrumConverter,
  speaIct3030Converter,
  keysightI3070Converter,
];
