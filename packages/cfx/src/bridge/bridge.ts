/**
 * The CFX -> WATS bridge: consumes CFX messages from an AMQP 1.0 broker, maps them, makes the
 * WATS calls, and settles each message only when everything it produced was accepted.
 *
 * Per message:
 *  1. in the mapping worker thread, in arrival order (so a WorkStarted is seen before the
 *     UnitsTested of its transaction): decode, look up part numbers WATS knows (asked of this
 *     thread, through the gate), map, validate, serialise; remember UUTs for later UnitsRepaired;
 *  2. concurrently with other messages (at most `wats.concurrency` calls at once): each WATS
 *     call through the gate, skipping calls the ledger has; then `accept`.
 * Undecodable/unmappable messages and messages WATS refuses (4xx) go to the dead-letter
 * address with the reason. While WATS is unreachable nothing is settled and no credit is
 * granted: the broker holds the messages.
 */
import { setMaxListeners } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APIError, WatsClient } from '@tswats/sdk';
import { createNodeFetch, type NodeFetch } from '@tswats/sdk/node';
import { createServiceStatusServer, createLogger, type ServiceStatusServer } from '@tswats/station';
import type { Logger } from 'pino';
import type { Message } from 'rhea';
import { BrokerConnection, amqpErrorText } from '../amqp/connection.js';
import { CreditReceiver, type InboundMessage, type Outcome } from '../amqp/receiver.js';
import { ConfirmingSender, SendError, type OutgoingMessage } from '../amqp/sender.js';
import { CfxDecodeError } from '../errors.js';
import type { AssetUpdate, ProductionUpdate } from '../map/types.js';
import { bodyBytes } from '../wire.js';
import type { BridgeConfig } from './config.js';
import { WatsGate } from './gate.js';
import { fileLedger, memoryLedger, type EffectLedger } from './ledger.js';
import { lookUpUnits } from './lookup.js';
import { MapClient } from './map-client.js';
import type { Prepared, PreparedReport } from './prepare.js';
import { createBridgeMetrics, type BridgeMetrics } from './metrics.js';
import type { BridgeProblem, BridgeState, BridgeStatus } from './status.js';

export interface StartBridgeOptions {
  /** Where to log. @default a pino logger at `config.logLevel` on stdout, secrets scrubbed */
  log?: Logger;
  /** A WATS client to use instead of one built from `config.wats` (its `close` is not called). */
  client?: WatsClient;
  /** Called on every state change (the CLI feeds sd_notify with it). */
  onState?(status: BridgeStatus): void;
}

export interface BridgeHandle {
  status(): BridgeStatus;
  /** `http://host:port` of the status server, when enabled. */
  readonly url: string | undefined;
  readonly metrics: BridgeMetrics;
  /** Resolves when no message is in flight (tests, `--once` style use). */
  whenIdle(): Promise<void>;
  /** Stops taking messages, lets those in flight finish (up to `shutdownGrace`), releases the rest, closes everything. */
  close(): Promise<void>;
}

/** A WATS call a message needs, with the ledger key that says it is done. */
interface Effect {
  key: string;
  kind: 'report' | 'asset' | 'production';
  describe: string;
  call(signal: AbortSignal): Promise<unknown>;
}

