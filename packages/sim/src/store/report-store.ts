import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SimError } from '../errors.js';
import { summarizeReport, type ReportSummary } from '../wsjf/report-summary.js';
import type { WsjfReport } from '../wsjf/validate-report.js';
import { TEMP_SUFFIX, writeFileAtomic } from './atomic-write.js';

/** Bookkeeping the server keeps per report, persisted next to the report. */
export interface ReportMeta {
  /** Canonical (lower-case) report GUID. */
  id: string;
  /** The legacy integer `Report_ID`; kept when a report is overwritten. */
  reportId: number;
  /** Processing order: a new value every time the report is received. */
  timeStamp: number;
  /** How many times this id was received (overwrites included). */
  receiveCount: number;
  /** Size of the last body received, in bytes. */
  size: number;
  /** When the report was last received (ISO). */
  receivedAt: string;
}

export interface StoredReport extends ReportMeta {
  summary: ReportSummary;
}

/** The file format of `<dataDir>/reports/<id>.json`. */
interface Envelope {
  meta: ReportMeta;
  report: WsjfReport;
}

/**
 * Reports by id. Without a data directory everything stays in memory. With one, each report is
 * written crash-safely to its own file, bodies are read back from disk on demand, and the
 * directory is loaded again on start (counters resume from the highest values found).
 */
export class ReportStore {
  private readonly entries = new Map<string, StoredReport>();
  private readonly bodies = new Map<string, WsjfReport>();
  private readonly writes = new Map<string, Promise<void>>();
  private readonly dir: string | undefined;
  private nextTimeStamp = 1;
  private nextReportId = 1;
  /** Changes whenever a report is stored; lets callers cache derived data. */
  version = 0;

  /** A store in memory when `dataDir` is undefined; call `load()` before use either way. */
  constructor(dataDir: string | undefined) {
    this.dir = dataDir === undefined ? undefined : join(dataDir, 'reports');
  }

  /** Creates the data directory if needed and loads the reports in it (no-op in memory). */
  async load(): Promise<void> {
    const dir = this.dir;
    if (!dir) return;
    await mkdir(dir, { recursive: true });
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      if (name.endsWith(TEMP_SUFFIX)) {
        await rm(path, { force: true }); // an interrupted write; the previous file is intact
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const envelope = await readEnvelope(path);
      const { meta, report } = envelope;
      this.entries.set(meta.id, { ...meta, summary: summarizeReport(report, meta.id) });
      this.nextTimeStamp = Math.max(this.nextTimeStamp, meta.timeStamp + 1);
      this.nextReportId = Math.max(this.nextReportId, meta.reportId + 1);
    }
    this.version++;
  }

  /** Stores (or overwrites) a validated report under its canonical id; resolves once durable. */
  async put(report: WsjfReport, id: string, size: number): Promise<StoredReport> {
    const previous = this.entries.get(id);
    const entry: StoredReport = {
      id,
      reportId: previous?.reportId ?? this.nextReportId++,
      timeStamp: this.nextTimeStamp++,
      receiveCount: (previous?.receiveCount ?? 0) + 1,
      size,
      receivedAt: new Date().toISOString(),
      summary: summarizeReport(report, id),
    };
    this.entries.set(id, entry);
    this.version++;
    if (!this.dir) {
      this.bodies.set(id, report);
      return entry;
    }
    const { summary: _summary, ...meta } = entry;
    const path = join(this.dir, `${id}.json`);
    const content = `{"meta":${JSON.stringify(meta)},"report":${JSON.stringify(report)}}`;
    // Writes of one id are chained so the file always ends with the latest receive.
    const write = (this.writes.get(id) ?? Promise.resolve()).catch(() => {}).then(() => writeFileAtomic(path, content));
    this.writes.set(id, write);
    try {
      await write;
    } finally {
      if (this.writes.get(id) === write) this.writes.delete(id);
    }
    return entry;
  }

  /** The report body exactly as stored, or undefined. */
  async get(id: string): Promise<WsjfReport | undefined> {
    if (!this.entries.has(id)) return undefined;
    if (!this.dir) return this.bodies.get(id);
    await this.writes.get(id)?.catch(() => {});
    return (await readEnvelope(join(this.dir, `${id}.json`))).report;
  }

  meta(id: string): StoredReport | undefined {
    return this.entries.get(id);
  }

  list(): StoredReport[] {
    return [...this.entries.values()];
  }

  count(): number {
    return this.entries.size;
  }

  /** Waits for writes in flight (called on close). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.writes.values()]);
  }
}

async function readEnvelope(path: string): Promise<Envelope> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new SimError('SIM_ERR_CORRUPT_DATA', `Cannot read stored report ${path}`, { cause: err });
  }
  const env = parsed as Partial<Envelope> | null;
  const meta = env?.meta;
  const valid =
    meta &&
    typeof meta.id === 'string' &&
    Number.isInteger(meta.reportId) &&
    Number.isInteger(meta.timeStamp) &&
    Number.isInteger(meta.receiveCount) &&
    typeof env?.report === 'object' &&
    env.report !== null;
  if (!valid) throw new SimError('SIM_ERR_CORRUPT_DATA', `Stored report ${path} has no valid meta/report`);
  return env as Envelope;
}
