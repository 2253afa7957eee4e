/**
 * The serial-number handler: pools of serial numbers (or MAC addresses, IMEIs) per type, taken
 * by stations for units. Types cannot be created through the public API, so the simulator has
 * three built in; the first two start with a block of free numbers, and any type takes more
 * through `PUT /api/Production/SerialNumbers` (upload).
 *
 * Dates: the spec's `startDate`/`endDate` ("the earliest generated serial number") are compared
 * with the time a number was taken, so a number never taken is left out when a date is given.
 */
import type { SimContext } from '../../context.js';
import { HttpError } from '../../errors.js';
import { defined, sameName } from '../product/body.js';

export interface SerialNumberTypeDef {
  name: string;
  description: string;
  format: string;
  regEx: string;
  /** 0 serial number, 1 MAC address, 2 IMEI. */
  identifier: 0 | 1 | 2;
  identifierName: string;
  /** How addresses count (for ranges and sequences). */
  radix: 10 | 16;
  /** The free block the pool starts with: first address and count. */
  seed?: { first: string; count: number };
}

export const SERIAL_NUMBER_TYPES: readonly SerialNumberTypeDef[] = [
  {
    name: 'SerialNumber',
    description: 'Eight-digit decimal serial numbers',
    format: '00000000',
    regEx: '^[0-9]{8}$',
    identifier: 0,
    identifierName: 'SerialNumber',
    radix: 10,
    seed: { first: '00010000', count: 1000 },
  },
  {
    name: 'MACAddress',
    description: 'MAC addresses from the locally administered block 02:00:00:00:00:00',
    format: 'XX:XX:XX:XX:XX:XX',
    regEx: '^([0-9A-F]{2}:){5}[0-9A-F]{2}$',
    identifier: 1,
    identifierName: 'MACAddress',
    radix: 16,
    seed: { first: '02:00:00:00:00:00', count: 256 },
  },
  {
    name: 'IMEI',
    description: '15-digit IMEI numbers (upload them)',
    format: '000000000000000',
    regEx: '^[0-9]{15}$',
    identifier: 2,
    identifierName: 'IMEI',
    radix: 10,
  },
];

export interface TakenInfo {
  date: string;
  refSN?: string;
  refPN?: string;
  stationName?: string;
}

export interface SnEntry {
  address: string;
  /** When the number entered the pool (ISO). */
  generatedDate: string;
  taken?: TakenInfo;
}

export interface SerialNumberState {
  /** Entries per type name, ordered by address. */
  pools: Record<string, SnEntry[]>;
}

export const SERIAL_NUMBER_STATE = 'serialNumbers';

function digitsOf(type: SerialNumberTypeDef, address: string): string {
  return type.radix === 16 ? address.replace(/[^0-9A-F]/g, '') : address;
}

/** The numeric value of a (normalized) address. */
export function addressValue(type: SerialNumberTypeDef, address: string): bigint {
  return BigInt(type.radix === 16 ? `0x${digitsOf(type, address)}` : address);
}

/** Writes a value back in the type's format (MAC: `XX:XX:...`, decimal: zero-padded). */
function formatValue(type: SerialNumberTypeDef, value: bigint): string {
  if (type.radix === 16) {
    return value.toString(16).toUpperCase().padStart(12, '0').match(/../g)!.join(':');
  }
  return value.toString().padStart(type.format.length, '0');
}

/** The address in its stored form, or undefined when it does not fit the type's pattern. */
export function normalizeAddress(type: SerialNumberTypeDef, address: string): string | undefined {
  let a = address.trim();
  if (type.radix === 16) a = a.toUpperCase().replace(/-/g, ':');
  return new RegExp(type.regEx).test(a) ? a : undefined;
}

function seedPools(): SerialNumberState {
  const now = new Date().toISOString();
  const pools: Record<string, SnEntry[]> = {};
  for (const type of SERIAL_NUMBER_TYPES) {
    const entries: SnEntry[] = [];
    if (type.seed) {
      const first = addressValue(type, type.seed.first);
      for (let i = 0n; i < BigInt(type.seed.count); i++) entries.push({ address: formatValue(type, first + i), generatedDate: now });
    }
    pools[type.name] = entries;
  }
  return { pools };
}

export function serialNumberState(sim: SimContext): SerialNumberState {
  return sim.state.get<SerialNumberState>(SERIAL_NUMBER_STATE, seedPools);
}

export function saveSerialNumberState(sim: SimContext): Promise<void> {
  return sim.state.save(SERIAL_NUMBER_STATE);
}

