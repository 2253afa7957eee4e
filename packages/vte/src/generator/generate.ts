/**
 * Fills the VTE-shaped schema (see `schema.ts`) with realistic, seeded data: products,
 * testplans with revisions, test systems, users (with a Password column that must never be
 * read), runs that pass and fail, numeric/text/other steps, NULL serials, repairs with actions
 * and codes, and late-arriving runs (inserted last, with older timestamps).
 *
 * Rows go in with `INSERT ... SELECT * FROM unnest($1::uuid[], ...)`: one statement per table
 * and chunk, so 10,000 runs x 50 steps take seconds. Memory stays bounded: runs are generated
 * and written a chunk at a time.
 */
import { Random } from './random.js';
import type { Queryable } from './schema.js';

export interface GenerateVteDataOptions {
  /** Runs to create (late runs included). */
  runs: number;
  /** @default 1 */
  seed?: number;
  /** Average steps per run (±20 %). @default 50 */
  stepsPerRun?: number;
  /** Local wall-clock time of the first run. @default '2026-03-27T06:00:00.000' */
  start?: string;
  /** Average seconds between runs. @default 60 */
  spacingSeconds?: number;
  /** Share of runs with the same Timestamp as the run before (parallel stations). @default 0.05 */
  tieRate?: number;
  /** Share of failing runs. @default 0.1 */
  failRate?: number;
  /** Share of runs whose UUT has a NULL serial. @default 0.02 */
  nullSerialRate?: number;
  /** Share of failed runs that get a repair. @default 0.6 */
  repairRate?: number;
  /** Runs inserted after all others, with timestamps inside the range already written. @default 0 */
  lateRuns?: number;
  /** Runs per insert chunk. @default 500 */
  chunkRuns?: number;
}

export interface GeneratedVteData {
  runs: number;
  steps: { numeric: number; text: number; other: number };
  repairs: number;
  repairActions: number;
  products: number;
  testplans: number;
  testplanRevisions: number;
  testSystems: number;
  users: number;
  /** Runs by result code (0 pass, 1 fail, 2 error, 3 aborted). */
  results: Record<number, number>;
  /** Runs whose UUT has a NULL serial (lower-case Index_GUIDs). */
  nullSerialRuns: string[];
  /** Runs inserted last with older timestamps (lower-case Index_GUIDs). */
  lateRuns: string[];
  /** The earliest and latest run timestamps (local wall-clock text). */
  firstTimestamp: string;
  lastTimestamp: string;
}

const PRODUCTS = [
  ['PSU-200', 'Power supply', 'B'], ['PSU-210', 'Power supply', 'A'], ['CTRL-44', 'Controller', '3'], ['DISP-7', 'Display', 'C'],
  ['SENS-12', 'Sensor board', '1'], ['MOD-88', 'Radio module', 'D'],
] as const;
const TESTPLANS = [['FCT main', 'Standard'], ['ICT', 'Standard'], ['Burn-in', 'Long'], ['Final test', 'Customer X']] as const;
const SYSTEMS = [['FCT-01', 'vte-fct01', 'Line 1'], ['FCT-02', 'vte-fct02', 'Line 1'], ['ICT-01', 'vte-ict01', 'Line 2'], ['BURN-01', 'vte-burn01', 'Line 2'], ['FINAL-01', null, null]] as const;
const USERS = ['kari', 'ola', 'nils', 'ingrid', 'operator'] as const;
const FAILURE_CODES = [['CAP_FAIL', 'Component', 'Capacitor out of tolerance'], ['SOLDER', 'Process', 'Solder bridge'], ['MISSING', 'Component', 'Missing component'], ['NFF', 'Other', 'No fault found']] as const;
const ACTION_CODES = [['REPLACE', 'Replaced component'], ['RESOLDER', 'Resoldered joint'], ['RETEST', 'Retested without change']] as const;
const UNITS = ['V', 'A', 'mA', 'Ohm', 'Hz', 'dB', '°C', 's'] as const;

interface Master {
  products: { guid: string; name: string }[];
  testplans: { guid: string; name: string; variant: string; revisions: { guid: string; rev: string }[] }[];
  systems: { guid: string; name: string; host: string | null; site: string | null }[];
  users: { guid: string; name: string }[];
  failureCodes: string[];
  actionCodes: string[];
}

