import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BadRequestError, createUutReport, NotFoundError, WatsError, type WatsClient } from '@tswats/sdk';
import { clientFor, testSim } from '../helpers.js';
import { pdfTextLines, readPdf, readZip } from './file-checks.js';

/** Three PSU-200 units on three days (one fails), and one unit of another product. */
async function seed(client: WatsClient): Promise<void> {
  const units: Array<[string, string, number, string]> = [
    ['PSU-1', 'PSU-200', 12.1, '2026-03-01T08:00:00Z'],
    ['PSU-2', 'PSU-200', 12.9, '2026-03-02T08:00:00Z'],
    ['PSU-3', 'PSU-200', 12.3, '2026-03-03T08:00:00Z'],
    ['CTRL-1', 'CTRL-44', 5.0, '2026-03-03T09:00:00Z'],
  ];
  for (const [sn, pn, volts, start] of units) {
    const b = createUutReport({
      partNumber: pn, revision: 'B', serialNumber: sn, processCode: 10, stationName: 'FCT-1', location: 'Line 1',
      purpose: 'Production', operator: 'kari', start: new Date(start),
    });
    b.root.addNumeric('12V rail', { value: volts, unit: 'V', compOp: 'GELE', lowLimit: 11.4, highLimit: 12.6 });
    await client.reports.submit(b.build());
  }
}

const wait = { pollIntervalMs: 25, timeoutMs: 5000 };