/** The type and its pool, or 404 naming the parameter. */
export function requirePool(state: SerialNumberState, name: string): { type: SerialNumberTypeDef; pool: SnEntry[] } {
  const type = SERIAL_NUMBER_TYPES.find((t) => sameName(t.name, name));
  if (!type) {
    const known = SERIAL_NUMBER_TYPES.map((t) => t.name).join(', ');
    throw new HttpError(404, `serialNumberType: there is no serial number type named '${name}' (known: ${known}).`);
  }
  state.pools[type.name] ??= [];
  return { type, pool: state.pools[type.name]! };
}

/** A query address checked against the type, or 400 naming the parameter. */
export function queryAddress(type: SerialNumberTypeDef, value: string, param: string): string {
  const address = normalizeAddress(type, value);
  if (address === undefined) throw new HttpError(400, `${param}: '${value}' is not a ${type.name} (pattern ${type.regEx}).`);
  return address;
}

/** Adds free numbers; those already in the pool are skipped. */
export function addAddresses(type: SerialNumberTypeDef, pool: SnEntry[], addresses: string[]): { insertCount: number; skipCount: number } {
  const known = new Set(pool.map((e) => e.address));
  const now = new Date().toISOString();
  let insertCount = 0;
  for (const address of addresses) {
    if (known.has(address)) continue;
    known.add(address);
    pool.push({ address, generatedDate: now });
    insertCount++;
  }
  pool.sort((a, b) => {
    const d = addressValue(type, a.address) - addressValue(type, b.address);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  });
  return { insertCount, skipCount: addresses.length - insertCount };
}

export interface TakeRequest {
  quantity: number;
  onlyInSequence: boolean;
  refSN?: string;
  refPN?: string;
  stationName?: string;
}

/** Takes free numbers in address order; `onlyInSequence` wants one gap-free run. */
export function takeNumbers(type: SerialNumberTypeDef, pool: SnEntry[], request: TakeRequest): SnEntry[] {
  const free = pool.filter((e) => !e.taken);
  let chosen: SnEntry[];
  if (request.onlyInSequence) {
    let start = 0;
    let longest = Math.min(1, free.length);
    chosen = [];
    for (let i = 1; i <= free.length && chosen.length === 0; i++) {
      const gap = i === free.length || addressValue(type, free[i]!.address) - addressValue(type, free[i - 1]!.address) !== 1n;
      if (i - start >= request.quantity) chosen = free.slice(start, start + request.quantity);
      else if (gap) {
        longest = Math.max(longest, i - start);
        start = i;
      }
    }
    if (chosen.length === 0) {
      throw new HttpError(400, `quantity: there is no run of ${request.quantity} consecutive free ${type.name} numbers (the longest is ${longest}).`);
    }
  } else {
    chosen = free.slice(0, request.quantity);
  }
  const date = new Date().toISOString();
  for (const entry of chosen) {
    entry.taken = defined({ date, refSN: request.refSN, refPN: request.refPN, stationName: request.stationName });
  }
  return chosen;
}

export interface EntryFilter {
  start?: string;
  end?: string;
  startDate?: string;
  endDate?: string;
  refSN?: string;
  refPN?: string;
  takenOnly?: boolean;
}

/** The entries within an address range, a taken-date range and a reference. */
export function filterEntries(type: SerialNumberTypeDef, pool: SnEntry[], f: EntryFilter): SnEntry[] {
  const lo = f.start === undefined ? undefined : addressValue(type, f.start);
  const hi = f.end === undefined ? undefined : addressValue(type, f.end);
  const from = f.startDate === undefined ? undefined : Date.parse(f.startDate);
  const to = f.endDate === undefined ? undefined : Date.parse(f.endDate);
  return pool.filter((e) => {
    const v = addressValue(type, e.address);
    if ((lo !== undefined && v < lo) || (hi !== undefined && v > hi)) return false;
    if ((f.takenOnly || from !== undefined || to !== undefined) && !e.taken) return false;
    const taken = e.taken ? Date.parse(e.taken.date) : undefined;
    if (from !== undefined && taken! < from) return false;
    if (to !== undefined && taken! > to) return false;
    if (f.refSN !== undefined && !sameName(e.taken?.refSN, f.refSN)) return false;
    if (f.refPN !== undefined && !sameName(e.taken?.refPN, f.refPN)) return false;
    return true;
  });
}

/** One number as the JSON answers show it. */
export function entryView(e: SnEntry): Record<string, unknown> {
  return defined({
    serialNumber: e.address,
    state: e.taken ? 'Taken' : 'Free',
    refSN: e.taken?.refSN,
    refPN: e.taken?.refPN,
    stationName: e.taken?.stationName,
    generatedDate: e.generatedDate,
    takenDate: e.taken?.date,
  });
}
