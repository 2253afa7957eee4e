/**
 * deploy/cfx/rabbitmq-definitions.json against the real local RabbitMQ: imported with
 * `rabbitmqctl import_definitions` (as docs/cfx.md tells operators to), then checked over
 * AMQP 0-9-1 with amqplib: the exchange and queues exist, CFX production subjects reach
 * `cfx-wats` and a Heartbeat does not, and a message rejected from `cfx-wats` lands in
 * `cfx-wats-dead`.
 *
 * The names are the production ones (`cfx`, `cfx-wats`, `cfx-wats-dead`). What existed before
 * the test is left in place (only purged, and only if it held nothing to begin with); what the
 * test created is deleted afterwards.
 *
 * bridge.test.ts restarts the RabbitMQ application (`stop_app`/`start_app`) and vitest runs test
 * files in parallel: a step whose connection the broker closed under it waits for the broker
 * and runs again (anything else fails at once).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import amqplib, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const DEFINITIONS = fileURLToPath(new URL('../../../deploy/cfx/rabbitmq-definitions.json', import.meta.url));
const AMQP091_URL = process.env.CFX_TEST_AMQP091_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const EXCHANGE = 'cfx';
const QUEUE = 'cfx-wats';
const DLQ = 'cfx-wats-dead';
const TESTED = 'Acme.FCT3000.SN0042.CFX.Production.TestAndInspection.UnitsTested';
const HEARTBEAT = 'Acme.X.CFX.Heartbeat';

function onPath(cmd: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      /* next */
    }
  }
  return false;
}

const hasCtl = onPath('rabbitmqctl');