describe('certificate export', () => {
  it('queues an export that completes in the background; the zip holds one PDF per matching report', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await seed(client);
    const queued = await client.export.queueCertificates({
      filter: { partNumber: 'PSU-%' },
      headerDataOnly: false,
      asIndividualFiles: true,
    });
    expect(queued.exportFileName).toMatch(/^CertificateExport_\d{8}_\d{6}_1\.zip$/);
    const [listed] = await client.export.listExports();
    expect(listed).toMatchObject({ exportFileName: queued.exportFileName, status: expect.stringMatching(/^(Queued|Completed)$/) });

    const done = await client.export.waitForExport(queued.exportFileName, wait);
    expect(done).toMatchObject({ status: 'Completed', reportCount: 3, completedUtc: expect.any(String) });
    const file = await client.export.getExportedFile(queued.exportFileName);
    expect(file).toMatchObject({ contentType: 'application/zip', fileName: queued.exportFileName });
    expect(done.size).toBe(file.data.length);
    const pdfs = readZip(file.data);
    expect([...pdfs.keys()]).toEqual([
      'PSU-1_PSU-200_20260301080000.pdf',
      'PSU-2_PSU-200_20260302080000.pdf',
      'PSU-3_PSU-200_20260303080000.pdf',
    ]);
    const second = pdfTextLines(readPdf(pdfs.get('PSU-2_PSU-200_20260302080000.pdf')!));
    expect(second).toEqual(expect.arrayContaining(['Serial number: PSU-2', 'Result: Failed', 'Station: FCT-1', '12.9 V GELE [11.4 .. 12.6] Failed']));
    // The name works without its extension too.
    const again = await client.export.getExportedFile(queued.exportFileName.replace(/\.zip$/, ''));
    expect(Buffer.from(again.data).equals(Buffer.from(file.data))).toBe(true);
  });

  it('writes one PDF for all reports, with only the chosen details, dates and number format', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await seed(client);
    const headerOnly = await client.export.queueCertificates({
      filter: { partNumber: 'PSU-200', dateFrom: new Date('2026-03-02T00:00:00Z') },
      headerDataOnly: true,
      asIndividualFiles: false,
      dimensions: ['reportStatus', 'operator'],
    });
    await client.export.waitForExport(headerOnly.exportFileName, wait);
    const zip = readZip((await client.export.getExportedFile(headerOnly.exportFileName)).data);
    expect([...zip.keys()]).toEqual(['Certificates.pdf']);
    const lines = pdfTextLines(readPdf(zip.get('Certificates.pdf')!));
    expect(lines.filter((l) => l.startsWith('Serial number:'))).toEqual(['Serial number: PSU-2', 'Serial number: PSU-3']);
    expect(lines).toEqual(expect.arrayContaining(['Result: Failed', 'Result: Passed', 'Operator: kari']));
    expect(lines.some((l) => l.startsWith('Station:') || l === 'Steps')).toBe(false);

    const integers = await client.export.queueCertificates({
      filter: { serialNumber: 'PSU-2' },
      headerDataOnly: false,
      asIndividualFiles: false,
      dimensions: 'measurement;units;stepStatus',
      numericFormat: 'integer',
    });
    await client.export.waitForExport(integers.exportFileName, wait);
    const pdf = readZip((await client.export.getExportedFile(integers.exportFileName)).data).get('Certificates.pdf')!;
    expect(pdfTextLines(readPdf(pdf))).toContain('13 V Failed');
  });

  it("lists and serves exports to the user who queued them only", async () => {
    const sim = await testSim();
    const alice = clientFor(sim, { token: Buffer.from('alice:secret').toString('base64') });
    const bob = clientFor(sim, { token: Buffer.from('bob:secret').toString('base64') });
    await seed(alice);
    const mine = await alice.export.queueCertificates({ filter: { serialNumber: 'CTRL-1' }, headerDataOnly: true, asIndividualFiles: true });
    await alice.export.waitForExport(mine.exportFileName, wait);
    expect((await alice.export.listExports()).map((e) => e.exportFileName)).toEqual([mine.exportFileName]);
    expect(await bob.export.listExports()).toEqual([]);
    await expect(bob.export.getExportedFile(mine.exportFileName)).rejects.toBeInstanceOf(NotFoundError);
    expect(readZip((await alice.export.getExportedFile(mine.exportFileName)).data).size).toBe(1);
  });

  it('finishes an export queued just before a restart once the restarted server is asked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tswats-export-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const first = await testSim({ dataDir: dir });
    await seed(clientFor(first));
    const queued = await clientFor(first).export.queueCertificates({ filter: { partNumber: 'CTRL-44' }, headerDataOnly: true, asIndividualFiles: true });
    await first.close(); // before the background run: the job stays queued on disk

    const second = await testSim({ dataDir: dir });
    const client = clientFor(second);
    expect((await client.export.waitForExport(queued.exportFileName, wait)).reportCount).toBe(1);
    const zip = readZip((await client.export.getExportedFile(queued.exportFileName)).data);
    expect([...zip.keys()]).toEqual(['CTRL-1_CTRL-44_20260303090000.pdf']);
  });

  it('fails an export that selects no report, and refuses unknown options', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await seed(client);
    const none = await client.export.queueCertificates({ filter: { partNumber: 'NOPE-%' }, headerDataOnly: true, asIndividualFiles: true });
    const err = await client.export.waitForExport(none.exportFileName, wait).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WatsError);
    expect(err).toMatchObject({ code: 'WATS_ERR_EXPORT_FAILED', message: expect.stringContaining('No test (UUT) reports match') });
    await expect(client.export.getExportedFile(none.exportFileName)).rejects.toBeInstanceOf(NotFoundError);

    const badDimension = client.export.queueCertificates({ headerDataOnly: true, asIndividualFiles: true, dimensions: ['colour' as never] });
    await expect(badDimension).rejects.toBeInstanceOf(BadRequestError);
    const badFormat = client.export.queueCertificates({ headerDataOnly: true, asIndividualFiles: true, numericFormat: 'roman' as never });
    await expect(badFormat).rejects.toBeInstanceOf(BadRequestError);
    await expect(client.export.queueCertificates({ filter: { dateFrom: 'not a date' }, headerDataOnly: true, asIndividualFiles: true }))
      .rejects.toMatchObject({ code: 'WATS_ERR_ARGUMENT' });
    expect((await client.export.listExports()).map((e) => e.status)).toEqual(['Failed']);
  });
});
