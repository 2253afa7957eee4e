import { createUurReport, createUutReport, forEachStep, type UurReport, type UutReport } from '@tswats/sdk';

/**
 * A realistic functional test of a power-supply board, as a station would report it:
 * setup, supply rails, load regulation (multi-numeric), ripple (numeric with a
 * waveform), communication checks (pass/fail, string), a firmware flash call and
 * cleanup. The 12 V rail is out of limits, so the report fails — and a repair
 * report (UUR) follows, pointing at it.
 */
export function buildDemoUut(serialNumber: string, start: Date): UutReport {
  const uut = createUutReport({
    partNumber: 'PSU-200',
    revision: 'B',
    serialNumber,
    processCode: 10,
    stationName: 'FCT-03',
    location: 'Plant 1 / Line 3',
    purpose: 'Production',
    operator: 'kari.nordmann',
    start,
    execTime: 42.7,
    fixtureId: 'FIX-PSU-07',
    rootSequence: { path: 'C:\\TestStand\\PSU200\\FunctionalTest.seq', version: '3.4.1' },
  });
  uut
    .addMiscInfo('Firmware', '2.14.0')
    .addMiscInfo('Test program', 'PSU200_FCT 3.4.1')
    .addSubUnit({ partNumber: 'CTRL-44', revision: 'C', serialNumber: `${serialNumber}-C`, partType: 'PCBA' })
    .addAsset({ serialNumber: 'DMM-34465A-0192', usageCount: 1 });

  const root = uut.root;
  root.addAction('Power on fixture', { group: 'S', totTime: 1.2 });

  root
    .addSequence('Supply rails', { totTime: 3.1 })
    .addNumeric('3V3 rail', { value: 3.312, unit: 'V', compOp: 'GELE', lowLimit: 3.2, highLimit: 3.4 })
    .addNumeric('5V0 rail', { value: 5.021, unit: 'V', compOp: 'GELE', lowLimit: 4.85, highLimit: 5.15 })
    .addNumeric('12V rail', { value: 12.91, unit: 'V', compOp: 'GELE', lowLimit: 11.4, highLimit: 12.6 })
    .addNumeric('Standby current', { value: 0.0184, unit: 'A', compOp: 'LE', lowLimit: 0.025 });

  const load = root.addSequence('Load regulation', { totTime: 12.4 });
  load.addMultiNumeric('5V0 under load', [
    { name: '10 %', value: 5.018, unit: 'V', compOp: 'GELE', lowLimit: 4.85, highLimit: 5.15 },
    { name: '50 %', value: 4.996, unit: 'V', compOp: 'GELE', lowLimit: 4.85, highLimit: 5.15 },
    { name: '100 %', value: 4.951, unit: 'V', compOp: 'GELE', lowLimit: 4.85, highLimit: 5.15 },
  ]);
  const t = Array.from({ length: 50 }, (_, i) => i * 2);
  load.addXYNumeric('5V0 ripple', {
    measurements: [{ value: 38.5, unit: 'mV', compOp: 'LT', lowLimit: 50 }],
    chart: {
      chartType: 'Line',
      label: '5V0 ripple at full load',
      xLabel: 'Time',
      xUnit: 'us',
      yLabel: 'Ripple',
      yUnit: 'mV',
      series: [{ name: 'Ripple', x: t, y: t.map((x) => Number((19 * Math.sin(x / 8)).toFixed(2))) }],
    },
  });

  const comms = root.addSequence('Communication');
  comms
    .addPassFail('UART loopback', true)
    .addPassFail('I2C EEPROM present', true)
    .addString('Firmware version', { value: '2.14.0', compOp: 'CASESENSIT', limit: '2.14.0' })
    .addCallExe('Flash serial number', { exitCode: 0, totTime: 4.8 });

  root.addAction('Power off fixture', { group: 'C', totTime: 0.6 });
  return uut.build();
}

/** The repair of the failed unit: a replaced capacitor on the 12 V rail. */
export function buildDemoUur(uut: UutReport, start: Date): UurReport {
  const failingStep = findStepId(uut, '12V rail');
  const uur = createUurReport({
    partNumber: uut.pn,
    revision: uut.rev,
    serialNumber: uut.sn,
    repairProcessCode: 500,
    testProcessCode: uut.processCode,
    refUut: uut.id,
    stationName: 'REPAIR-01',
    location: 'Plant 1 / Repair',
    purpose: 'Repair',
    operator: 'ola.tekniker',
    comment: 'C12 bulged; replaced. Retest passed on the bench.',
    start,
    execTime: 900,
  });
  uur.addFailure({
    category: 'Component',
    code: 'Defective',
    comRef: 'C12',
    funcBlock: '12V output filter',
    comment: 'Electrolytic capacitor bulged, 12 V rail over voltage',
    refStepId: failingStep,
    refStepName: '12V rail',
    artNumber: 'CAP-470U-25V',
    artVendor: 'Nichicon',
  });
  uur.addMiscInfo('Repair bench', 'RB-2');
  return uur.build();
}

function findStepId(report: UutReport, name: string): number | undefined {
  let id: number | undefined;
  forEachStep(report, (step) => {
    if (step.name === name && typeof step.id === 'number') id = step.id;
  });
  return id;
}

/** The demo pair: a failing UUT and the UUR that repairs it, ten minutes later. */
export function buildDemoReports(now: Date): { uut: UutReport; uur: UurReport } {
  const serial = `PSU200-${now.toISOString().slice(2, 10).replace(/-/g, '')}-${String(now.getTime() % 100000).padStart(5, '0')}`;
  const uut = buildDemoUut(serial, new Date(now.getTime() - 10 * 60_000));
  return { uut, uur: buildDemoUur(uut, now) };
}
