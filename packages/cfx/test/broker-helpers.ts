/**
 * Test helpers around the real local RabbitMQ (AMQP 1.0 plugin on 127.0.0.1:5672, guest/guest;
 * `.ci/run` starts it and enables the plugin). Topology is declared per test with amqplib
 * (AMQP 0-9-1, as an operator's tooling would); CFX messages are published and read over
 * AMQP 1.0 with our own transport.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqplib from 'amqplib';
import rhea from 'rhea';
import { onTestFinished } from 'vitest';
import {
  BrokerConnection,
  cfxReportId,
  ConfirmingSender,
  createEnvelope,
  encodeCfxMessage,
  resolveBridgeConfig,
  startBridge,
  type BridgeConfig,
  type BridgeHandle,
  type BrokerSettings,
  type EncodeOptions,
  type JsonObject,
} from '@tswats/cfx';
import { startSim, type SimHandle } from '@tswats/sim';
import pino from 'pino';
import { TEST_MAPPING } from './helpers.js';

export const BROKER_URL = process.env.CFX_TEST_BROKER_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const AMQP091_URL = process.env.CFX_TEST_AMQP091_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export { TEST_MAPPING };

/** A topic exchange + durable queue bound with `#.CFX.#` (and its dead-letter queue), removed after the test. */
export async function testTopology(options: { bindings?: string[]; amqp091Url?: string } = {}): Promise<{ exchange: string; queue: string; dlq: string; depth(q?: string): Promise<number> }> {
  const url091 = options.amqp091Url ?? AMQP091_URL;
  const id = randomUUID().slice(0, 8);
  const exchange = `cfx-test-${id}`;
  const queue = `cfx-wats-${id}`;
  const dlq = `cfx-wats-dead-${id}`;
  const c = await amqplib.connect(url091);
  const ch = await c.createChannel();
  await ch.assertExchange(exchange, 'topic', { durable: true });
  await ch.assertQueue(queue, { durable: true });
  await ch.assertQueue(dlq, { durable: true });
  for (const key of options.bindings ?? ['#.CFX.#']) await ch.bindQueue(queue, exchange, key);
  onTestFinished(async () => {
    try {
      await ch.deleteQueue(queue);
      await ch.deleteQueue(dlq);
      await ch.deleteExchange(exchange);
      await c.close();
    } catch {
      /* the broker may have been restarted by the test */
    }
  });
  return {
    exchange,
    queue,
    dlq,
    async depth(q = queue) {
      const c2 = await amqplib.connect(url091);
      try {
        const ch2 = await c2.createChannel();
        return (await ch2.checkQueue(q)).messageCount;
      } finally {
        await c2.close();
      }
    },
  };
}

/** Broker settings for our own AMQP 1.0 connections. */
export function brokerSettings(overrides: Partial<BrokerSettings> = {}): BrokerSettings {
  const u = new URL(BROKER_URL);
  return {
    host: u.hostname,
    port: Number(u.port || 5672),
    tls: false,
    username: decodeURIComponent(u.username || 'guest'),
    password: decodeURIComponent(u.password || 'guest'),
    vhost: undefined,
    rejectUnauthorized: true,
    initialReconnectDelayMs: 100,
    maxReconnectDelayMs: 1000,
    idleTimeoutMs: 0,
    containerId: `tswats-test-${randomUUID().slice(0, 8)}`,
    ...overrides,
  };
}

/** An AMQP 1.0 publisher (our ConfirmingSender) to `address`, closed after the test. */
export async function publisher(
  address: string,
  settings: Partial<BrokerSettings> = {},
): Promise<{ send(envelopes: JsonObject | JsonObject[], o?: EncodeOptions): Promise<void>; sendRaw(m: Parameters<ConfirmingSender['send']>[0]): Promise<void> }> {
  const conn = new BrokerConnection(brokerSettings(settings), {}, { reconnect: false });
  await conn.waitOpen(10_000);
  const sender = new ConfirmingSender(conn, address);
  await sender.waitOpen(10_000);
  onTestFinished(async () => {
    sender.close();
    await conn.close();
  });
  return {
    send: (envelopes, o) => sender.send(encodeCfxMessage(envelopes, o)),
    sendRaw: (m) => sender.send(m),
  };
}

/** Reads up to `max` messages from a queue over AMQP 1.0 (accepting them), waiting up to `ms`. */
export async function readQueue(queue: string, max: number, ms = 3000): Promise<rhea.Message[]> {
  const c = rhea.create_container();
  const conn = c.connect({ host: '127.0.0.1', port: 5672, username: 'guest', password: 'guest', reconnect: false });
  const out: rhea.Message[] = [];
  await new Promise<void>((resolve) => {
    const r = conn.open_receiver({ source: { address: `/amq/queue/${queue}` }, credit_window: 0, autoaccept: true });
    r.on('receiver_open', () => r.add_credit(max));
    r.on('message', (ctx) => {
      out.push(ctx.message as rhea.Message);
      if (out.length >= max) resolve();
    });
    setTimeout(resolve, ms);
  });
  conn.close();
  return out;
}

