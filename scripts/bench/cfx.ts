/**
 * CFX part of `npm run bench`: N UnitsTested messages (one tested unit each, CFX wire form,
 * ~2.5 KB of JSON) pre-filled into a durable RabbitMQ queue, then bridged into the simulator
 * (a separate `tswats sim` process) by `startBridge`: messages/s from start until every message
 * was accepted (= WATS accepted its report). Baseline, same run, same messages: a bare rhea
 * AMQP 1.0 receiver with the same credit window draining an identically filled queue (reading
 * each body's bytes, accepting each message). Target: >= 1,000 messages/s bridged.
 *
 * Needs the local RabbitMQ (127.0.0.1:5672, guest/guest, AMQP 1.0 plugin). Queues are declared
 * per run with amqplib (unique names) and deleted at the end, also on failure.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import amqplib from 'amqplib';
import pino from 'pino';
import rhea from 'rhea';
import {
  BrokerConnection,
  bodyBytes,
  ConfirmingSender,
  SendError,
  createEnvelope,
  encodeCfxMessage,
  resolveBridgeConfig,
  startBridge,
  type BrokerSettings,
  type CfxWireMessage,
  type JsonObject,
} from '@tswats/cfx';
import type { BenchSection } from './run.js';
import { startSimProcess } from './sim-process.js';
import { fmt } from './measure.js';

const BROKER = { host: '127.0.0.1', port: 5672, username: 'guest', password: 'guest' };
const AMQP091_URL = 'amqp://guest:guest@127.0.0.1:5672';
/** Messages in flight: the bridge's `broker.credit` and the bare receiver's credit window. */
const CREDIT = 300;
/** The bridge's `wats.concurrency`. */
const CONCURRENCY = 32;
const ROUNDS = 2;

const MAPPING = {
  stations: { 'Acme.FCT3000.SN0042': { machineName: 'FCT-42', location: 'Line 3', assetSerial: 'FCT3000-0042' } },
  partNumbers: { rules: [{ pattern: '^PSU48-\\d{4}-', partNumber: 'PSU-48V', revision: 'C' }] },
  processCodes: { byTestMethod: { FCT: 20 } },
};

function brokerSettings(): BrokerSettings {
  return {
    ...BROKER,
    tls: false,
    vhost: undefined,
    rejectUnauthorized: true,
    initialReconnectDelayMs: 100,
    maxReconnectDelayMs: 1000,
    idleTimeoutMs: 0,
    containerId: `tswats-bench-${randomUUID().slice(0, 8)}`,
  };
}

let serial = 0;
const numeric = (name: string, value: number, unit: string, lo: number, hi: number) => ({
  $type: 'CFX.Structures.NumericMeasurement, CFX',
  UniqueIdentifier: randomUUID(),
  MeasurementName: name,
  Result: 'Passed',
  // The SDK's NumericMeasurement: value, expected value and limits, each with its unit.
  MeasuredValue: {
    Value: value,
    ValueUnits: unit,
    ExpectedValue: (lo + hi) / 2,
    ExpectedValueUnits: unit,
    MinimumAcceptableValue: lo,
    MinimumAcceptableValueUnits: unit,
    MaximumAcceptableValue: hi,
    MaximumAcceptableValueUnits: unit,
  },
});
const test = (name: string, start: string, end: string, measurements: unknown[]) => ({
  UniqueIdentifier: randomUUID(),
  TestName: name,
  TestStartTime: start,
  TestEndTime: end,
  Result: 'Passed',
  Measurements: measurements,
});

