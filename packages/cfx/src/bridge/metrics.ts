/**
 * Prometheus metrics of the bridge on a registry of its own. Counters are incremented as work
 * happens; gauges are read from the status snapshot at scrape time.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BridgeStatus } from './status.js';

export type MessageOutcome = 'accepted' | 'dead_lettered' | 'rejected' | 'released' | 'unknown_accepted' | 'unknown_released' | 'abandoned';

export interface BridgeMetrics {
  readonly registry: Registry;
  message(outcome: MessageOutcome, seconds?: number): void;
  envelope(messageName: string): void;
  effect(kind: 'report' | 'asset' | 'production', outcome: 'done' | 'skipped'): void;
  text(): Promise<{ contentType: string; text: string }>;
}

export function createBridgeMetrics(status: () => BridgeStatus): BridgeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tswats_cfx_process_' });
  const registers = [registry];
  const messages = new Counter({ name: 'tswats_cfx_messages_total', help: 'AMQP messages by how they ended.', labelNames: ['outcome'] as const, registers });
  const envelopes = new Counter({ name: 'tswats_cfx_envelopes_total', help: 'CFX envelopes by message name.', labelNames: ['message'] as const, registers });
  const effects = new Counter({
    name: 'tswats_cfx_wats_calls_total',
    help: 'WATS calls: done, or skipped because the effect ledger says they were done before.',
    labelNames: ['kind', 'outcome'] as const,
    registers,
  });
  const seconds = new Histogram({
    name: 'tswats_cfx_message_seconds',
    help: 'From receipt to settlement, per message.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  let snap: BridgeStatus | undefined;
  const s = () => snap ?? status();
  new Gauge({ name: 'tswats_cfx_in_flight', help: 'Messages received and not yet settled.', registers, collect() { this.set(s().inFlight); } });
  new Gauge({ name: 'tswats_cfx_broker_connected', help: '1 while connected to the broker with the source link attached.', registers, collect() { this.set(s().broker.connected && s().broker.linkOpen ? 1 : 0); } });
  new Gauge({ name: 'tswats_cfx_broker_reconnects', help: 'Broker connections lost since start.', registers, collect() { this.set(s().broker.reconnects); } });
  new Gauge({ name: 'tswats_cfx_wats_up', help: '1 while WATS answers (the gate is open).', registers, collect() { this.set(s().wats.state === 'open' ? 1 : 0); } });
  new Gauge({ name: 'tswats_cfx_ready', help: '1 when /health/ready would answer 200.', registers, collect() { this.set(s().ready ? 1 : 0); } });
  // Label children bound once: per-message increments then skip prom-client's label hashing.
  const bound = <T>(make: (key: string) => T) => {
    const cache = new Map<string, T>();
    return (key: string): T => {
      let c = cache.get(key);
      if (c === undefined) cache.set(key, (c = make(key)));
      return c;
    };
  };
  const messageChild = bound((outcome) => messages.labels({ outcome }));
  const envelopeChild = bound((message) => envelopes.labels({ message }));
  const effectChild = bound((key) => {
    const [kind, outcome] = key.split('/') as [string, string];
    return effects.labels({ kind, outcome });
  });
  return {
    registry,
    message(outcome, secs) {
      messageChild(outcome).inc();
      if (secs !== undefined) seconds.observe(secs);
    },
    envelope: (message) => envelopeChild(message).inc(),
    effect: (kind, outcome) => effectChild(`${kind}/${outcome}`).inc(),
    async text() {
      snap = status();
      try {
        return { contentType: registry.contentType, text: await registry.metrics() };
      } finally {
        snap = undefined;
      }
    },
  };
}
