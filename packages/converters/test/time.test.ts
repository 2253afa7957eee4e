import { describe, expect, it } from 'vitest';
import { localToIso, parseLocalTimestamp, zoneOffsetMinutes } from '@tswats/converters';

describe('local timestamps get their real offset', () => {
  it('uses the zone offset in force on that date (winter and summer time)', () => {
    expect(localToIso({ year: 2020, month: 1, day: 15, hour: 10, minute: 0, second: 0 }, 'Europe/Oslo')).toBe('2020-01-15T10:00:00+01:00');
    expect(localToIso({ year: 2020, month: 7, day: 15, hour: 10, minute: 0, second: 0 }, 'Europe/Oslo')).toBe('2020-07-15T10:00:00+02:00');
    expect(localToIso({ year: 2020, month: 7, day: 15, hour: 10, minute: 0, second: 0 }, 'America/New_York')).toBe('2020-07-15T10:00:00-04:00');
    expect(localToIso({ year: 2020, month: 7, day: 15, hour: 10, minute: 0, second: 0, millisecond: 5 }, 'Asia/Kolkata')).toBe('2020-07-15T10:00:00.005+05:30');
  });

  it('handles the DST gaps: a skipped hour keeps the offset before the change (same wall text), a repeated hour takes summer time', () => {
    // 2020-03-29 02:30 does not exist in Oslo; 2020-10-25 02:30 happens twice.
    expect(localToIso({ year: 2020, month: 3, day: 29, hour: 2, minute: 30, second: 0 }, 'Europe/Oslo')).toBe('2020-03-29T02:30:00+01:00');
    expect(localToIso({ year: 2020, month: 10, day: 25, hour: 2, minute: 30, second: 0 }, 'Europe/Oslo')).toBe('2020-10-25T02:30:00+02:00');
  });

  it('keeps an explicit offset and reads one without in the given zone', () => {
    expect(parseLocalTimestamp('2019-11-11T14:08:33', 'Europe/Oslo')).toBe('2019-11-11T14:08:33+01:00');
    expect(parseLocalTimestamp('2019-11-11 14:08:33.250', 'UTC')).toBe('2019-11-11T14:08:33.250+00:00');
    expect(parseLocalTimestamp('2019-11-11T14:08:33-05:00', 'Europe/Oslo')).toBe('2019-11-11T14:08:33-05:00');
    expect(parseLocalTimestamp('2019-02-30T10:00:00', 'UTC')).toBeUndefined();
    expect(parseLocalTimestamp('yesterday', 'UTC')).toBeUndefined();
    expect(zoneOffsetMinutes('UTC', Date.UTC(2020, 0, 1))).toBe(0);
  });

  it('refuses an unknown time zone by name', async () => {
    const { convert } = await import('@tswats/converters');
    await expect(convert({ bytes: Buffer.from('{}'), name: 'a.json' }, { timeZone: 'Mars/Olympus' })).rejects.toThrow(/Mars\/Olympus/);
  });
});

describe('text decoding', () => {
  it('reads non-UTF-8 files as Windows-1252, including the 0x80-0x9F range Node gets wrong', async () => {
    const { decodeText } = await import('@tswats/converters');
    // "€ “Test” – Müller" in Windows-1252.
    const bytes = Uint8Array.from([0x80, 0x20, 0x93, 0x54, 0x65, 0x73, 0x74, 0x94, 0x20, 0x96, 0x20, 0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]);
    expect(decodeText(bytes)).toBe('€ “Test” – Müller');
    expect(decodeText(new TextEncoder().encode('€ “Test” – Müller'))).toBe('€ “Test” – Müller');
  });
});

describe('parseLocalInstant: the instant of parseLocalTimestamp, without formatting it', () => {
  it('gives Date.parse(parseLocalTimestamp(...)) for every kind of timestamp', async () => {
    const { parseLocalInstant } = await import('../src/time.js');
    const { rng } = await import('./helpers.js');
    const texts = [
      '2019-03-11T15:06:45.722', '2019-03-11 15:06:45', '2020-03-29T02:30:00', '2020-10-25T02:30:00.5', '2024-02-29T23:59:60',
      '2023-02-29T10:00:00', '2019-12-31T23:30:00', '2020-01-01T00:15:00', '9999-12-31T23:59:59', '1000-01-01T00:00:00',
      '0999-06-01T10:00:00', '0050-02-29T10:00:00', '2019-03-11T15:06:45Z', '2019-03-11T15:06:45+05:30', '2019-03-11T15:06:45-0800',
      '9999-12-31T23:00:00-05:00', ' 2019-3-1T1:02 ', 'not a date', '2019-13-01T00:00:00', '2019-04-31T00:00:00', '2019-01-01T24:00:00',
    ];
    const random = rng(42);
    for (let i = 0; i < 500; i++) {
      const y = 1000 + Math.floor(random() * 9000);
      const pad = (n: number) => String(n).padStart(2, '0');
      texts.push(`${y}-${pad(1 + Math.floor(random() * 12))}-${pad(1 + Math.floor(random() * 31))}T${pad(Math.floor(random() * 24))}:${pad(Math.floor(random() * 60))}:${pad(Math.floor(random() * 60))}.${Math.floor(random() * 1000)}`);
    }
    for (const zone of ['Europe/Oslo', 'America/New_York', 'Asia/Kolkata', 'UTC', 'Pacific/Kiritimati']) {
      for (const t of texts) {
        const iso = parseLocalTimestamp(t, zone);
        expect(parseLocalInstant(t, zone), `${t} in ${zone}`).toEqual(iso === undefined ? undefined : Date.parse(iso));
      }
    }
  });
});