/** A simulator on loopback, closed after the test. */
export async function testSim(): Promise<SimHandle> {
  const sim = await startSim({ port: 0 });
  onTestFinished(() => sim.close());
  return sim;
}

/** A temp folder removed after the test. */
export async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'tswats-cfx-'));
  onTestFinished(() => rm(d, { recursive: true, force: true }));
  return d;
}

/** Resolved bridge config for a test. */
export async function bridgeConfig(sim: SimHandle, topo: { queue: string; dlq: string }, overrides: Record<string, unknown> = {}): Promise<BridgeConfig> {
  const { broker, ...rest } = overrides as { broker?: Record<string, unknown> };
  const { config } = await resolveBridgeConfig(
    {
      broker: {
        url: BROKER_URL,
        source: `/amq/queue/${topo.queue}`,
        deadLetter: `/amq/queue/${topo.dlq}`,
        credit: 20,
        reconnect: { initialDelay: '100ms', maxDelay: '1s' },
        ...broker,
      },
      wats: { url: sim.url, token: 'dGVzdDp0ZXN0' },
      retry: { initialDelay: '100ms', maxDelay: '500ms' },
      http: { enabled: true, port: 0 },
      shutdownGrace: '2s',
      mapping: TEST_MAPPING,
      ...rest,
    },
    { env: {} },
  );
  return config;
}

/** Starts a bridge, closed after the test. */
export async function testBridge(config: BridgeConfig): Promise<BridgeHandle> {
  const bridge = await startBridge(config, { log: pino({ level: process.env.CFX_TEST_LOG ?? 'silent' }) });
  onTestFinished(() => bridge.close());
  return bridge;
}

/** Polls `f` until true. */
export async function waitFor(f: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await f()) return;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let serial = 0;
/**
 * A UnitsTested envelope with `units` units (one numeric and one boolean measurement each),
 * serials `PSU48-2026-<n>`; unit `failAt` (if given) fails its voltage test.
 */
export function unitsTested(o: { units?: number; uniqueId?: string; source?: string; failAt?: number } = {}): JsonObject {
  const n = o.units ?? 1;
  const tested = Array.from({ length: n }, (_, i) => {
    const fail = o.failAt === i;
    const sn = `PSU48-2026-${String(++serial).padStart(6, '0')}-${randomUUID().slice(0, 6)}`;
    return {
      UnitIdentifier: sn,
      UnitPositionNumber: i + 1,
      OverallResult: fail ? 'Failed' : 'Passed',
      Tests: [
        {
          UniqueIdentifier: randomUUID(),
          TestName: 'OUTPUT_VOLTAGE',
          TestStartTime: '2026-03-04T09:16:58.1+01:00',
          TestEndTime: '2026-03-04T09:17:03.4+01:00',
          Result: fail ? 'Failed' : 'Passed',
          Measurements: [
            {
              $type: 'CFX.Structures.NumericMeasurement, CFX',
              UniqueIdentifier: randomUUID(),
              MeasurementName: 'V_OUT',
              Result: fail ? 'Failed' : 'Passed',
              MeasuredValue: {
                Value: fail ? 52.1 : 48.02,
                ValueUnits: 'V',
                ExpectedValue: 48,
                ExpectedValueUnits: 'V',
                MinimumAcceptableValue: 47.5,
                MinimumAcceptableValueUnits: 'V',
                MaximumAcceptableValue: 48500,
                MaximumAcceptableValueUnits: 'mV',
              },
            },
            {
              $type: 'CFX.Structures.BooleanMeasurement, CFX',
              UniqueIdentifier: randomUUID(),
              MeasurementName: 'PG_OK',
              Result: 'Passed',
              Value: true,
              ExpectedValue: true,
            },
          ],
        },
      ],
    };
  });
  return createEnvelope({
    messageName: 'UnitsTested',
    source: o.source ?? 'Acme.FCT3000.SN0042',
    ...(o.uniqueId ? { uniqueId: o.uniqueId } : {}),
    body: { TransactionId: randomUUID(), TestMethod: 'FCT', RecipeName: 'PSU-48V-FCT', RecipeRevision: '3.2', TestedUnits: tested },
  });
}

/** Serial numbers of an envelope made by {@link unitsTested}. */
export function serialsOf(envelope: JsonObject): string[] {
  return ((envelope.MessageBody as JsonObject).TestedUnits as JsonObject[]).map((u) => u.UnitIdentifier as string);
}

