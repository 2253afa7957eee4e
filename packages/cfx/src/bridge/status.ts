/** What `GET /status` answers and `tswats cfx bridge` prints. */

export type BridgeState = 'starting' | 'running' | 'waiting-for-wats' | 'unauthorized' | 'broker-disconnected' | 'draining' | 'stopped';

/** One message that could not be processed, as /status lists the last few. */
export interface BridgeProblem {
  time: string;
  /** AMQP message-id (the first envelope's UniqueID for CFX senders). */
  messageId: string | undefined;
  subject: string | undefined;
  /** `CFX_ERR_DECODE`, `CFX_ERR_MAPPING`, `CFX_ERR_UNKNOWN_MESSAGE`, `WATS_REFUSED`. */
  code: string;
  reason: string;
  /** Field inside the envelope (mapping errors). */
  field?: string;
  /** Where the message went: the dead-letter address, `rejected`, or a local file. */
  deadLetteredTo: string;
}

export interface BridgeStatus {
  state: BridgeState;
  ready: boolean;
  /** Why not ready. */
  reason?: string;
  startedAt: string;
  broker: {
    url: string;
    connected: boolean;
    source: string;
    deadLetter: string | null;
    linkOpen: boolean;
    linkError: string | undefined;
    reconnects: number;
    lastError: string | undefined;
    /** Credit the broker holds / the window. */
    credit: number;
    window: number;
  };
  wats: { url: string | undefined; state: 'open' | 'down' | 'unauthorized'; since: string; reason: string | undefined };
  inFlight: number;
  totals: {
    received: number;
    accepted: number;
    deadLettered: number;
    rejected: number;
    released: number;
    unknown: number;
    envelopes: number;
    reports: number;
    assetUpdates: number;
    productionUpdates: number;
    /** WATS calls skipped because the ledger had them (redeliveries). */
    skipped: number;
  };
  /** Envelopes by short message name. */
  byMessage: Record<string, number>;
  lookup: { enabled: boolean; entries: number; hits: number; misses: number };
  lastErrors: BridgeProblem[];
}