/** Fills the schema created by `createVteSchema`; deterministic for a given `seed` and options. */
export async function generateVteData(db: Queryable, options: GenerateVteDataOptions): Promise<GeneratedVteData> {
  const rnd = new Random(options.seed ?? 1);
  const o = {
    stepsPerRun: options.stepsPerRun ?? 50,
    spacing: options.spacingSeconds ?? 60,
    tieRate: options.tieRate ?? 0.05,
    failRate: options.failRate ?? 0.1,
    nullSerialRate: options.nullSerialRate ?? 0.02,
    repairRate: options.repairRate ?? 0.6,
    late: Math.min(options.lateRuns ?? 0, options.runs),
    chunk: options.chunkRuns ?? 500,
  };
  const master = await insertMaster(db, rnd);
  const out: GeneratedVteData = {
    runs: 0, steps: { numeric: 0, text: 0, other: 0 }, repairs: 0, repairActions: 0,
    products: master.products.length, testplans: master.testplans.length,
    testplanRevisions: master.testplans.reduce((n, t) => n + t.revisions.length, 0),
    testSystems: master.systems.length, users: master.users.length,
    results: {}, nullSerialRuns: [], lateRuns: [], firstTimestamp: '', lastTimestamp: '',
  };
  const startMs = parseWall(options.start ?? '2026-03-27T06:00:00.000');
  let clock = startMs;
  const normal = options.runs - o.late;
  const rows = new Rows();
  for (let i = 0; i < normal; i++) {
    if (i > 0 && !rnd.chance(o.tieRate)) clock += rnd.int(1, Math.max(1, o.spacing * 2)) * 1000 + rnd.int(0, 999);
    addRun(rows, rnd, master, clock, o, out);
    if (rows.runs.length >= o.chunk) await rows.flush(db);
  }
  await rows.flush(db);
  const endMs = clock;
  // Late arrivals: committed after everything else, timestamped inside the range already written.
  for (let i = 0; i < o.late; i++) {
    const at = startMs + Math.floor(rnd.next() * Math.max(1, endMs - startMs));
    const guid = addRun(rows, rnd, master, at, o, out);
    out.lateRuns.push(guid);
  }
  await rows.flush(db);
  out.firstTimestamp = formatWall(startMs);
  out.lastTimestamp = formatWall(endMs);
  return out;
}

