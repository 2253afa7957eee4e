import { WatsClient, eq, type ReportHeader, type WsjfReport } from '@tswats/sdk';
import { startSim } from '@tswats/sim';
import { isDeepStrictEqual } from 'node:util';
import { InternalError } from '../errors.js';
import { buildDemoReports } from './demo-reports.js';
import { waitForSignal } from './sim.js';

/** Options of `tswats demo`. */
export interface SdkDemoOptions {
  port: number;
  /** Keep the simulator up after the summary; undefined = only when stdout is a terminal. */
  serve?: boolean;
}

/**
 * The main job on the embedded default: start the simulator in-process, build a
 * realistic UUT and UUR report with the SDK, submit them, read them back through
 * the query API and print a short summary.
 */
export async function runSdkDemo(opts: SdkDemoOptions): Promise<void> {
  const sim = await startSim({ port: opts.port });
  try {
    const wats = new WatsClient({ baseUrl: sim.url, logLevel: 'warn' });
    const { uut, uur } = buildDemoReports(new Date());

    const sentUut = await wats.reports.submit(uut);
    const sentUur = await wats.reports.submit(uur);

    const headers = await wats.reports.queryHeaders({
      filter: eq('serialNumber', uut.sn),
      orderBy: 'start',
    });
    const backUut = await wats.reports.getWsjf(sentUut.id);
    const backUur = await wats.reports.getWsjf(sentUur.id);
    const identical = same(uut, backUut) && same(uur, backUur);
    if (!identical) throw new InternalError('a report read back from the simulator differs from what was sent');

    const out = process.stdout;
    out.write(`WATS simulator: ${sim.url} (version ${await wats.app.version()}, in memory)\n\n`);
    out.write(`Submitted 2 reports for ${uut.pn} rev ${uut.rev}, serial ${uut.sn}:\n`);
    out.write(`  UUT ${sentUut.id}  result ${uut.result}  ${countMeasurements(uut)}\n`);
    out.write(`  UUR ${sentUur.id}  repair of ${uur.uur?.refUUT ?? '-'}\n\n`);
    out.write(`Read back through GET /api/Report/Query/Header ($filter=serialNumber eq '${uut.sn}'):\n`);
    for (const h of headers) out.write(`  ${formatHeader(h)}\n`);
    out.write(`\nBoth reports read back through GET /api/Report/Wsjf/{id} identical to what was sent.\n`);

    const serve = opts.serve ?? Boolean(process.stdout.isTTY);
    if (serve) {
      const q = encodeURIComponent(`serialNumber eq '${uut.sn}'`);
      out.write(`\nTry: curl '${sim.url}/api/Report/Query/Header?$filter=${q}'\n`);
      out.write(`     curl ${sim.url}/api/Report/Wsjf/${sentUut.id}\n`);
      out.write('The simulator keeps running; Ctrl-C to stop.\n');
      await waitForSignal();
    }
  } finally {
    await sim.close();
  }
}

function same(sent: WsjfReport, back: WsjfReport): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(sent)), back);
}

function formatHeader(h: ReportHeader): string {
  const kind = h.reportType === 'R' ? 'UUR' : 'UUT';
  return [kind, h.result, `process ${h.processCode} ${h.processName ?? ''}`.trim(), h.start, h.stationName, h.uuid]
    .map((v) => String(v ?? '-'))
    .join('  ');
}

function countMeasurements(report: WsjfReport): string {
  let total = 0;
  const failed: string[] = [];
  const visit = (step: Record<string, unknown>, path: string) => {
    for (const key of ['numericMeas', 'booleanMeas', 'stringMeas']) {
      const list = step[key];
      if (!Array.isArray(list)) continue;
      for (const m of list as Record<string, unknown>[]) {
        total++;
        if (m.status === 'F') failed.push(path ? `${path}/${String(step.name)}` : String(step.name));
      }
    }
    const children = step.steps;
    if (Array.isArray(children)) {
      // Paths start below the root sequence ("Supply rails/12V rail").
      const here = step === root ? '' : path ? `${path}/${String(step.name)}` : String(step.name);
      for (const c of children as Record<string, unknown>[]) visit(c, here);
    }
  };
  const root = report.type === 'T' ? (report.root as unknown as Record<string, unknown>) : undefined;
  if (root) visit(root, '');
  return `${total} measurements, ${failed.length} failed${failed.length ? `: ${failed.join(', ')}` : ''}`;
}