/** The report ids the bridge gives the units of an envelope made by {@link unitsTested}. */
export function expectedIds(envelope: JsonObject): string[] {
  const units = (envelope.MessageBody as JsonObject).TestedUnits as JsonObject[];
  return units.map((u) => cfxReportId({ uniqueId: envelope.UniqueID as string, unitIdentifier: u.UnitIdentifier as string, position: u.UnitPositionNumber as number, type: 'T' }));
}

/**
 * A private RabbitMQ node (same installation, own node name, ports and data folder, AMQP 1.0
 * plugin enabled) that a test may stop and start without disturbing tests that use the shared
 * broker. Needs root (the server runs as the rabbitmq user); `available` says whether it can run.
 */
export async function privateBroker(
  options: { tls?: boolean; /** Remove it after the test (default) or leave that to the caller's `close()`. */ cleanup?: 'test' | 'manual' } = {},
): Promise<{ port: number; url: string; stop(): Promise<void>; start(): Promise<void>; close(): Promise<void>; tlsPort?: number; caFile?: string; dir: string }> {
  const { execFile } = await import('node:child_process');
  const { chown, writeFile, mkdir } = await import('node:fs/promises');
  const { createServer } = await import('node:net');
  const freePort = () =>
    new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
  const port = await freePort();
  const distPort = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'tswats-rmq-'));
  const node = `tswats-${randomUUID().slice(0, 8)}@localhost`;
  await writeFile(join(dir, 'enabled_plugins'), '[rabbitmq_amqp1_0].\n');
  let conf = `listeners.tcp.local = 127.0.0.1:${port}\n`;
  let tlsPort: number | undefined;
  if (options.tls) {
    // A CA and a server certificate for localhost, made with openssl.
    tlsPort = await freePort();
    const ssl = (args: string[]) =>
      new Promise<void>((resolve, reject) => execFile('openssl', args, { cwd: dir }, (err, _o, stderr) => (err ? reject(new Error(`openssl ${args[0]}: ${stderr}`)) : resolve())));
    await ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=tswats test CA']);
    await ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
    await writeFile(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    await ssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext']);
    conf +=
      `listeners.ssl.default = 127.0.0.1:${tlsPort}\n` +
      `ssl_options.cacertfile = ${join(dir, 'ca.pem')}\nssl_options.certfile = ${join(dir, 'server.pem')}\nssl_options.keyfile = ${join(dir, 'server.key')}\n` +
      'ssl_options.verify = verify_none\nssl_options.fail_if_no_peer_cert = false\n';
  }
  await writeFile(join(dir, 'rabbitmq.conf'), conf);
  await mkdir(join(dir, 'mnesia'));
  await mkdir(join(dir, 'log'));
  const { uid, gid } = await new Promise<{ uid: number; gid: number }>((resolve, reject) =>
    execFile('id', ['rabbitmq'], (err, out) => {
      if (err) return reject(new Error('no rabbitmq user on this machine'));
      resolve({ uid: Number(/uid=(\d+)/.exec(out)![1]), gid: Number(/gid=(\d+)/.exec(out)![1]) });
    }),
  );
  for (const f of ['', 'enabled_plugins', 'rabbitmq.conf', 'mnesia', 'log', ...(options.tls ? ['server.key', 'server.pem', 'ca.pem'] : [])]) await chown(join(dir, f), uid, gid);
  const env = {
    ...process.env,
    RABBITMQ_NODENAME: node,
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: join(dir, 'pid'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
  };
  const run = (cmd: string, args: string[]) =>
    new Promise<void>((resolve, reject) =>
      execFile(cmd, args, { env, timeout: 90_000 }, (err, _o, stderr) => (err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : resolve())),
    );
  const settings = brokerSettings({ port });
  const waitUp = async () => {
    const end = Date.now() + 90_000;
    for (;;) {
      const conn = new BrokerConnection(settings, {}, { reconnect: false });
      try {
        await conn.waitOpen(2_000);
        await conn.close();
        return;
      } catch {
        await conn.close();
        if (Date.now() > end) throw new Error(`the private RabbitMQ node ${node} did not come up on port ${port}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  };
  const start = async () => {
    await run('rabbitmq-server', ['-detached']);
    await waitUp();
  };
  const stop = () => run('rabbitmqctl', ['-n', node, 'stop']);
  await start();
  const close = async () => {
    await stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  if ((options.cleanup ?? 'test') === 'test') onTestFinished(close);
  return {
    port,
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    stop,
    start,
    close,
    dir,
    ...(tlsPort === undefined ? {} : { tlsPort, caFile: join(dir, 'ca.pem') }),
  };
}