/** One UnitsTested envelope: one passed unit, two tests, five measurements (~2.5 KB of JSON). */
export function unitsTested(): JsonObject {
  const sn = `PSU48-2026-${String(++serial).padStart(6, '0')}-${randomUUID().slice(0, 6)}`;
  return createEnvelope({
    messageName: 'UnitsTested',
    source: 'Acme.FCT3000.SN0042',
    body: {
      TransactionId: randomUUID(),
      TestMethod: 'FCT',
      RecipeName: 'PSU-48V-FCT',
      RecipeRevision: '3.2',
      Tester: { OperatorIdentifier: 'OP-0815', ActorType: 'Human', FullName: 'Kari Nordmann', LoginName: 'kari' },
      TestedUnits: [
        {
          UnitIdentifier: sn,
          UnitPositionNumber: 1,
          OverallResult: 'Passed',
          Tests: [
            test('OUTPUT_VOLTAGE', '2026-03-04T09:16:58.1+01:00', '2026-03-04T09:17:03.4+01:00', [
              numeric('V_OUT', 48.02, 'V', 47.5, 48.5),
              numeric('V_RIPPLE', 41.7, 'mV', 0, 120),
              {
                $type: 'CFX.Structures.BooleanMeasurement, CFX',
                UniqueIdentifier: randomUUID(),
                MeasurementName: 'PG_OK',
                Result: 'Passed',
                Value: true,
                ExpectedValue: true,
              },
            ]),
            test('LOAD_REGULATION', '2026-03-04T09:17:03.5+01:00', '2026-03-04T09:17:09.0+01:00', [
              numeric('V_OUT_FULL_LOAD', 47.91, 'V', 47.5, 48.5),
              numeric('I_OUT', 10.02, 'A', 9.9, 10.1),
            ]),
          ],
        },
      ],
    },
  });
}

/** The broker went away during a round (another process restarted it): the round is repeated. */
class BrokerInterrupted extends Error {}

async function amqp091(): Promise<amqplib.ChannelModel> {
  const c = await amqplib.connect(AMQP091_URL);
  c.on('error', () => {}); // a broker restart: the caller sees the failed operations
  return c;
}

