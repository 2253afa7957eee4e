/**
 * Broker connection settings, resolved once from config, and the rhea options they become.
 * Addresses are the broker's own strings: RabbitMQ 3.x (`/queue/q`, `/exchange/x`,
 * `/amq/queue/q`) and 4.x (`/queues/q`, `/exchanges/x[/key]`) formats, or any other AMQP 1.0
 * broker's address.
 */
import type { ConnectionOptions } from 'rhea';

/** Where and how to connect. Secrets are already read from their files. */
export interface BrokerSettings {
  host: string;
  port: number;
  /** `amqps:` URL: TLS. */
  tls: boolean;
  username: string | undefined;
  password: string | undefined;
  /** Virtual host; sent as `vhost:<name>` in the open frame's hostname (RabbitMQ). */
  vhost: string | undefined;
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  /** @default true */
  rejectUnauthorized: boolean;
  /** First reconnect delay; doubles up to `maxReconnectDelayMs`. */
  initialReconnectDelayMs: number;
  maxReconnectDelayMs: number;
  /** AMQP idle time-out (heartbeats at half of it). 0 disables. */
  idleTimeoutMs: number;
  /** Container id in the open frame (shows in the broker's connection list). */
  containerId: string;
}

/** `amqp[s]://[user[:pass]@]host[:port][/vhost]` -> parts. Throws a readable Error. */
export function parseBrokerUrl(url: string): { host: string; port: number; tls: boolean; username?: string; password?: string; vhost?: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`"${url}" is not a URL (expected amqp://host:5672 or amqps://host:5671)`);
  }
  if (u.protocol !== 'amqp:' && u.protocol !== 'amqps:') throw new Error(`unsupported scheme "${u.protocol}" (use amqp: or amqps:)`);
  if (!u.hostname) throw new Error('the URL names no host');
  const tls = u.protocol === 'amqps:';
  const out: ReturnType<typeof parseBrokerUrl> = {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : tls ? 5671 : 5672,
    tls,
  };
  if (u.username) out.username = decodeURIComponent(u.username);
  if (u.password) out.password = decodeURIComponent(u.password);
  const vhost = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (vhost) out.vhost = vhost;
  return out;
}

/** The broker as shown in logs and /status: never the password. */
export function describeBroker(s: Pick<BrokerSettings, 'host' | 'port' | 'tls' | 'username' | 'vhost'>): string {
  const host = s.host.includes(':') ? `[${s.host}]` : s.host;
  const user = s.username ? `${encodeURIComponent(s.username)}@` : '';
  return `${s.tls ? 'amqps' : 'amqp'}://${user}${host}:${s.port}${s.vhost ? `/${encodeURIComponent(s.vhost)}` : ''}`;
}

/** rhea connection options: reconnect with doubling delay, no limit. */
export function rheaConnectOptions(s: BrokerSettings, extra: { reconnect?: boolean } = {}): ConnectionOptions {
  const o: Record<string, unknown> = {
    host: s.host,
    port: s.port,
    container_id: s.containerId,
    reconnect: extra.reconnect ?? true,
    initial_reconnect_delay: s.initialReconnectDelayMs,
    max_reconnect_delay: s.maxReconnectDelayMs,
    idle_time_out: s.idleTimeoutMs,
    // Disconnect detection is ours (reconnect + status); keep rhea from logging to stderr.
  };
  if (s.username !== undefined) o.username = s.username;
  if (s.password !== undefined) o.password = s.password;
  if (s.vhost !== undefined) o.hostname = `vhost:${s.vhost}`;
  if (s.tls) {
    o.transport = 'tls';
    o.servername = s.host;
    o.rejectUnauthorized = s.rejectUnauthorized;
    if (s.ca !== undefined) o.ca = s.ca;
    if (s.cert !== undefined) o.cert = s.cert;
    if (s.key !== undefined) o.key = s.key;
  }
  return o as unknown as ConnectionOptions;
}

/**
 * RabbitMQ 4.x (v2) exchange target: `/exchanges/<x>` routes every message with one key, so a
 * per-message routing key (the CFX subject) goes into `to` on an anonymous (null) target.
 * Returns the exchange name for such an address, else undefined.
 */
export function v2ExchangeOf(address: string): string | undefined {
  const m = /^\/exchanges\/([^/]+)$/.exec(address);
  return m ? m[1] : undefined;
}
