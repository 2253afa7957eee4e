import { randomUUID } from 'node:crypto';
import { createUutReport, type WsjfReport } from '@tswats/sdk';

/** A small UUT report (3 steps), unique serial and id. */
export function smallReport(i: number): WsjfReport {
  const uut = createUutReport({
    partNumber: 'BENCH-PN',
    revision: 'A',
    serialNumber: `BENCH-${String(i).padStart(6, '0')}`,
    processCode: 10,
    stationName: 'BENCH',
    location: 'Bench',
    purpose: 'Bench',
    start: new Date(Date.UTC(2026, 0, 1) + i * 1000),
    id: randomUUID(),
  });
  const seq = uut.root.addSequence('Rails');
  seq.addNumeric('3V3', { value: 3.3 + (i % 7) * 0.01, unit: 'V', compOp: 'GELE', lowLimit: 3.2, highLimit: 3.4 });
  seq.addNumeric('5V0', { value: 5.0, unit: 'V', compOp: 'GELE', lowLimit: 4.9, highLimit: 5.1 });
  uut.root.addPassFail('Boot', true);
  return uut.build();
}
