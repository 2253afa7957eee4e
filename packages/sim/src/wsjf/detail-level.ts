import type { WsjfReport } from './validate-report.js';

/**
 * How `GET /api/Report/Wsjf/{id}` trims a report. The spec only says "0 is report identifying
 * data and 7 is full report", attachments come with levels 4-7 and plot data with level 6, so
 * the simulator defines the levels as:
 *
 * | level | content |
 * |---|---|
 * | 0 | identifying data: top-level scalars and the `uut`/`uur` object |
 * | 1 | + report collections (`subUnits`, `miscInfos`, `assets`, `assetStats`, `binaryData` without `data`, `additionalData`) |
 * | 2 | + the step tree (`root`, `steps`) without step payloads |
 * | 3 | + measurements, charts without `xdata`/`ydata`, attachments without `data` |
 * | 4, 5 | + attachment data |
 * | 6, 7 | + chart data: the full report as received |
 */
export interface ReportView {
  /** 0-7; default 7. */
  detailLevel: number;
  /** Default true; false drops `data` of attachments (levels 4-7 only). */
  includeAttachments: boolean;
  /** Default true; false drops `xdata`/`ydata` of chart series (level 6-7 only). */
  includeChartdata: boolean;
}

export const FULL_VIEW: ReportView = { detailLevel: 7, includeAttachments: true, includeChartdata: true };

const REPORT_COLLECTIONS = ['subUnits', 'miscInfos', 'assets', 'assetStats', 'binaryData', 'additionalData'];
/** Step keys that carry results rather than structure (dropped at level 2). */
const STEP_PAYLOADS = [
  'numericMeas', 'booleanMeas', 'stringMeas', 'chart', 'attachment',
  'messagePopup', 'callExe', 'additionalResults',
];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets an own property, even one named `__proto__` (a JSON key like any other). */
function setKey(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Removes `data` from an attachment-like object (a copy). */
function withoutData(value: unknown): unknown {
  if (!isObject(value)) return value;
  const { data: _data, ...rest } = value;
  return rest;
}

function shapeChart(chart: unknown): unknown {
  if (!isObject(chart) || !Array.isArray(chart.series)) return chart;
  return {
    ...chart,
    series: chart.series.map((s) => {
      if (!isObject(s)) return s;
      const { xdata: _x, ydata: _y, ...rest } = s;
      return rest;
    }),
  };
}

interface Shaping {
  payloads: boolean;
  attachmentData: boolean;
  chartData: boolean;
}

function shapeStep(step: unknown, how: Shaping): unknown {
  if (!isObject(step)) return step;
  const out: Json = {};
  for (const [key, value] of Object.entries(step)) {
    if (!how.payloads && STEP_PAYLOADS.includes(key)) continue;
    if (key === 'steps' && Array.isArray(value)) setKey(out, key, value.map((s) => shapeStep(s, how)));
    else if (key === 'attachment' && !how.attachmentData) setKey(out, key, withoutData(value));
    else if (key === 'chart' && !how.chartData) setKey(out, key, shapeChart(value));
    else setKey(out, key, value);
  }
  return out;
}

function shapeSubUnits(units: unknown): unknown {
  if (!Array.isArray(units)) return units;
  return units.map((u) => {
    if (!isObject(u) || !Array.isArray(u.failures)) return u;
    const failures = u.failures.map((f) =>
      isObject(f) && Array.isArray(f.attachments) ? { ...f, attachments: f.attachments.map(withoutData) } : f,
    );
    return { ...u, failures };
  });
}

/** Returns the report as the requested view (the stored object itself for the full view). */
export function shapeReport(report: WsjfReport, view: ReportView): WsjfReport {
  const level = view.detailLevel;
  const how: Shaping = {
    payloads: level >= 3,
    attachmentData: level >= 4 && view.includeAttachments,
    chartData: level >= 6 && view.includeChartdata,
  };
  if (level >= 6 && how.attachmentData && how.chartData) return report;
  const out: WsjfReport = {};
  for (const [key, value] of Object.entries(report)) {
    if (key === 'root') {
      if (level >= 2) setKey(out, key, shapeStep(value, how));
    } else if (REPORT_COLLECTIONS.includes(key)) {
      if (level < 1) continue;
      if (key === 'binaryData' && !how.attachmentData && Array.isArray(value)) setKey(out, key, value.map(withoutData));
      else if (key === 'subUnits' && !how.attachmentData) setKey(out, key, shapeSubUnits(value));
      else setKey(out, key, value);
    } else {
      setKey(out, key, value);
    }
  }
  return out;
}
