import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CFX_CONTENT_TYPE,
  CfxDecodeError,
  createEnvelope,
  decodeCfxBody,
  decodeCfxMessage,
  encodeCfxMessage,
} from '@tswats/cfx';
import { fixtureBytes, fixtureJson } from './helpers.js';

function decodeError(f: () => unknown): CfxDecodeError {
  try {
    f();
  } catch (e) {
    if (e instanceof CfxDecodeError) return e;
    throw e;
  }
  throw new Error('expected a CfxDecodeError');
}

describe('decode', () => {
  it('decodes one envelope from a Data section', () => {
    const [env, ...rest] = decodeCfxBody(fixtureBytes('units-tested-panel.json'));
    expect(rest).toEqual([]);
    expect(env!.messageName).toBe('CFX.Production.TestAndInspection.UnitsTested');
    expect(env!.uniqueId).toBe('6f1c2a8e-3b7d-4c59-9e0a-1d2f3b4c5a6e');
    expect(env!.source).toBe('Acme.FCT3000.SN0042');
  });

  it('decodes an array batch into several envelopes', () => {
    const list = decodeCfxBody(fixtureBytes('batch.json'));
    expect(list.map((e) => e.shortName)).toEqual(['FaultOccurred', 'StationStateChanged']);
  });

  it('decodes a gzip body with and without content-encoding', () => {
    const gz = fixtureBytes('units-tested-panel.json.gz');
    expect(decodeCfxBody(gz, { contentEncoding: 'gzip' })[0]!.shortName).toBe('UnitsTested');
    expect(decodeCfxBody(gz)[0]!.shortName).toBe('UnitsTested');
  });

  it('accepts a rhea message with a data section and content_encoding', () => {
    const body = { typecode: 0x75, content: gzipSync(fixtureBytes('work-started.json')) };
    const [env] = decodeCfxMessage({ body, content_encoding: 'gzip' });
    expect(env!.shortName).toBe('WorkStarted');
    const multi = [
      { typecode: 0x75, content: fixtureBytes('work-started.json').subarray(0, 100) },
      { typecode: 0x75, content: fixtureBytes('work-started.json').subarray(100) },
    ];
    expect(decodeCfxMessage({ body: multi })[0]!.shortName).toBe('WorkStarted');
  });

  it('accepts a UTF-8 BOM and a string body', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fixtureBytes('fault-occurred.json')]);
    expect(decodeCfxBody(bom)[0]!.shortName).toBe('FaultOccurred');
    expect(decodeCfxBody(fixtureBytes('fault-occurred.json').toString('utf8'))[0]!.shortName).toBe('FaultOccurred');
  });

  it('rejects malformed JSON with the position', () => {
    const e = decodeError(() => decodeCfxBody(fixtureBytes('malformed.json')));
    expect(e.reason).toBe('bad-json');
    expect(e.code).toBe('CFX_ERR_DECODE');
    expect(e.position).toBeTypeOf('number');
    expect(e.message).toMatch(/at position \d+/);
  });

  it('rejects bad gzip, bad UTF-8, non-envelopes and non-data bodies', () => {
    expect(decodeError(() => decodeCfxBody(Buffer.from('not gzip'), { contentEncoding: 'gzip' })).reason).toBe('bad-gzip');
    expect(decodeError(() => decodeCfxBody(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).reason).toBe('bad-utf8');
    expect(decodeError(() => decodeCfxBody('{"Hello": 1}')).reason).toBe('not-envelope');
    expect(decodeError(() => decodeCfxBody('[]')).reason).toBe('not-envelope');
    expect(decodeError(() => decodeCfxBody('42')).reason).toBe('not-envelope');
    expect(decodeError(() => decodeCfxBody({ typecode: 0x77, value: 1 })).reason).toBe('bad-body');
    expect(decodeError(() => decodeCfxBody('{}', { contentEncoding: 'br' })).reason).toBe('bad-body');
    const missingId = { MessageName: 'CFX.Heartbeat', MessageBody: {} };
    expect(decodeError(() => decodeCfxBody(JSON.stringify(missingId))).message).toMatch(/UniqueID/);
    const batch = JSON.stringify([fixtureJson('fault-occurred.json'), { MessageName: 'x' }]);
    expect(decodeError(() => decodeCfxBody(batch)).message).toMatch(/envelope \[1\]/);
  });
});

describe('encode', () => {
  it('writes the SDK wire form: subject, properties, content type', () => {
    const env = fixtureJson('units-tested-panel.json');
    const msg = encodeCfxMessage(env);
    expect(msg.subject).toBe('Acme.FCT3000.SN0042.CFX.Production.TestAndInspection.UnitsTested');
    expect(msg.message_id).toBe('6f1c2a8e-3b7d-4c59-9e0a-1d2f3b4c5a6e');
    expect(msg.content_type).toBe(CFX_CONTENT_TYPE);
    expect(msg.content_encoding).toBeUndefined();
    expect(msg.durable).toBe(true);
    expect(msg.reply_to).toBe('Acme.FCT3000.SN0042');
    expect(msg.creation_time.toISOString()).toBe('2026-03-04T08:17:41.512Z');
    expect(msg.application_properties).toEqual({
      'cfx-topic': 'CFX.Production.TestAndInspection',
      'cfx-message': 'CFX.Production.TestAndInspection.UnitsTested',
      'cfx-handle': 'Acme.FCT3000.SN0042',
    });
    expect(JSON.parse(msg.body.toString('utf8'))).toEqual(env);
  });

  it('round-trips a single envelope, a gzip batch and a custom subject', () => {
    const a = fixtureJson('fault-occurred.json');
    const b = fixtureJson('station-state-changed.json');
    const plain = encodeCfxMessage(a);
    expect(decodeCfxMessage(plain)[0]!.raw).toEqual(a);
    const gz = encodeCfxMessage([a, b], { gzip: true, subjectFormat: '${cfx-topic}/${cfx-handle}' });
    expect(gz.content_encoding).toBe('gzip');
    expect(gz.body[0]).toBe(0x1f);
    expect(gz.subject).toBe('CFX.ResourcePerformance/Acme.FCT3000.SN0042');
    expect(decodeCfxMessage(gz).map((e) => e.raw)).toEqual([a, b]);
  });

  it('builds envelopes with createEnvelope and sets the target property', () => {
    const env = createEnvelope({
      messageName: 'UnitsTested',
      body: { TransactionId: 'x' },
      source: 'Me.Station',
      target: 'Other.Station',
      uniqueId: '11111111-2222-4333-8444-555555555555',
      timeStamp: '2026-01-02T03:04:05.0000000+02:00',
    });
    expect(env.MessageName).toBe('CFX.Production.TestAndInspection.UnitsTested');
    expect(Object.keys(env.MessageBody as object)[0]).toBe('$type');
    const msg = encodeCfxMessage(env);
    expect(msg.to).toBe('Other.Station');
    expect(msg.application_properties['cfx-target']).toBe('Other.Station');
    expect(decodeCfxMessage(msg)[0]!.target).toBe('Other.Station');
  });
});