describe.skipIf(!hasCtl)(`deploy/cfx/rabbitmq-definitions.json${hasCtl ? '' : ' (skipped: rabbitmqctl is not on PATH, so the definitions cannot be imported)'}`, () => {
  let conn: ChannelModel;
  /** Set when the broker closed `conn` (a restart by another test file). */
  let lost = false;
  /** Which of our objects were there before the test (those are never deleted). */
  const existed = { exchange: false, queue: false, dlq: false };
  /** Messages in pre-existing queues before the test: if any, the routing checks leave them alone. */
  const foreign = { queue: 0, dlq: 0 };

  async function connect(): Promise<void> {
    lost = false;
    const c = await amqplib.connect(AMQP091_URL);
    c.on('error', () => {});
    c.on('close', () => {
      if (conn === c) lost = true;
    });
    conn = c;
  }

  /**
   * Runs `step`; if the broker dropped our connection meanwhile (another test file restarting it),
   * waits for the broker, reconnects and runs it again (up to 3 times).
   */
  async function resilient<T>(step: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (!conn || lost) await connect();
        return await step();
      } catch (e) {
        const restarted = lost || /ECONNREFUSED|ECONNRESET|CONNECTION_FORCED|Channel closed|Connection closed|rabbit' app/i.test(String((e as Error).message));
        if (!restarted || attempt >= 3) throw e;
        await run('rabbitmqctl', ['await_startup'], { timeout: 60_000 }).catch(() => {});
        await new Promise((r) => setTimeout(r, 500));
        lost = true;
      }
    }
  }

  /** A fresh channel per passive check: a failed check closes its channel. */
  async function exists(kind: 'exchange' | 'queue', name: string): Promise<boolean> {
    const ch = await conn.createChannel();
    ch.on('error', () => {});
    try {
      if (kind === 'exchange') await ch.checkExchange(name);
      else await ch.checkQueue(name);
      await ch.close();
      return true;
    } catch (e) {
      if (lost) throw e;
      return false;
    }
  }

  async function depth(queue: string): Promise<number> {
    const ch = await conn.createChannel();
    try {
      return (await ch.checkQueue(queue)).messageCount;
    } finally {
      await ch.close().catch(() => {});
    }
  }

  async function waitDepth(queue: string, n: number, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    for (;;) {
      const d = await depth(queue);
      if (d === n) return;
      if (lost) throw new Error('Connection closed by the broker');
      if (Date.now() > end) throw new Error(`${queue} holds ${d} messages after ${ms} ms, expected ${n}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Reads one message, waiting for it (basic.get; not acknowledged until the caller does). */
  async function getOne(ch: Channel, queue: string, ms = 5000): Promise<GetMessage> {
    const end = Date.now() + ms;
    for (;;) {
      const m = await ch.get(queue, { noAck: false });
      if (m) return m;
      if (lost) throw new Error('Connection closed by the broker');
      if (Date.now() > end) throw new Error(`no message in ${queue} within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** `rabbitmqctl import_definitions` (asynchronous in 3.10: waits until the objects exist). */
  async function importDefinitions(): Promise<string> {
    const { stdout, stderr } = await run('rabbitmqctl', ['import_definitions', DEFINITIONS], { timeout: 60_000 });
    const end = Date.now() + 15_000;
    const present = async () => (await exists('exchange', EXCHANGE)) && (await exists('queue', QUEUE)) && (await exists('queue', DLQ));
    while (!(await present()) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    return `${stdout}\n${stderr}`;
  }

  beforeAll(async () => {
    await resilient(async () => {
      existed.exchange = await exists('exchange', EXCHANGE);
      existed.queue = await exists('queue', QUEUE);
      existed.dlq = await exists('queue', DLQ);
      foreign.queue = existed.queue ? await depth(QUEUE) : 0;
      foreign.dlq = existed.dlq ? await depth(DLQ) : 0;
    });
  });

  afterAll(async () => {
    await resilient(async () => {
      const ch = await conn.createChannel();
      ch.on('error', () => {});
      // Purge only what held nothing of anyone else's before the test; delete what the test created.
      if (!existed.queue) await ch.deleteQueue(QUEUE);
      else if (foreign.queue === 0) await ch.purgeQueue(QUEUE);
      if (!existed.dlq) await ch.deleteQueue(DLQ);
      else if (foreign.dlq === 0) await ch.purgeQueue(DLQ);
      if (!existed.exchange) await ch.deleteExchange(EXCHANGE);
      await ch.close();
    });
    await conn?.close().catch(() => {});
  });

  it('is a definitions file in the format rabbitmqctl import_definitions reads', () => {
    const defs = JSON.parse(readFileSync(DEFINITIONS, 'utf8')) as Record<string, unknown[]>;
    expect(Object.keys(defs).sort()).toEqual(['bindings', 'exchanges', 'queues', 'vhosts']);
    expect(defs.exchanges).toEqual([expect.objectContaining({ name: EXCHANGE, vhost: '/', type: 'topic', durable: true, auto_delete: false })]);
    expect(defs.bindings).toEqual(
      ['#.CFX.Production.#', '#.CFX.ResourcePerformance.#'].map((routing_key) =>
        expect.objectContaining({ source: EXCHANGE, vhost: '/', destination: QUEUE, destination_type: 'queue', routing_key }),
      ),
    );
  });

  it('imports into the local broker: exchange, queues and the dead-letter arguments exist', async () => {
    const output = await resilient(importDefinitions);
    expect(output).not.toMatch(/error/i);
    // Importing again changes nothing and does not fail (operators re-run it).
    await resilient(importDefinitions);

    await resilient(async () => {
      expect(await exists('exchange', EXCHANGE)).toBe(true);
      expect(await exists('queue', QUEUE)).toBe(true);
      expect(await exists('queue', DLQ)).toBe(true);
    });

    const list = await resilient(() => run('rabbitmqctl', ['list_queues', '-q', '-p', '/', 'name', 'durable', 'arguments', '--formatter', 'json'], { timeout: 60_000 }));
    const queues = JSON.parse(list.stdout) as { name: string; durable: boolean; arguments: Record<string, unknown> | unknown[][] }[];
    const args = (name: string) => {
      const q = queues.find((x) => x.name === name);
      expect(q, `${name} in rabbitmqctl list_queues`).toBeDefined();
      expect(q!.durable).toBe(true);
      // 3.10 prints arguments as [key, type, value] triples (`["x-dead-letter-exchange","longstr",""]`);
      // other versions may print an object.
      return Array.isArray(q!.arguments) ? Object.fromEntries(q!.arguments.map((a) => [a[0], a[a.length - 1]])) : q!.arguments;
    };
    if (!existed.queue) expect(args(QUEUE)).toEqual({ 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': DLQ });
    args(DLQ);
  });

  it('routes CFX production subjects to cfx-wats, not a Heartbeat; a rejected message lands in cfx-wats-dead', async (ctx) => {
    if (foreign.queue > 0 || foreign.dlq > 0) {
      ctx.skip(`${QUEUE}/${DLQ} already held ${foreign.queue}/${foreign.dlq} messages before the test: not touching someone else's messages`);
    }
    await resilient(async () => {
      const ch = await conn.createConfirmChannel();
      ch.on('error', () => {});
      try {
        await ch.purgeQueue(QUEUE);
        await ch.purgeQueue(DLQ);

        const id = randomUUID();
        ch.publish(EXCHANGE, TESTED, Buffer.from('{"MessageName":"CFX.Production.TestAndInspection.UnitsTested"}'), { messageId: id, persistent: true, contentType: 'application/json' });
        await ch.waitForConfirms();
        await waitDepth(QUEUE, 1);

        ch.publish(EXCHANGE, HEARTBEAT, Buffer.from('{"MessageName":"CFX.Heartbeat"}'), { messageId: randomUUID(), persistent: true });
        await ch.waitForConfirms();
        await new Promise((r) => setTimeout(r, 200));
        expect(await depth(QUEUE)).toBe(1);
        expect(await depth(DLQ)).toBe(0);

        // What a consumer's AMQP 1.0 `rejected` outcome is in 0-9-1: nack without requeue.
        const m = await getOne(ch, QUEUE);
        expect(m.properties.messageId).toBe(id);
        expect(m.fields.routingKey).toBe(TESTED);
        ch.nack(m, false, false);
        await waitDepth(DLQ, 1);
        expect(await depth(QUEUE)).toBe(0);

        const dead = await getOne(ch, DLQ);
        expect(dead.properties.messageId).toBe(id);
        const death = (dead.properties.headers?.['x-death'] as { queue: string; reason: string; exchange: string; 'routing-keys': string[] }[] | undefined)?.[0];
        expect(death).toMatchObject({ queue: QUEUE, reason: 'rejected', exchange: EXCHANGE, 'routing-keys': [TESTED] });
        ch.ack(dead);
      } finally {
        await ch.close().catch(() => {});
      }
    });
  });
});