/** Waits until the broker takes connections (up to 60 s). */
async function waitForBroker(): Promise<void> {
  const end = Date.now() + 60_000;
  for (;;) {
    try {
      await (await amqp091()).close();
      return;
    } catch (e) {
      if (Date.now() > end) throw new Error(`RabbitMQ at 127.0.0.1:5672 does not answer: ${String(e)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Declares the round's two durable queues (one per contender); `remove` deletes them, on a fresh connection if need be. */
async function topology(): Promise<{ queues: [string, string]; depth(q: string): Promise<number>; remove(): Promise<void> }> {
  const id = randomUUID().slice(0, 8);
  const queues: [string, string] = [`tswats-bench-cfx-bare-${id}`, `tswats-bench-cfx-bridge-${id}`];
  const declared: string[] = [];
  const remove = async () => {
    for (let attempt = 1; attempt <= 3 && declared.length > 0; attempt++) {
      try {
        await waitForBroker();
        const c = await amqp091();
        try {
          const ch = await c.createChannel();
          while (declared.length > 0) {
            await ch.deleteQueue(declared[0]!);
            declared.shift();
          }
        } finally {
          await c.close().catch(() => {});
        }
      } catch (e) {
        if (attempt === 3) process.stderr.write(`  cfx: could not delete the queues ${declared.join(', ')}: ${String(e)}\n`);
      }
    }
  };
  try {
    const c = await amqp091();
    try {
      const ch = await c.createChannel();
      for (const q of queues) {
        declared.push(q);
        await ch.assertQueue(q, { durable: true });
      }
    } finally {
      await c.close().catch(() => {});
    }
  } catch (e) {
    await remove();
    throw e;
  }
  return {
    queues,
    async depth(q) {
      const c = await amqp091();
      try {
        return (await (await c.createChannel()).checkQueue(q)).messageCount;
      } finally {
        await c.close().catch(() => {});
      }
    },
    remove,
  };
}

/** Publishes every message to every queue over AMQP 1.0 (ConfirmingSender, many sends in flight). */
async function fill(queues: string[], messages: CfxWireMessage[]): Promise<void> {
  const conn = new BrokerConnection(brokerSettings(), {}, { reconnect: false });
  await conn.waitOpen(10_000);
  try {
    for (const q of queues) {
      const sender = new ConfirmingSender(conn, `/amq/queue/${q}`);
      await sender.waitOpen(10_000);
      const chunk = 2000;
      for (let i = 0; i < messages.length; i += chunk) {
        await Promise.all(messages.slice(i, i + chunk).map((m) => sender.send(m))).catch((e: unknown) => {
          throw e instanceof SendError && (e.outcome === 'disconnected' || e.outcome === 'closed') ? new BrokerInterrupted(e.message) : e;
        });
      }
      sender.close();
    }
  } finally {
    await conn.close();
  }
}

interface Drain {
  seconds: number;
  cpuMs: number;
}

/** Baseline: a bare rhea receiver (credit window CREDIT) reads each body and accepts it. */
async function bareReceive(queue: string, n: number): Promise<Drain> {
  const container = rhea.create_container({ id: `tswats-bench-bare-${randomUUID().slice(0, 8)}` });
  const conn = container.connect({ ...BROKER, reconnect: false, idle_time_out: 0 });
  let bytes = 0;
  try {
    return await new Promise<Drain>((resolve, reject) => {
      let received = 0;
      let t0 = 0;
      let cpu0: NodeJS.CpuUsage;
      const r = conn.open_receiver({ source: { address: `/amq/queue/${queue}` }, credit_window: CREDIT, autoaccept: false });
      r.on('receiver_open', () => {
        t0 = performance.now();
        cpu0 = process.cpuUsage();
      });
      r.on('message', (ctx) => {
        bytes += bodyBytes(ctx.message?.body).length; // read the body, as the bridge has to
        ctx.delivery?.accept();
        if (++received === n) {
          const seconds = (performance.now() - t0) / 1000;
          const cpu = process.cpuUsage(cpu0);
          if (bytes < n) reject(new Error('bare receiver: empty bodies'));
          resolve({ seconds, cpuMs: (cpu.user + cpu.system) / 1000 });
        }
      });
      r.on('receiver_error', (ctx) => reject(new Error(`bare receiver: ${String(ctx.receiver?.error)}`)));
      conn.on('disconnected', (ctx) => reject(new BrokerInterrupted(`bare receiver disconnected: ${String(ctx.error ?? '')}`)));
      setTimeout(() => reject(new Error(`bare receiver: ${received} of ${n} after 300 s`)), 300_000).unref();
    });
  } finally {
    conn.close();
  }
}

interface Bridged extends Drain {
  stored: number;
  received: number;
  totals: Record<string, number>;
  /** CPU ms of the simulator process and of RabbitMQ (all beam.smp processes) during the run; undefined without /proc. */
  simCpuMs: number | undefined;
  brokerCpuMs: number | undefined;
}

/** CPU time (ms) a process has used, from /proc (Linux); undefined elsewhere. */
function procCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks of 10 ms (USER_HZ 100)
  } catch {
    return undefined;
  }
}

/** CPU ms of every RabbitMQ (beam.smp) process together. */
function brokerCpuMs(): number | undefined {
  try {
    let sum = 0;
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'beam.smp') sum += procCpuMs(Number(d)) ?? 0;
      } catch {
        /* gone */
      }
    }
    return sum;
  } catch {
    return undefined;
  }
}

/** The bridge (in this process) drains the queue into a fresh simulator process. */
async function bridgeDrain(queue: string, n: number): Promise<Bridged> {
  const sim = await startSimProcess();
  try {
    const { config } = await resolveBridgeConfig(
      {
        broker: { url: AMQP091_URL, source: `/amq/queue/${queue}`, deadLetter: null, credit: CREDIT, idleTimeout: 0 },
        wats: { url: sim.url, token: 'dGVzdDp0ZXN0', concurrency: CONCURRENCY },
        http: { enabled: false },
        log: { level: 'silent' },
        shutdownGrace: '5s',
        mapping: MAPPING,
      },
      { env: {} },
    );
    const cpu0 = process.cpuUsage();
    const sim0 = procCpuMs(sim.pid);
    const broker0 = brokerCpuMs();
    const t0 = performance.now();
    const bridge = await startBridge(config, { log: pino({ level: 'silent' }) });
    let seconds: number;
    let cpuMs: number;
    let simCpuMs: number | undefined;
    let brokerCpu: number | undefined;
    try {
      let lastAccepted = 0;
      let lastProgress = performance.now();
      for (;;) {
        const st = bridge.status();
        const t = st.totals;
        if (st.broker.reconnects > 0) throw new BrokerInterrupted(`the bridge lost the broker: ${st.broker.lastError ?? ''}`);
        if (t.accepted >= n) break;
        if (t.deadLettered + t.rejected + t.released + t.unknown > 0) throw new Error(`the bridge did not accept every message: ${JSON.stringify(t)}`);
        if (t.accepted > lastAccepted) {
          lastAccepted = t.accepted;
          lastProgress = performance.now();
        } else if (performance.now() - lastProgress > 30_000) {
          throw new Error(`the bridge made no progress for 30 s: ${JSON.stringify(bridge.status())}`);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      cpuMs = (cpu.user + cpu.system) / 1000;
      const sim1 = procCpuMs(sim.pid);
      const broker1 = brokerCpuMs();
      simCpuMs = sim0 === undefined || sim1 === undefined ? undefined : sim1 - sim0;
      brokerCpu = broker0 === undefined || broker1 === undefined ? undefined : broker1 - broker0;
      await bridge.whenIdle();
    } finally {
      await bridge.close();
    }
    const totals = bridge.status().totals;
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as { reports: { stored: number; received: number } };
    return { seconds, cpuMs, stored: stats.reports.stored, received: stats.reports.received, totals: { ...totals }, simCpuMs, brokerCpuMs: brokerCpu };
  } finally {
    await sim.stop();
  }
}

interface Round {
  bare: Drain;
  bridged: Bridged;
}

/** The CPU each process spent per bridged message: what the machine has to give at the target rate. */
function cpuBudget(b: Bridged, n: number): string {
  if (b.simCpuMs === undefined || b.brokerCpuMs === undefined) return '';
  const per = (ms: number) => (ms * 1000) / n;
  const total = per(b.cpuMs) + per(b.simCpuMs) + per(b.brokerCpuMs);
  return (
    `CPU per bridged message in that round: bridge ${fmt(per(b.cpuMs), 0)} µs, simulator ${fmt(per(b.simCpuMs), 0)} µs, RabbitMQ ${fmt(per(b.brokerCpuMs), 0)} µs; ` +
    `${fmt(total, 0)} µs together, so ${cpus().length} cores allow at most about ${fmt((cpus().length * 1e6) / total, 0)} messages/s even if all three ran fully in parallel. ` +
    `The bridge's figure is its whole process: the main thread (AMQP, WATS calls) and the mapping worker thread (decoding, mapping, validation, serialising), so it can pass 100 % of one core.\n`
  );
}

export async function benchCfx({ quick }: { quick: boolean }): Promise<BenchSection> {
  const n = quick ? 1000 : 10_000;
  const rounds: Round[] = [];
  let size = 0;
  let interrupted = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const envelopes = Array.from({ length: n }, unitsTested);
    const messages = envelopes.map((e) => encodeCfxMessage(e));
    size = messages.reduce((s, m) => s + m.body.length, 0) / n;
    await waitForBroker();
    const topo = await topology();
    try {
      const [bareQ, bridgeQ] = topo.queues;
      process.stderr.write(`  cfx: round ${round}: filling two queues with ${n} messages of ~${Math.round(size)} bytes\n`);
      const tf = performance.now();
      await fill(topo.queues, messages);
      for (const q of topo.queues) {
        const d = await topo.depth(q);
        if (d !== n) throw new Error(`queue ${q} holds ${d} messages, not ${n}`);
      }
      process.stderr.write(`  cfx: round ${round}: filled in ${fmt((performance.now() - tf) / 1000)} s; bare receive\n`);
      const bare = await bareReceive(bareQ, n);
      process.stderr.write(`  cfx: round ${round}: bare ${fmt(n / bare.seconds, 0)} msg/s; bridging\n`);
      const bridged = await bridgeDrain(bridgeQ, n);
      process.stderr.write(`  cfx: round ${round}: bridged ${fmt(n / bridged.seconds, 0)} msg/s, simulator stored ${bridged.stored}\n`);
      const left = (await topo.depth(bareQ)) + (await topo.depth(bridgeQ));
      // A bench that loses (or duplicates) messages fails loudly.
      if (bridged.stored !== n || bridged.totals.accepted !== n || bridged.totals.reports !== n || left !== 0) {
        throw new Error(`CFX bench lost messages: simulator stored ${bridged.stored} of ${n}, bridge totals ${JSON.stringify(bridged.totals)}, ${left} left in the queues`);
      }
      rounds.push({ bare, bridged });
    } catch (e) {
      // Another process restarted the broker mid-round: the figures are void, the round is repeated.
      if (!(e instanceof BrokerInterrupted) || ++interrupted > 3) throw e;
      process.stderr.write(`  cfx: round ${round} interrupted (${e.message}): repeating it\n`);
      round--;
    } finally {
      await topo.remove();
    }
  }

  const rate = (d: Drain) => n / d.seconds;
  // Each figure: the best of the rounds (the least disturbed by the other processes on the machine).
  const bestBare = rounds.map((r) => r.bare).sort((a, b) => a.seconds - b.seconds)[0]!;
  const bestBridged = rounds.map((r) => r.bridged).sort((a, b) => a.seconds - b.seconds)[0]!;
  const bridgedRate = rate(bestBridged);
  const met = bridgedRate >= 1000;
  const row = (name: string, d: Drain, i: number) => `| ${i} | ${name} | ${fmt(d.seconds, 2)} | ${fmt(rate(d), 0)} | ${fmt((d.cpuMs * 1000) / n, 0)} |`;

  const body = `
${n.toLocaleString('en-US')} UnitsTested messages (one tested unit, two tests, five measurements; ${Math.round(size).toLocaleString('en-US')} bytes
of JSON each, CFX wire form: one Data section, \`cfx-*\` application properties) pre-filled into durable RabbitMQ
queues over AMQP 1.0 (publishing is not timed). Bridged: \`startBridge\` (credit window ${CREDIT}, \`wats.concurrency\` ${CONCURRENCY},
in-memory ledger, no status server) consumes, maps with strict validation and submits one report per message to the
simulator, running as a separate \`tswats sim\` process, accepting each message once the simulator accepted its report;
timed from start until all ${n.toLocaleString('en-US')} are accepted. Baseline: a bare rhea AMQP 1.0 receiver with the same
credit window draining an identically filled queue in the same round (reading each body, accepting each message).
${ROUNDS} rounds (fresh messages, queues and simulator each); each figure is the best round. Target: ≥ 1,000 messages/s bridged.

| run | messages/s (best of ${ROUNDS}) | CPU of this process per message |
|---|---:|---:|
| bridged (\`startBridge\` → simulator) | ${fmt(bridgedRate, 0)} ${met ? '✓' : '✗ (< 1,000)'} | ${fmt((bestBridged.cpuMs * 1000) / n, 0)} µs |
| baseline: bare rhea receive + accept | ${fmt(rate(bestBare), 0)} | ${fmt((bestBare.cpuMs * 1000) / n, 0)} µs |

Ratio bridged/bare: ${fmt(bridgedRate / rate(bestBare), 2)}. The simulator stored ${bestBridged.stored.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} reports (checked in every round), no message was
dead-lettered, rejected or released, and the queues were empty afterwards.${interrupted > 0 ? ` ${interrupted} round(s) were repeated because another process restarted the broker during them.` : ''}

| round | run | seconds | messages/s | CPU µs/message |
|---:|---|---:|---:|---:|
${rounds.map((r, i) => [row('bare', r.bare, i + 1), row('bridged', r.bridged, i + 1)].join('\n')).join('\n')}

Caveat: RabbitMQ, the simulator and the bridge share the machine's ${cpus().length} cores, so the bridged figure includes their
competition for CPU (the CPU column is this process only: the bridge, or the bare receiver); while bridging, this process
used ${fmt((bestBridged.cpuMs / 10) / bestBridged.seconds, 0)} % of one core. Load average at the end of the run: ${loadavg()[0]!.toFixed(1)}.
${cpuBudget(bestBridged, n)}`;
  return { title: 'CFX', body, targetsMet: met };
}
