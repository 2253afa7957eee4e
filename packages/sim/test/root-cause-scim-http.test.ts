import { afterEach, describe, expect, it } from 'vitest';
import type { SimHandle } from '@tswats/sim';
import { expectNoViolations, fixture, startTestSim } from './helpers.js';

// What the SDK tests cannot see: headers, status codes and the raw JSON of answers whose spec
// schema is a placeholder (root cause attachments, SCIM, workflow, auth tokens).

let sim: SimHandle | undefined;

afterEach(async () => {
  if (sim) {
    expectNoViolations(sim);
    await sim.close();
  }
  sim = undefined;
});

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${sim!.url}${path}`, init);
}

describe('root cause attachments over HTTP', () => {
  it('stores a multipart upload and serves it inline, or as a download under the asked name', async () => {
    sim = await startTestSim();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' }), 'trace ü.png');
    const up = await api('/api/RootCause/Attachment', { method: 'POST', body: form });
    expect(up.status).toBe(200);
    const id = (await up.json()) as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const inline = await api(`/api/RootCause/Attachment?attachmentId=${id}`);
    expect(inline.headers.get('content-type')).toBe('image/png');
    expect(inline.headers.get('content-disposition')).toBe(`inline; filename="trace _.png"; filename*=UTF-8''trace%20%C3%BC.png`);
    expect([...new Uint8Array(await inline.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47]);

    const download = await api(`/api/RootCause/Attachment?attachmentId=${id}&fileName=scope.png`);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="scope.png"/);
    expect((await api(`/api/RootCause/Attachment?attachmentId=${crypto.randomUUID()}`)).status).toBe(404);
  });

  it('refuses an upload that is not multipart', async () => {
    sim = await startTestSim();
    const res = await api('/api/RootCause/Attachment', {
      method: 'POST',
      body: 'raw bytes',
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ Message: expect.stringContaining('multipart/form-data') });
  });
});

describe('SCIM over HTTP', () => {
  it('answers a create with 201 and Location, and a delete with 204', async () => {
    sim = await startTestSim();
    const res = await api('/api/SCIM/v2/Users', {
      method: 'POST',
      headers: { 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'kari' }),
    });
    expect(res.status).toBe(201);
    const user = (await res.json()) as { id: string };
    expect(res.headers.get('location')).toBe(`${sim.url}/api/SCIM/v2/Users/${user.id}`);
    const del = await api(`/api/SCIM/v2/Users/${user.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
  });

  it('rejects filters it does not understand with a 400, never a wrong answer', async () => {
    sim = await startTestSim();
    for (const filter of ['userName eq', 'userName xx "a"', '(userName eq "a"', 'emails[type eq "work"]', 'userName eq "a" extra']) {
      const res = await api(`/api/SCIM/v2/Users?filter=${encodeURIComponent(filter)}`);
      expect(res.status, filter).toBe(400);
      expect(((await res.json()) as { Message: string }).Message).toMatch(/^invalidFilter: /);
    }
  });
});

describe('answers whose spec schema is a placeholder', () => {
  it('sends workflow results as JSON booleans and tokens as JSON strings', async () => {
    sim = await startTestSim();
    expect((await api('/api/Workflow/StartTest?serialNumber=X&partNumber=Y')).status).toBe(404);
    const report = fixture('uut');
    await api('/api/Report/WSJF', { method: 'POST', body: JSON.stringify(report), headers: { 'content-type': 'application/json' } });
    const unit = `serialNumber=${encodeURIComponent(String(report.sn))}&partNumber=${encodeURIComponent(String(report.pn))}`;
    const started = await api(`/api/Workflow/StartTest?${unit}`);
    expect(started.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await started.text()).toBe('true');
    expect(await (await api(`/api/Workflow/StartTest?${unit}`)).text()).toBe('false');
    const token = await api('/api/Auth/GetToken/line-1');
    expect(token.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await token.text();
    expect(text).toMatch(/^"[A-Za-z0-9+/=]+"$/);
    expect(Buffer.from(JSON.parse(text) as string, 'base64').toString('utf8')).toMatch(/^line-1:/);
  });
});
