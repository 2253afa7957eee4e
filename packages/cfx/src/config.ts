/**
 * The CFX mapping config: which WATS station/asset a CFX handle is, how part numbers and
 * process codes are found, and how units and timestamps are normalised.
 * `resolveCfxConfig` validates it and reports every problem with its path.
 */
import { z } from 'zod';
import { CfxConfigError, type CfxConfigIssue } from './errors.js';
import { isValidTimeZone } from './time.js';

const station = z.strictObject({
  /** `machineName` on reports. @default the handle */
  machineName: z.string().min(1).max(100).optional().describe('machineName on reports. (default: the handle)'),
  /** `location` on reports. @default `defaults.location` */
  location: z.string().min(1).max(100).optional().describe('location on reports. (default: defaults.location)'),
  /** Serial number of the WATS asset that this endpoint is (for asset updates and `assets` on reports). */
  assetSerial: z.string().min(1).max(100).optional().describe('Serial number of the WATS asset that this endpoint is (for asset updates and assets on reports).'),
});

const partRef = { partNumber: z.string().min(1).max(100), revision: z.string().min(1).max(100).optional() };

const rule = z.union([
  z.strictObject({ prefix: z.string().min(1), ...partRef }),
  z.strictObject({ pattern: z.string().min(1), ...partRef }),
]);

const processCode = z.number().int();

export const cfxMappingSchema = z.strictObject({
  /** CFX handle -> station. Handles are matched exactly, then case-insensitively. */
  stations: z.record(z.string(), station).default({}).describe('CFX handle -> station. Handles are matched exactly, then case-insensitively.'),
  defaults: z
    .strictObject({
      location: z.string().min(1).max(100).default('CFX'),
      purpose: z.string().min(1).max(100).default('Production'),
      /** Revision when no rule gives one. */
      revision: z.string().min(1).max(100).default('1').describe('Revision when no rule gives one.'),
    })
    .prefault({}),
  partNumbers: z
    .strictObject({
      /** Recipe (program) name -> part number. Checked first. */
      recipes: z.record(z.string(), z.strictObject(partRef)).default({}).describe('Recipe (program) name -> part number. Checked first.'),
      /** Unit identifier rules, first match wins: `prefix` or `pattern` (a regular expression). */
      rules: z.array(rule).default([]).describe('Unit identifier rules, first match wins: prefix or pattern (a regular expression).'),
      /** Part number when nothing else gives one; without it such a unit is a mapping error. */
      fallback: z.strictObject(partRef).optional().describe('Part number when nothing else gives one; without it such a unit is a mapping error.'),
    })
    .prefault({}),
  processCodes: z
    .strictObject({
      /** Test operation when nothing more specific applies. */
      default: processCode.default(10),
      /** Per message short name, e.g. `{ "UnitsTested": 20 }`. */
      byMessage: z.record(z.string(), processCode).default({}).describe('Per message short name, e.g. { "UnitsTested": 20 }.'),
      /** Per `TestMethod` of UnitsTested (ICT, FCT, FPT, BST, Human, Automated). */
      byTestMethod: z.record(z.string(), processCode).default({}).describe('Per TestMethod of UnitsTested (ICT, FCT, FPT, BST, Human, Automated).'),
      /** Per `InspectionMethod` of UnitsInspected (AOI, SPI, AXI, Human). */
      byInspectionMethod: z.record(z.string(), processCode).default({}).describe('Per InspectionMethod of UnitsInspected (AOI, SPI, AXI, Human).'),
      /** Repair operation of UUR reports. */
      repair: processCode.default(500),
    })
    .prefault({}),
  repair: z
    .strictObject({
      /** Fail-code category of UUR failures. */
      failCategory: z.string().min(1).default('CFX').describe('Fail-code category of UUR failures.'),
      /** Fail code when the repair names no defect or symptom code. */
      defaultFailCode: z.string().min(1).default('Repair').describe('Fail code when the repair names no defect or symptom code.'),
    })
    .prefault({}),
  materials: z
    .strictObject({
      /**
       * How WATS checks an installed sub-assembly (`AddChildUnit`): `part-number` (the child unit
       * must have the part number CFX names; no box build needed) or `box-build` (it must fit the
       * parent revision's box build/BOM in WATS). @default part-number
       */
      check: z.enum(['part-number', 'box-build']).default('part-number').describe('How WATS checks an installed sub-assembly (AddChildUnit): part-number (the child unit must have the part number CFX names; no box build needed) or box-build (it must fit the parent revision\'s box build/BOM in WATS). (default: part-number)'),
    })
    .prefault({}),
  /** Convert values and limits to the base unit (kOhm -> Ohm, mV -> V, ms -> s). @default true */
  normalizeUnits: z.boolean().default(true).describe('Convert values and limits to the base unit (kOhm -> Ohm, mV -> V, ms -> s). (default: true)'),
  /** Time zone for CFX timestamps without an offset: 'UTC', '+01:00', an IANA name, or 'local'. */
  timeZone: z.string().default('UTC').describe('Time zone for CFX timestamps without an offset: \'UTC\', \'+01:00\', an IANA name, or \'local\'.'),
  /** Use the WATS 25.3 external calibration/maintenance routes. @default true */
  externalAssetRoutes: z.boolean().default(true).describe('Use the WATS 25.3 external calibration/maintenance routes. (default: true)'),
});

/** The config as written (every field optional). */
export type CfxMappingOptions = z.input<typeof cfxMappingSchema>;
/** The resolved config. */
export type CfxMappingConfig = Readonly<z.output<typeof cfxMappingSchema>>;

/** Validates and defaults a CFX mapping config. Throws {@link CfxConfigError} listing every issue. */
export function resolveCfxConfig(input: unknown = {}): CfxMappingConfig {
  const parsed = cfxMappingSchema.safeParse(input);
  const issues: CfxConfigIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  if (parsed.success) {
    const c = parsed.data;
    c.partNumbers.rules.forEach((r, i) => {
      if ('pattern' in r) {
        try {
          new RegExp(r.pattern);
        } catch (e) {
          issues.push({ path: `partNumbers.rules.${i}.pattern`, message: `not a regular expression: ${(e as Error).message}` });
        }
      }
    });
    if (!isValidTimeZone(c.timeZone)) issues.push({ path: 'timeZone', message: `unknown time zone "${c.timeZone}"` });
  }
  if (issues.length > 0 || !parsed.success) throw new CfxConfigError(issues);
  return deepFreeze(parsed.data);
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
