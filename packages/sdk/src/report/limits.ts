/**
 * The one table of WSJF field limits, and the character rules validation applies.
 *
 * Source: `shared/notes/sdk.md` §3.1, **pyWATS column** (pydantic `max_length`, pyWATS 0.5.0b6).
 * The C# reference docs list smaller values for some fields (pn/sn/rev 50, StationName 50,
 * comment 1000, miscInfo 50/255) and the true server limits are not published: the WSJF body
 * is untyped in the OpenAPI spec. Override any entry with `validateReport(r, { limits })`.
 */

/** Maximum lengths in UTF-16 code units, keyed by `<object>.<field>`. */
export const FIELD_LIMITS = Object.freeze({
  // Top level.
  pn: 100,
  sn: 100,
  rev: 100,
  machineName: 100,
  location: 100,
  purpose: 100,
  // `uut` object.
  'uut.user': 100,
  'uut.comment': 5000,
  'uut.fixtureId': 100,
  'uut.batchSN': 100,
  // Sequence calls.
  'seqCall.name': 200,
  'seqCall.version': 30,
  'seqCall.path': 500,
  // Every step.
  'step.name': 100,
  // UUT `miscInfos[]`.
  'miscInfo.description': 100,
  'miscInfo.text': 100,
  // UUR `miscInfos[]` (pyWATS `UURMiscInfo` key/value).
  'uurMiscInfo.description': 100,
  'uurMiscInfo.text': 500,
  // `subUnits[]`.
  'subUnit.pn': 100,
  'subUnit.sn': 100,
  'subUnit.rev': 100,
  'subUnit.partType': 50,
  // `assets[]`.
  'asset.sn': 100,
  // Step charts.
  'chart.label': 100,
  'chart.xLabel': 100,
  'chart.yLabel': 100,
  'chart.xUnit': 50,
  'chart.yUnit': 50,
  'chart.seriesName': 100,
  // Report `binaryData[]` and UUR failure attachments.
  'binaryData.contentType': 100,
  'binaryData.name': 256,
  'binaryData.description': 500,
  // Step `attachment` (same pyWATS model as binaryData).
  'attachment.contentType': 100,
  'attachment.name': 256,
  'attachment.description': 500,
  // Report `additionalData[]` and step `additionalResults[]`.
  'additionalData.name': 200,
  // `MessagePopup` steps.
  'messagePopup.response': 100,
});

/** A key of {@link FIELD_LIMITS}. */
export type FieldLimitKey = keyof typeof FIELD_LIMITS;

/** A full limit table. */
export type FieldLimits = { readonly [K in FieldLimitKey]: number };

/**
 * Characters that break serial and part number lookups on the server (sdk.md §3.2):
 * `* % ? [ ] ^ ! / \`. The recommended charset is `A-Z a-z 0-9 - _ .`.
 */
export const PROBLEMATIC_SN_PN_CHARS = '*%?[]^!/\\';

/**
 * One XML-invalid character (sdk.md §3.2); the C# API strips them in AutoTruncate mode.
 * Not global, so `.test()` is safe; use `new RegExp(XML_INVALID_CHARS_RE, 'g')` to replace all.
 */
export const XML_INVALID_CHARS_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/**
 * Merges overrides into {@link FIELD_LIMITS}.
 * @param overrides - Entries to change.
 * @throws RangeError for an unknown key or a limit that is not a positive integer.
 */
export function resolveFieldLimits(overrides: Partial<FieldLimits> = {}): FieldLimits {
  for (const [k, v] of Object.entries(overrides)) {
    if (!Object.prototype.hasOwnProperty.call(FIELD_LIMITS, k)) throw new RangeError(`unknown field limit "${k}"`);
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
      throw new RangeError(`field limit "${k}" must be a positive integer, got ${String(v)}`);
    }
  }
  const merged: Record<string, number> = { ...FIELD_LIMITS };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) merged[k] = v;
  return Object.freeze(merged) as FieldLimits;
}
