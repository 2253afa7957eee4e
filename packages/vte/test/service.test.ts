import { once } from 'node:events';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SimHandle } from '@tswats/sim';
import { localToInstant, startVteService, type VteConfig, type VteServiceHandle } from '@tswats/vte';
import { clientFor, insertLateRun, storedIds, syncDb, tempDir, testSim, ZONE, type SyncDb } from './sync-helpers.js';

let s: SyncDb;
beforeAll(async () => {
  s = await syncDb({ runs: 60, seed: 21, stepsPerRun: 3, nullSerialRate: 0 });
}, 60_000);
afterAll(async () => s.close());

const services: VteServiceHandle[] = [];
afterEach(async () => {
  for (const h of services.splice(0)) await h.close();
});

async function serviceConfig(sim: SimHandle, over: Partial<VteConfig> = {}): Promise<VteConfig> {
  return {
    ...s.config,
    server: { baseUrl: sim.url, token: undefined, timeoutMs: 5_000 },
    sync: {
      stateDir: await tempDir(), startAt: '2026-01-01T00:00:00', guardBandMs: 600_000, settleMs: 0, uploadConcurrency: 4, intervalMs: 3_600_000,
      connectivityIntervalMs: 3_600_000,
    },
    http: { enabled: true, host: '127.0.0.1', port: 0, token: undefined },
    log: { level: 'silent', file: undefined },
    alert: undefined,
    ...over,
  };
}

async function start(config: VteConfig): Promise<VteServiceHandle> {
  const h = await startVteService(config, { handleSignals: false, env: {} });
  services.push(h);
  return h;
}

async function waitFor(cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A real SMTP server on 127.0.0.1:0 collecting the raw messages. */
async function smtpSink(): Promise<{ port: number; mails: string[]; close(): Promise<void> }> {
  const mails: string[] = [];
  const smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, _session, callback) {
      let text = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => (text += d));
      stream.on('end', () => {
        mails.push(text);
        callback();
      });
    },
  });
  smtp.listen(0, '127.0.0.1');
  await once(smtp.server, 'listening');
  return { port: (smtp.server.address() as AddressInfo).port, mails, close: () => new Promise<void>((r) => smtp.close(() => r())) };
}