/** Why a message cannot be processed (it goes to the dead-letter address). */
class Unprocessable extends Error {
  readonly code: string;
  readonly field: string | undefined;
  constructor(code: string, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

const MAX_PROBLEMS = 20;

/** Starts the bridge. Resolves once the status server listens (the broker connection is made in the background). */
export async function startBridge(config: BridgeConfig, options: StartBridgeOptions = {}): Promise<BridgeHandle> {
  const secrets = [config.wats.token, config.broker.password, config.http.token].filter((s): s is string => !!s);
  const log = options.log ?? createLogger({ level: config.logLevel, file: undefined }, secrets);
  const startedAt = new Date().toISOString();
  let nodeFetch: NodeFetch | undefined;
  const client =
    options.client ??
    new WatsClient({
      baseUrl: config.wats.url,
      ...(config.wats.token ? { token: config.wats.token } : {}),
      timeout: config.wats.timeoutMs,
      maxRetries: 2,
      // Mapping already validated every report strictly.
      validation: 'off',
      fetch: (nodeFetch = createNodeFetch({ connections: config.wats.concurrency })),
      logLevel: 'off',
    });

  const ledger: EffectLedger = config.dataDir ? fileLedger(join(config.dataDir, 'ledger')) : memoryLedger();
  const totals: BridgeStatus['totals'] = { received: 0, accepted: 0, deadLettered: 0, rejected: 0, released: 0, unknown: 0, envelopes: 0, reports: 0, assetUpdates: 0, productionUpdates: 0, skipped: 0 };
  const byMessage: Record<string, number> = {};
  const problems: BridgeProblem[] = [];
  let closing = false;
  let stopped = false;

  let lastState: BridgeState | undefined;
  const notify = () => {
    const s = status();
    if (s.state !== lastState) {
      lastState = s.state;
      options.onState?.(s);
    }
  };

  const gate = new WatsGate({
    initialDelayMs: config.retry.initialDelayMs,
    maxDelayMs: config.retry.maxDelayMs,
    onChange(state, reason) {
      if (state === 'open') log.info({ component: 'wats' }, 'WATS answers again: taking messages');
      else log.warn({ component: 'wats', state, reason }, `WATS ${state === 'down' ? 'unreachable' : 'refuses our token'}: holding messages at the broker`);
      receiver.setPaused(state !== 'open' || closing);
      notify();
    },
  });

  const conn = new BrokerConnection(config.broker, {
    onOpen(generation) {
      log.info({ component: 'broker', broker: conn.display, generation }, 'connected to the broker');
      notify();
    },
    onDisconnect(error) {
      log.warn({ component: 'broker', broker: conn.display, error }, 'broker connection lost: reconnecting');
      notify();
    },
  });
  const receiver = new CreditReceiver(conn, {
    address: config.broker.source,
    window: config.broker.credit,
    onMessage: (m) => void handle(m),
    onOpen: () => {
      log.info({ component: 'broker', source: config.broker.source, window: config.broker.credit }, 'consuming');
      notify();
    },
    onLinkError: (error) => {
      log.error({ component: 'broker', source: config.broker.source, error }, `the broker refused the source ${config.broker.source}`);
      notify();
    },
  });
  const deadLetter = config.broker.deadLetter === null ? undefined : new ConfirmingSender(conn, config.broker.deadLetter);

  // --- processing --------------------------------------------------------------------------
  // Messages being worked on, and one abort for all of them (shutdown aborts every job at once).
  let jobs = 0;
  const stopping = new AbortController();
  const signal = stopping.signal;
  // Every WATS call in flight listens on it (up to the window): not a leak.
  setMaxListeners(0, signal);
  let idleWaiters: (() => void)[] = [];
  let callsRunning = 0;
  const callWaiters: (() => void)[] = [];
  const metrics = createBridgeMetrics(() => status());
  const mapper = new MapClient({
    preparer: { mapping: config.mapping, lookup: config.lookup },
    lookUp: async (serials) => {
      try {
        return await gate.run(() => withCallSlot(() => lookUpUnits(client, serials, signal)), signal);
      } catch (e) {
        if (signal.aborted) throw e;
        // WATS refused the query itself (not an outage): map as if it did not know the units.
        log.warn({ component: 'lookup', err: e, serials }, 'part-number lookup failed: mapping without it');
        return serials.map((sn) => [sn, undefined]);
      }
    },
    onWorkerError: (err) => log.error({ component: 'map', err }, 'the mapping worker failed'),
  });

  async function withCallSlot<T>(fn: () => Promise<T>): Promise<T> {
    while (callsRunning >= config.wats.concurrency) await new Promise<void>((r) => callWaiters.push(r));
    callsRunning++;
    try {
      return await fn();
    } finally {
      callsRunning--;
      callWaiters.shift()?.();
    }
  }

  async function handle(m: InboundMessage): Promise<void> {
    const started = performance.now();
    totals.received++;
    jobs++;
    try {
      let body: Buffer;
      try {
        body = bodyBytes(m.message.body);
      } catch (e) {
        if (e instanceof CfxDecodeError) throw new Unprocessable(e.code, `${e.reason}: ${e.message}`);
        throw e;
      }
      // Decoding and mapping run in the worker, in arrival order.
      const out = await mapper.prepare(body, m.message.content_encoding);
      if (out.kind === 'unprocessable') throw new Unprocessable(out.code, out.message, out.field);
      const plan = out.prepared;
      account(plan);
      if (plan.unknownOnly) return await settleUnknown(m, started);
      // Reports of a message go in parallel; asset and production calls in message order.
      await Promise.all(plan.reports.map((r) => runEffect(reportEffect(r), signal)));
      for (const { update, key } of plan.assetUpdates) await runEffect(assetEffect(update, key), signal);
      for (const { update, key } of plan.productionUpdates) await runEffect(productionEffect(update, key), signal);
      const settled = m.finish({ kind: 'accept' });
      if (settled) {
        totals.accepted++;
        metrics.message('accepted', (performance.now() - started) / 1000);
      } else {
        metrics.message('abandoned');
        log.debug({ component: 'bridge', messageId: m.message.message_id }, 'done, but the connection was renewed since: the broker will redeliver it (the ledger skips what is done)');
      }
    } catch (e) {
      if (e instanceof Unprocessable) await deadLetterMessage(m, e, started);
      else if (signal.aborted || closing) {
        if (m.finish({ kind: 'release' })) totals.released++;
        metrics.message('released');
      } else {
        // A bug or an unexpected failure: give the message back and say so loudly.
        log.error({ component: 'bridge', err: e, messageId: m.message.message_id }, 'processing failed unexpectedly: message released');
        if (m.finish({ kind: 'release' })) totals.released++;
        metrics.message('released');
      }
    } finally {
      jobs--;
      if (jobs === 0) {
        const w = idleWaiters;
        idleWaiters = [];
        for (const f of w) f();
      }
    }
  }

  /** Counts a prepared message's envelopes and logs their warnings. */
  function account(p: Prepared): void {
    for (const e of p.envelopes) {
      totals.envelopes++;
      byMessage[e.short] = (byMessage[e.short] ?? 0) + 1;
      metrics.envelope(e.short);
      for (const w of e.warnings) log.warn({ component: 'map', messageName: e.messageName, uniqueId: e.uniqueId }, w);
    }
  }

  function reportEffect(report: PreparedReport): Effect {
    return {
      key: `r:${report.id}`,
      kind: 'report',
      describe: `${report.type === 'R' ? 'UUR' : 'UUT'} ${report.id} (${report.sn})`,
      // Built, strictly validated and serialised in the mapping worker.
      call: (signal) => client.reports.submitJson(report.json, report.id, { signal }),
    };
  }

  function assetEffect(u: AssetUpdate, key: string): Effect {
    const a = client.asset;
    const describe = `${u.method} for ${u.reason}`;
    const call = (signal: AbortSignal): Promise<unknown> => {
      switch (u.method) {
        case 'recordExternalMaintenance':
        case 'recordExternalCalibration':
          return a[u.method](u.params, { signal });
        case 'recordMaintenance':
        case 'recordCalibration':
          return a[u.method](u.params, { signal });
        case 'addMessage':
          return a.addMessage(u.ref, u.content, {}, { signal });
        case 'setState':
          return a.setState(u.ref, u.state, { signal });
      }
    };
    return { key: `a:${key}`, kind: 'asset', describe, call };
  }

  function productionEffect(u: ProductionUpdate, key: string): Effect {
    return {
      key: `p:${key}`,
      kind: 'production',
      describe: `addChildUnit ${u.params.childSerialNumber} -> ${u.params.parentSerialNumber}`,
      call: (signal) => client.production.addChildUnit(u.params, { signal }),
    };
  }

  /** Stage 2: one WATS call through the gate; 4xx -> Unprocessable. */
  async function runEffect(effect: Effect, signal: AbortSignal): Promise<void> {
    if (ledger.has(effect.key)) {
      totals.skipped++;
      metrics.effect(effect.kind, 'skipped');
      return;
    }
    try {
      await gate.run(() => withCallSlot(() => effect.call(signal)), signal);
    } catch (e) {
      if (signal.aborted) throw e;
      if (e instanceof APIError) throw new Unprocessable('WATS_REFUSED', `WATS refused ${effect.describe}: ${e.status} ${e.message}`);
      throw e;
    }
    ledger.add(effect.key);
    metrics.effect(effect.kind, 'done');
    if (effect.kind === 'report') totals.reports++;
    else if (effect.kind === 'asset') totals.assetUpdates++;
    else totals.productionUpdates++;
  }

  async function settleUnknown(m: InboundMessage, started: number): Promise<void> {
    totals.unknown++;
    const name = m.message.application_properties?.['cfx-message'] ?? m.message.subject ?? '(no name)';
    if (config.unknownMessages === 'dead-letter') {
      return deadLetterMessage(m, new Unprocessable('CFX_ERR_UNKNOWN_MESSAGE', `message name ${String(name)} is not one this bridge maps`), started);
    }
    const outcome: Outcome = config.unknownMessages === 'release' ? { kind: 'release' } : { kind: 'accept' };
    log.debug({ component: 'bridge', messageId: m.message.message_id, name }, `unknown message ${config.unknownMessages === 'release' ? 'released' : 'accepted'}`);
    m.finish(outcome);
    metrics.message(outcome.kind === 'release' ? 'unknown_released' : 'unknown_accepted', (performance.now() - started) / 1000);
  }

  /** Sends a copy with the reason to the dead-letter address, then accepts the original. */
  async function deadLetterMessage(m: InboundMessage, problem: Unprocessable, started: number): Promise<void> {
    const msg = m.message;
    const problemRecord: BridgeProblem = {
      time: new Date().toISOString(),
      messageId: msg.message_id === undefined ? undefined : String(msg.message_id),
      subject: msg.subject,
      code: problem.code,
      reason: problem.message,
      ...(problem.field === undefined ? {} : { field: problem.field }),
      deadLetteredTo: config.broker.deadLetter ?? 'rejected',
    };
    log.warn({ component: 'bridge', ...problemRecord }, `unprocessable message: ${problem.message}`);
    if (deadLetter === undefined) {
      if (m.finish({ kind: 'reject', condition: 'amqp:precondition-failed', description: `${problem.code}: ${problem.message}` })) totals.rejected++;
      metrics.message('rejected', (performance.now() - started) / 1000);
      remember(problemRecord);
      return;
    }
    const copy = deadLetterCopy(msg, problem);
    for (let attempt = 1; ; attempt++) {
      try {
        await deadLetter.send(copy);
        break;
      } catch (e) {
        if (e instanceof SendError && (e.outcome === 'disconnected' || e.outcome === 'closed')) {
          // The original cannot be settled any more either: the broker redelivers it.
          m.finish({ kind: 'release' });
          metrics.message('abandoned');
          return;
        }
        if (attempt < 3) {
          await new Promise((r) => setTimeout(r, 500 * attempt));
          continue;
        }
        // The dead-letter address does not work: keep the message on disk (when we can) and
        // reject it, rather than block the queue behind it.
        const kept = keepLocally(msg, problemRecord, amqpErrorText(e));
        problemRecord.deadLetteredTo = kept ? `rejected (copy in ${kept})` : 'rejected';
        log.error({ component: 'bridge', error: amqpErrorText(e), kept }, `cannot send to the dead-letter address ${config.broker.deadLetter}: message rejected`);
        if (m.finish({ kind: 'reject', condition: 'amqp:precondition-failed', description: `${problem.code}: ${problem.message}` })) totals.rejected++;
        metrics.message('rejected', (performance.now() - started) / 1000);
        remember(problemRecord);
        return;
      }
    }
    if (m.finish({ kind: 'accept' })) totals.deadLettered++;
    metrics.message('dead_lettered', (performance.now() - started) / 1000);
    remember(problemRecord);
  }

  function remember(p: BridgeProblem): void {
    problems.push(p);
    if (problems.length > MAX_PROBLEMS) problems.shift();
  }

  function keepLocally(msg: Message, p: BridgeProblem, error: string): string | undefined {
    if (!config.dataDir) return undefined;
    try {
      const dir = join(config.dataDir, 'rejected');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${Date.now()}-${String(msg.message_id ?? 'no-id').replace(/[^\w.-]/g, '_')}.json`);
      let body: string;
      try {
        body = bodyBytes(msg.body).toString('base64');
      } catch {
        body = Buffer.from(JSON.stringify(msg.body ?? null)).toString('base64');
      }
      writeFileSync(file, JSON.stringify({ problem: p, deadLetterError: error, subject: msg.subject, contentEncoding: msg.content_encoding, applicationProperties: msg.application_properties, bodyBase64: body }, null, 2));
      return file;
    } catch (e) {
      log.error({ component: 'bridge', err: e }, 'cannot keep the rejected message on disk');
      return undefined;
    }
  }

  // --- status ------------------------------------------------------------------------------
  function status(): BridgeStatus {
    const brokerUp = conn.connected && receiver.isOpen;
    let state: BridgeState;
    if (stopped) state = 'stopped';
    else if (closing) state = 'draining';
    else if (!brokerUp) state = totals.received === 0 && conn.reconnects === 0 && !conn.lastError ? 'starting' : 'broker-disconnected';
    else if (gate.state === 'down') state = 'waiting-for-wats';
    else if (gate.state === 'unauthorized') state = 'unauthorized';
    else state = 'running';
    const reason =
      state === 'running'
        ? undefined
        : state === 'waiting-for-wats' || state === 'unauthorized'
          ? `WATS: ${gate.reason ?? state}`
          : state === 'broker-disconnected' || state === 'starting'
            ? `broker: ${receiver.linkError ?? conn.lastError ?? 'connecting'}${
                conn.opens > 1 && /ECONNRESET|closed/i.test(conn.lastError ?? '') && !receiver.isOpen
                  ? ` (the connection opens, then drops: RabbitMQ 3.x does that when ${config.broker.source} or ${config.broker.deadLetter ?? 'the dead-letter address'} does not exist)`
                  : ''
              }`
            : state;
    return {
      state,
      ready: state === 'running',
      ...(reason === undefined ? {} : { reason }),
      startedAt,
      broker: {
        url: conn.display,
        connected: conn.connected,
        source: config.broker.source,
        deadLetter: config.broker.deadLetter,
        linkOpen: receiver.isOpen,
        linkError: receiver.linkError,
        reconnects: conn.reconnects,
        lastError: conn.lastError,
        credit: receiver.credit,
        window: config.broker.credit,
      },
      wats: { url: config.wats.url, state: gate.state, since: new Date(gate.since).toISOString(), reason: gate.reason },
      inFlight: receiver.inFlight,
      totals: { ...totals },
      byMessage: { ...byMessage },
      lookup: { enabled: config.lookup.enabled, ...mapper.units },
      lastErrors: [...problems],
    };
  }

  let server: ServiceStatusServer | undefined;
  if (config.http.enabled) {
    try {
      server = await createServiceStatusServer({
        config: config.http,
        realm: 'tswats-cfx',
        status,
        metrics: () => metrics.text(),
        log: log.child({ component: 'http' }),
      });
      log.info({ component: 'http', url: server.url }, 'status server listening');
    } catch (e) {
      receiver.close();
      deadLetter?.close();
      await conn.close();
      ledger.close();
      await nodeFetch?.close();
      throw e;
    }
  }

  let closed: Promise<void> | undefined;
  return {
    status,
    url: server?.url,
    metrics,
    whenIdle: () => (jobs === 0 ? Promise.resolve() : new Promise<void>((r) => idleWaiters.push(r))),
    close: () =>
      (closed ??= (async () => {
        closing = true;
        receiver.setPaused(true);
        notify();
        if (jobs > 0) {
          log.info({ component: 'bridge', inFlight: jobs }, `finishing messages in flight (up to ${config.shutdownGraceMs} ms)`);
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            new Promise<void>((r) => idleWaiters.push(r)),
            new Promise<void>((r) => (timer = setTimeout(r, config.shutdownGraceMs))),
          ]);
          clearTimeout(timer);
        }
        stopping.abort(new Error('the bridge is stopping'));
        gate.close();
        if (jobs > 0) await new Promise<void>((r) => idleWaiters.push(r));
        receiver.close();
        deadLetter?.close();
        await conn.close();
        await mapper.close();
        await server?.close();
        ledger.close();
        await nodeFetch?.close();
        stopped = true;
        notify();
        log.info({ component: 'bridge', totals }, 'stopped');
      })()),
  };
}

/** The dead-letter copy: same body and properties, plus the reason as application properties. */
function deadLetterCopy(msg: Message, problem: Unprocessable): OutgoingMessage {
  let body: Buffer;
  try {
    body = bodyBytes(msg.body);
  } catch {
    body = Buffer.from(JSON.stringify(msg.body ?? null), 'utf8');
  }
  const copy: OutgoingMessage = {
    body,
    durable: true,
    application_properties: {
      ...(msg.application_properties ?? {}),
      'tswats-error-code': problem.code,
      'tswats-error': problem.message.slice(0, 4000),
      ...(problem.field === undefined ? {} : { 'tswats-error-field': problem.field }),
      'tswats-failed-at': new Date().toISOString(),
    },
  };
  for (const k of ['message_id', 'subject', 'content_type', 'content_encoding', 'creation_time', 'correlation_id', 'reply_to'] as const) {
    if (msg[k] !== undefined) (copy as Record<string, unknown>)[k] = msg[k];
  }
  return copy;
}