function addRun(
  rows: Rows,
  rnd: Random,
  m: Master,
  atMs: number,
  o: { stepsPerRun: number; failRate: number; nullSerialRate: number; repairRate: number },
  out: GeneratedVteData,
): string {
  const productIdx = rnd.int(0, m.products.length - 1);
  const product = m.products[productIdx]!;
  const plan = rnd.pick(m.testplans);
  const rev = rnd.pick(plan.revisions);
  const system = rnd.pick(m.systems);
  const user = rnd.pick(m.users);
  const uut = rnd.uuid();
  const nullSerial = rnd.chance(o.nullSerialRate);
  const serial = nullSerial ? null : `${product.name.replace(/[^A-Z0-9]/g, '')}${String(rnd.int(100000, 999999))}`;
  rows.uuts.push([uut, serial, product.guid, formatWall(atMs - 60_000)]);
  const index = rnd.uuid();
  if (nullSerial) out.nullSerialRuns.push(index);
  const r = rnd.next();
  const result = r < o.failRate ? 1 : r < o.failRate + 0.01 ? 2 : r < o.failRate + 0.015 ? 3 : 0;
  out.results[result] = (out.results[result] ?? 0) + 1;
  const ts = formatWall(atMs);
  const stepCount = Math.max(1, Math.round(o.stepsPerRun * (0.8 + 0.4 * rnd.next())));
  const failAt = result === 1 ? rnd.int(1, stepCount) : -1;
  // Aborted runs stop early.
  const lastStep = result === 3 ? Math.max(1, Math.floor(stepCount / 2)) : stepCount;
  rows.runs.push([
    index, uut, product.guid, plan.guid, rev.guid, system.guid, user.guid, ts, result === 0 ? 0 : result === 1 ? 0 : -result, result,
    Math.round((5 + rnd.next() * 115) * 1000) / 1000, system.host, system.site, user.name, product.name, plan.name, plan.variant, rev.rev,
    `Order ${rnd.int(1000, 9999)}`, rnd.chance(0.5) ? `Fixture F${rnd.int(1, 9)}` : null, rnd.chance(0.2) ? 'Rework' : null,
  ]);
  for (let n = 1; n <= lastStep; n++) {
    const fail = n === failAt;
    const kind = rnd.next();
    const name = `Step ${n}`;
    if (kind < 0.7) {
      const nominal = Math.round(rnd.next() * 1000) / 100;
      const shape = rnd.next();
      const low = shape < 0.75 ? nominal * 0.9 : null;
      const high = shape < 0.6 || (shape >= 0.75 && shape < 0.9) ? nominal * 1.1 + 0.01 : null;
      let value = nominal + (rnd.next() - 0.5) * nominal * 0.1;
      if (fail) value = high !== null ? high + 1 : low !== null ? low - 1 : value;
      const failed = fail && (low !== null || high !== null);
      rows.numeric.push([index, n, `${name} ${rnd.pick(['Voltage', 'Current', 'Resistance', 'Frequency'])}`, `Measure ${n}`, `T${String(n).padStart(3, '0')}`, rnd.pick(UNITS), value, low, high, failed ? 1 : 0]);
      if (failed) out.results[-1] = (out.results[-1] ?? 0) + 1;
      out.steps.numeric++;
    } else if (kind < 0.9) {
      rows.text.push([index, n, `${name} Read ID`, null, `T${String(n).padStart(3, '0')}`, null, `FW ${rnd.int(1, 3)}.${rnd.int(0, 20)}.${rnd.int(0, 9)}`, fail ? 1 : 0]);
      out.steps.text++;
    } else {
      const binary = rnd.chance(0.3);
      const data = binary ? rnd.bytes(rnd.int(16, 256)) : Buffer.from(`log line ${n}\r\nchecksum ok`, 'utf8');
      rows.other.push([index, n, `${name} ${binary ? 'Trace' : 'Log'}`, null, null, null, data, fail ? 1 : 0]);
      out.steps.other++;
    }
  }
  out.runs++;
  if (result === 1 && rnd.chance(o.repairRate)) {
    const repair = rnd.uuid();
    const repairAt = atMs + rnd.int(600, 3 * 3600) * 1000;
    rows.repairs.push([repair, index, rnd.pick(m.failureCodes), formatWall(repairAt), rnd.pick(m.users).name, rnd.chance(0.5) ? 'Checked on bench' : null]);
    out.repairs++;
    const actions = rnd.int(1, 2);
    for (let a = 0; a < actions; a++) {
      rows.actions.push([rnd.uuid(), repair, rnd.pick(m.actionCodes), `${rnd.pick(['C', 'R', 'U'])}${rnd.int(1, 99)}`, rnd.chance(0.3) ? 'See photo' : null, formatWall(repairAt + a * 60_000)]);
      out.repairActions++;
    }
  }
  return index;
}

async function insertMaster(db: Queryable, rnd: Random): Promise<Master> {
  const m: Master = { products: [], testplans: [], systems: [], users: [], failureCodes: [], actionCodes: [] };
  for (const [name, type, version] of PRODUCTS) {
    const guid = rnd.uuid();
    m.products.push({ guid, name });
    await db.query('INSERT INTO "Products" VALUES ($1, $2, $3, $4)', [guid, name, type, version]);
  }
  for (const [name, variant] of TESTPLANS) {
    const guid = rnd.uuid();
    await db.query('INSERT INTO "Testplans" VALUES ($1, $2, $3)', [guid, name, variant]);
    const revisions: { guid: string; rev: string }[] = [];
    for (const rev of ['1.0', '1.1', '2.0'].slice(0, rnd.int(1, 3))) {
      const g = rnd.uuid();
      revisions.push({ guid: g, rev });
      await db.query('INSERT INTO "TestplanRevisions" VALUES ($1, $2, $3, $4)', [g, guid, rev, '2025-01-01T00:00:00']);
    }
    m.testplans.push({ guid, name, variant, revisions });
  }
  for (const [name, host, site] of SYSTEMS) {
    const guid = rnd.uuid();
    m.systems.push({ guid, name, host, site });
    await db.query('INSERT INTO "TestSystems" VALUES ($1, $2, $3, $4)', [guid, name, host, site]);
    await db.query('INSERT INTO "TestsystemComponents" VALUES ($1, $2, $3, $4, $5, $6)', [rnd.uuid(), guid, 'DMM 34465A', `MY${rnd.int(10000, 99999)}`, 365, '2026-12-01T00:00:00']);
  }
  for (const name of USERS) {
    const guid = rnd.uuid();
    m.users.push({ guid, name });
    await db.query('INSERT INTO "Users" VALUES ($1, $2, $3, $4)', [guid, name, `secret-${name}-${rnd.int(1000, 9999)}`, rnd.int(1, 3)]);
  }
  for (const [code, category, description] of FAILURE_CODES) {
    const guid = rnd.uuid();
    m.failureCodes.push(guid);
    await db.query('INSERT INTO "RepairFailureCodes" VALUES ($1, $2, $3, $4)', [guid, code, category, description]);
  }
  for (const [code, description] of ACTION_CODES) {
    const guid = rnd.uuid();
    m.actionCodes.push(guid);
    await db.query('INSERT INTO "RepairActionCodes" VALUES ($1, $2, $3)', [guid, code, description]);
  }
  return m;
}