describe('VTE service', () => {
  it('runs a pass at start and on POST /run; status and metrics report it', async () => {
    const sim = await testSim();
    const h = await start(await serviceConfig(sim));
    await waitFor(() => h.status().passes === 1);
    const st = h.status();
    expect(st.totals.uploaded).toBe(60 + (st.lastPass?.repairs.uploaded ?? 0));
    expect(st).toMatchObject({ state: 'running', ready: true, errors: 0, lagSeconds: expect.any(Number), database: { reachable: true }, wats: { reachable: true } });
    expect(st.lastSyncAt).not.toBeNull();
    expect((await storedIds(clientFor(sim))).size).toBe(st.totals.uploaded);

    const refused = await fetch(`${h.url}/run`, { method: 'POST' });
    expect(refused.status).toBe(415);
    const res = await fetch(`${h.url}/run`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(202);
    await waitFor(() => h.status().passes === 2);
    expect(h.status().totals.uploaded).toBe(st.totals.uploaded); // second pass: nothing new
    expect(h.status().totals.skipped).toBeGreaterThan(0);

    const status = (await (await fetch(`${h.url}/status`)).json()) as { passes: number; lastSyncAt: string };
    expect(status.passes).toBe(2);
    expect((await fetch(`${h.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${h.url}/health/live`)).status).toBe(200);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toContain(`tswats_vte_records_total{kind="run",outcome="uploaded"} 60`);
    expect(metrics).toContain('tswats_vte_passes_total{result="complete"} 2');
    expect(metrics).toMatch(/tswats_vte_last_sync_timestamp_seconds \d/);
    const rebinding = await new Promise<number | undefined>((resolve, reject) => {
      get(`${h.url}/status`, { headers: { host: 'evil.example' } }, (r) => {
        r.resume();
        resolve(r.statusCode);
      }).on('error', reject);
    });
    expect(rebinding).toBe(403);
  });

  it('runs passes on the interval, never two at once; a token guards the routes', async () => {
    const sim = await testSim();
    const cfg = await serviceConfig(sim);
    const h = await start({ ...cfg, sync: { ...cfg.sync, intervalMs: 100 }, http: { ...cfg.http, token: 'secret-token' } });
    // Overlapping passes would throw VteSyncBusyError, counted as errors; POST /run mid-schedule too.
    for (let i = 0; i < 5; i++) h.runNow();
    await waitFor(() => h.status().passes >= 4);
    expect(h.status().errors).toBe(0);
    expect((await fetch(`${h.url}/status`)).status).toBe(401);
    expect((await fetch(`${h.url}/status`, { headers: { authorization: 'Bearer secret-token' } })).status).toBe(200);
    expect((await fetch(`${h.url}/health/live`)).status).toBe(200);
  });

  it('e-mails an alert when uploads fail, and rate-limits the next one', async () => {
    const { port, mails, close } = await smtpSink();
    try {
      const sim = await testSim();
      sim.faults.failNext(100_000, { status: 503, retryAfter: 0.01 });
      const cfg = await serviceConfig(sim, {
        alert: {
          smtp: { host: '127.0.0.1', port, secure: false, user: undefined, password: undefined }, from: 'vte@test.invalid', to: ['ops@test.invalid'],
          noProgressAfterMs: 3_600_000, errorThreshold: 1, minIntervalMs: 3_600_000,
        },
      });
      const h = await start(cfg);
      await waitFor(() => h.status().alerts.sent === 1);
      expect(h.status().ready).toBe(false);
      expect(h.status().lastErrors.some((e) => e.component === 'wats')).toBe(true);
      h.runNow();
      await waitFor(() => h.status().passes >= 2 && h.status().alerts.suppressed >= 1);
      expect(h.status().alerts.sent).toBe(1);
      expect(mails).toHaveLength(1);
      expect(mails[0]).toContain('Subject: [tswats vte]');
      expect(mails[0]).toContain('ops@test.invalid');
      expect(mails[0]).toMatch(/pass stopped \(upload\)|check failed/);
    } finally {
      await close();
    }
  });

  it('reports the lag behind the newest VTE run (newest timestamp minus the watermark) in /status and /metrics', async () => {
    const sim = await testSim();
    const cfg = await serviceConfig(sim);
    const h = await start({ ...cfg, sync: { ...cfg.sync, connectivityIntervalMs: 50 } });
    await waitFor(() => h.status().passes === 1);
    // In step: the watermark is the newest run.
    const newest = await s.source.readNewestRun();
    const max = await s.db.pool.query<{ t: string; g: string }>(
      `select to_char("Timestamp", 'YYYY-MM-DD"T"HH24:MI:SS.US') as t, "Index_GUID"::text as g from "IndexData" order by "Timestamp" desc, "Index_GUID" desc limit 1`,
    );
    expect(newest).toEqual({ timestamp: max.rows[0]!.t, indexGuid: max.rows[0]!.g.toLowerCase() });
    expect(h.sync.watermark('run')?.timestamp).toBe(newest!.timestamp);
    await waitFor(() => h.status().lagSeconds === 0);

    // A newer run arrives (90 min after the newest) and is not synced yet: lag = its timestamp - watermark.
    const later = await s.db.pool.query<{ t: string }>(`select to_char(max("Timestamp") + interval '90 minutes', 'YYYY-MM-DD"T"HH24:MI:SS.US') as t from "IndexData"`);
    const lateTs = later.rows[0]!.t;
    await insertLateRun(s.db, newest!.indexGuid, '9e0a4a5c-0000-4000-8000-000000000001', lateTs);
    try {
      const expected = Math.round((localToInstant(lateTs, ZONE) - localToInstant(newest!.timestamp, ZONE)) / 1000);
      expect(expected).toBeGreaterThan(5000);
      await waitFor(() => h.status().lagSeconds === expected);
      const status = (await (await fetch(`${h.url}/status`)).json()) as { lagSeconds: number };
      expect(status.lagSeconds).toBe(expected);
      expect(await (await fetch(`${h.url}/metrics`)).text()).toContain(`tswats_vte_lag_seconds ${expected}`);

      // The next pass syncs it: back in step.
      h.runNow();
      await waitFor(() => h.status().passes === 2);
      await waitFor(() => h.status().lagSeconds === 0);
      expect(h.sync.watermark('run')?.timestamp).toBe(lateTs);
      expect(await (await fetch(`${h.url}/metrics`)).text()).toContain('tswats_vte_lag_seconds 0');
    } finally {
      await s.db.pool.query(`delete from "IndexData" where "Index_GUID" = '9e0a4a5c-0000-4000-8000-000000000001'`);
    }
  });

  it('e-mails a "no progress" alert when no pass completes for noProgressAfter (WATS failing)', async () => {
    const smtp = await smtpSink();
    try {
      const sim = await testSim();
      sim.faults.failNext(1_000_000, { status: 503, retryAfter: 0.01 });
      const cfg = await serviceConfig(sim, {
        alert: {
          smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: undefined, password: undefined }, from: 'vte@test.invalid', to: ['ops@test.invalid'],
          noProgressAfterMs: 300, errorThreshold: 1_000_000, minIntervalMs: 0,
        },
      });
      const h = await start({ ...cfg, sync: { ...cfg.sync, intervalMs: 50 } });
      await waitFor(() => h.status().alerts.sent === 1 && smtp.mails.length === 1, 30_000);
      const st = h.status();
      expect(st.lastSyncAt).toBeNull();
      expect(st.passes).toBeGreaterThanOrEqual(1);
      expect(st.lastPass?.aborted?.stage).toBe('upload');
      expect(smtp.mails[0]).toContain('Subject: [tswats vte] no progress since');
      expect(smtp.mails[0]).toContain('ops@test.invalid');
      expect(smtp.mails[0]).toMatch(/pass stopped \(upload\)/);
      // Once per stall: more failing passes send no second "no progress" mail.
      const passes = st.passes;
      await waitFor(() => h.status().passes >= passes + 2, 30_000);
      expect(h.status().alerts.sent).toBe(1);
      expect(smtp.mails).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });
});
