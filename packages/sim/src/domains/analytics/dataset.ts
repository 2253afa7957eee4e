import type { ReportStore } from '../../store/report-store.js';
import { reportFacts, type ReportFacts } from './report-facts.js';

/**
 * The reports analytics works on, with run numbers. Facts are derived once per receive of a
 * report (keyed by its processing `timeStamp`), so a data directory is read from disk only
 * for reports that changed since the last question.
 */
export interface Dataset {
  reports: ReportFacts[];
  /** Run number per report id: 1-based per serial number + part number + process code, by start. */
  run: Map<string, number>;
}

interface Cache {
  version: number;
  facts: Map<string, ReportFacts>;
  dataset?: Dataset;
}

const caches = new WeakMap<ReportStore, Cache>();

/** Run numbers as the header query computes them (case-insensitive unit key, start order). */
export function runNumbers(reports: ReportFacts[]): Map<string, number> {
  const groups = new Map<string, ReportFacts[]>();
  for (const r of reports) {
    const key = `${r.serialNumber.toUpperCase()}\u0000${r.partNumber.toUpperCase()}\u0000${r.processCode}`;
    const group = groups.get(key) ?? [];
    group.push(r);
    groups.set(key, group);
  }
  const runs = new Map<string, number>();
  for (const group of groups.values()) {
    group.sort(byStart);
    group.forEach((r, i) => runs.set(r.id, i + 1));
  }
  return runs;
}

/** Start order; equal starts go by processing order. */
export function byStart(a: ReportFacts, b: ReportFacts): number {
  return a.startMs - b.startMs || a.entry.timeStamp - b.entry.timeStamp;
}

/** Every stored report as facts (reading bodies only for new or changed reports). */
export async function loadDataset(store: ReportStore): Promise<Dataset> {
  let cache = caches.get(store);
  if (!cache) {
    cache = { version: -1, facts: new Map() };
    caches.set(store, cache);
  }
  if (cache.dataset && cache.version === store.version) return cache.dataset;
  const version = store.version;
  const next = new Map<string, ReportFacts>();
  for (const entry of store.list()) {
    const known = cache.facts.get(entry.id);
    if (known && known.entry.timeStamp === entry.timeStamp) {
      next.set(entry.id, known);
      continue;
    }
    const body = await store.get(entry.id);
    if (body) next.set(entry.id, reportFacts(entry, body));
  }
  const reports = [...next.values()];
  const dataset: Dataset = { reports, run: runNumbers(reports) };
  // Reports received while bodies were read show up on the next question.
  cache.facts = next;
  cache.version = version;
  cache.dataset = dataset;
  return dataset;
}