/** Rows waiting to be written, one array of column values per row. */
class Rows {
  uuts: unknown[][] = [];
  runs: unknown[][] = [];
  numeric: unknown[][] = [];
  text: unknown[][] = [];
  other: unknown[][] = [];
  repairs: unknown[][] = [];
  actions: unknown[][] = [];

  async flush(db: Queryable): Promise<void> {
    await insertUnnest(db, 'UutData', ['Uut_GUID:uuid', 'Serial:varchar', 'Product_GUID:uuid', 'Created:timestamp'], this.uuts);
    await insertUnnest(db, 'IndexData', [
      'Index_GUID:uuid', 'Uut_GUID:uuid', 'Product_GUID:uuid', 'Testplan_GUID:uuid', 'TestplanRevision_GUID:uuid', 'Testsystem_GUID:uuid',
      'User_GUID:uuid', 'Timestamp:timestamp', 'ExitCode:int', 'Result:int', 'TestTime:float8', 'Hostname:varchar', 'Site:varchar',
      'UserName:varchar', 'ProductName:varchar', 'TestplanName:varchar', 'TestplanVariant:varchar', 'TestplanRevision:varchar',
      'Info1:varchar', 'Info2:varchar', 'Info3:varchar',
    ], this.runs);
    const step = ['Index_GUID:uuid', 'TestStepNumber:int', 'TestName:varchar', 'TestDescription:varchar', 'TestNumber:varchar', 'TestUnits:varchar'];
    await insertUnnest(db, 'TestDataNumeric', [...step, 'TestResult:float8', 'LowLimit:float8', 'HighLimit:float8', 'TestResultType:int'], this.numeric);
    await insertUnnest(db, 'TestDataText', [...step, 'TestResult:varchar', 'TestResultType:int'], this.text);
    await insertUnnest(db, 'TestDataOther', [...step, 'TestResult:bytea', 'TestResultType:int'], this.other);
    await insertUnnest(db, 'RepairData', ['Repair_GUID:uuid', 'Index_GUID:uuid', 'RepairFailureCode_GUID:uuid', 'Timestamp:timestamp', 'UserName:varchar', 'Comment:varchar'], this.repairs);
    await insertUnnest(db, 'RepairActions', ['RepairAction_GUID:uuid', 'Repair_GUID:uuid', 'RepairActionCode_GUID:uuid', 'Component:varchar', 'Comment:varchar', 'Timestamp:timestamp'], this.actions);
    this.uuts = []; this.runs = []; this.numeric = []; this.text = []; this.other = []; this.repairs = []; this.actions = [];
  }
}

const UNNEST_CHUNK = 20_000;

/** `INSERT INTO t (cols) SELECT * FROM unnest($1::type[], ...)`: one statement per 20,000 rows. */
async function insertUnnest(db: Queryable, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const names = columns.map((c) => c.split(':')[0]!);
  const types = columns.map((c) => c.split(':')[1]!);
  for (let start = 0; start < rows.length; start += UNNEST_CHUNK) {
    const chunk = rows.slice(start, start + UNNEST_CHUNK);
    const arrays = names.map((_, i) => chunk.map((r) => r[i] ?? null));
    const text =
      `INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(', ')}) ` +
      `SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`;
    await db.query(text, arrays);
  }
}

function parseWall(text: string): number {
  const ms = Date.parse(`${text.replace(' ', 'T')}Z`);
  if (Number.isNaN(ms)) throw new RangeError(`not a local timestamp: ${text}`);
  return ms;
}

/** Wall-clock milliseconds → `YYYY-MM-DDTHH:mm:ss.fff` (no offset). */
function formatWall(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23);
}
