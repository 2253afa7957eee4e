/** The kinds of fault the simulator injects, as counted in the stats. */
export type FaultKind = 'latency' | 'errorRate' | 'failNext' | 'dropBefore' | 'dropAfter' | 'outage';

/** Counters of what an `/api` client sent and got, since start or the last reset. */
export interface SimStats {
  /** `/api` requests received (including those faults answered). */
  received: number;
  /** TCP connections accepted (admin requests included); with keep-alive, far fewer than requests. */
  connections: number;
  /** Received requests by operationId (`"unmatched"` for URLs the spec does not have). */
  byOperation: Record<string, number>;
  /** Received requests by `"METHOD /path/template"` (unique where operationIds repeat). */
  byRoute: Record<string, number>;
  /** Responses with a 2xx status. */
  accepted: number;
  /** Responses with any other status, and the count per status. */
  rejected: { total: number; byStatus: Record<string, number> };
  /** Faults injected, by kind (`latency` counts delayed requests). */
  faults: Record<FaultKind, number>;
  reports: {
    /** Reports accepted by `POST /api/Report/WSJF`, overwrites included. */
    received: number;
    /** Distinct reports held in the store now (not reset). */
    stored: number;
  };
}

function emptyFaults(): Record<FaultKind, number> {
  return { latency: 0, errorRate: 0, failNext: 0, dropBefore: 0, dropAfter: 0, outage: 0 };
}

export class StatsCounter {
  private received = 0;
  private byOperation: Record<string, number> = {};
  private byRoute: Record<string, number> = {};
  private accepted = 0;
  private rejected = 0;
  private byStatus: Record<string, number> = {};
  private faults = emptyFaults();
  private reportsReceived = 0;
  private connections = 0;

  connection(): void {
    this.connections++;
  }

  request(operationId: string | undefined, route: string | undefined): void {
    this.received++;
    const op = operationId ?? 'unmatched';
    this.byOperation[op] = (this.byOperation[op] ?? 0) + 1;
    if (route) this.byRoute[route] = (this.byRoute[route] ?? 0) + 1;
  }

  response(status: number): void {
    if (status >= 200 && status < 300) {
      this.accepted++;
      return;
    }
    this.rejected++;
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
  }

  fault(kind: FaultKind): void {
    this.faults[kind]++;
  }

  reportReceived(): void {
    this.reportsReceived++;
  }

  snapshot(reportsStored: number): SimStats {
    return {
      received: this.received,
      connections: this.connections,
      byOperation: { ...this.byOperation },
      byRoute: { ...this.byRoute },
      accepted: this.accepted,
      rejected: { total: this.rejected, byStatus: { ...this.byStatus } },
      faults: { ...this.faults },
      reports: { received: this.reportsReceived, stored: reportsStored },
    };
  }

  reset(): void {
    this.received = 0;
    this.byOperation = {};
    this.byRoute = {};
    this.accepted = 0;
    this.rejected = 0;
    this.byStatus = {};
    this.faults = emptyFaults();
    this.reportsReceived = 0;
    this.connections = 0;
  }
}
