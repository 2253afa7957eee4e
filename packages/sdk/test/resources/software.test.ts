import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BadRequestError, NotFoundError } from '@tswats/sdk';
import { clientFor, testSim } from '../helpers.js';
import { makeZip } from './zip-fixture.js';

/** Records what goes over the wire, passing every call on to the real fetch. */
function recordingFetch(calls: Array<{ url: URL; body: unknown }>): typeof fetch {
  return async (input, init) => {
    calls.push({ url: new URL(String(input)), body: init?.body });
    return fetch(input, init);
  };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tswats-software-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('software packages', () => {
  it('creates packages, gives a known name the next version, and finds them by id and name', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const v1 = await client.software.createPackage({ name: 'TestExec', description: 'sequencer', priority: 2, tags: [{ key: 'Station', value: 'ICT' }] });
    expect(v1).toMatchObject({ name: 'TestExec', version: 1, status: 'Draft', installOnRoot: false, priority: 2, createdBy: 'anonymous' });
    const v2 = await client.software.createPackage({ name: 'testexec', installOnRoot: true });
    expect(v2).toMatchObject({ name: 'testexec', version: 2, status: 'Draft' });
    await client.software.createPackage({ name: 'Drivers' });

    expect(await client.software.getPackage(v1.packageId!)).toEqual(v1);
    expect((await client.software.getPackageByName({ name: 'TESTEXEC', status: 'Draft' })).version).toBe(2);
    expect((await client.software.getPackageByName({ name: 'TestExec', status: 'Draft', version: 1 })).packageId).toBe(v1.packageId);
    await expect(client.software.getPackageByName({ name: 'TestExec', status: 'Released' })).rejects.toBeInstanceOf(NotFoundError);
    const all = await client.software.listPackages();
    expect(all.map((p) => `${p.name} v${p.version}`)).toEqual(['Drivers v1', 'TestExec v1', 'testexec v2']);
    await expect(client.software.createPackage({ name: ' ' })).rejects.toThrow(/name: is required/);
    await expect(client.software.getPackage('9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('enforces the status rules: Draft → Pending → Released → Revoked, and deletes only Draft or Revoked', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const pkg = await client.software.createPackage({ name: 'Seq' });
    const id = pkg.packageId!;
    await expect(client.software.setPackageStatus(id, 'Released')).rejects.toThrow(/a Draft package cannot become Released/);
    expect((await client.software.setPackageStatus(id, 'Pending')).status).toBe('Pending');
    expect((await client.software.setPackageStatus(id, 'Draft')).status).toBe('Draft');
    await client.software.setPackageStatus(id, 'Pending');
    const released = await client.software.setPackageStatus(id, 'Released');
    expect(released).toMatchObject({ status: 'Released', releasedBy: 'anonymous' });
    expect(Date.parse(released.released!)).toBeGreaterThan(Date.parse(pkg.created!) - 1);
    expect((await client.software.getPackageByName({ name: 'Seq', status: 'Released' })).packageId).toBe(id);

    await expect(client.software.deletePackage(id)).rejects.toThrow(/has to be Draft or Revoked/);
    await expect(client.software.setPackageStatus(id, 'Draft')).rejects.toBeInstanceOf(BadRequestError);
    const revoked = await client.software.setPackageStatus(id, 'Revoked');
    expect(revoked.revokedBy).toBe('anonymous');
    await client.software.deletePackage(id);
    await expect(client.software.getPackage(id)).rejects.toBeInstanceOf(NotFoundError);

    // With the only version gone, the name starts again at 1.
    expect((await client.software.createPackage({ name: 'Seq' })).version).toBe(1);
    expect((await client.software.createPackage({ name: 'Seq' })).version).toBe(2);
    await client.software.deletePackageByName({ name: 'seq', version: 2 });
    expect((await client.software.listPackages()).map((p) => p.version)).toEqual([1]);
    await expect(client.software.deletePackageByName({ name: 'Seq', version: 2 })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('overwrites a Draft on update, and lets a Released package change only its status and tags', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const pkg = await client.software.createPackage({ name: 'Cfg', description: 'old', rootDirectory: 'C:\\Cfg', tags: [{ key: 'Line', value: '1' }] });
    const id = pkg.packageId!;
    await client.software.updatePackage(id, { name: 'Cfg', description: 'new', tags: [{ key: 'Line', value: '2' }] });
    const draft = await client.software.getPackage(id);
    expect(draft).toMatchObject({ description: 'new', tags: [{ key: 'Line', value: '2' }] });
    expect(draft.rootDirectory).toBeUndefined(); // left out, so cleared: the update overwrites

    await client.software.updatePackage(id, { ...draft, status: 'Pending' });
    await client.software.setPackageStatus(id, 'Released');
    const released = await client.software.getPackage(id);
    await client.software.updatePackage(id, { ...released, tags: [{ key: 'Line', value: '3' }] });
    expect((await client.software.getPackage(id)).tags).toEqual([{ key: 'Line', value: '3' }]);
    await expect(client.software.updatePackage(id, { ...released, description: 'edited' })).rejects.toThrow(
      /description: a Released package can only have its status and tags edited/,
    );
    await expect(client.software.updatePackage(id, { ...released, status: 'Pending' })).rejects.toBeInstanceOf(BadRequestError);
  });
});

describe('package files', () => {
  it('reads the entries of an uploaded zip, merges uploads, and installs clean on request', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const pkg = await client.software.createPackage({ name: 'Station' });
    const id = pkg.packageId!;
    const zip = makeZip({ 'bin/': '', 'bin/run.exe': 'MZ\u0000binary', 'bin/lib/util.dll': 'x'.repeat(5000), 'config/settings.ini': '[main]\nmode=prod\n' });
    await client.software.uploadZip(id, zip);
    let files = await client.software.listFiles(id);
    expect(files.map((f) => [f.packageFolderName, f.name, f.attributes])).toEqual([
      ['bin', 'run.exe', 'None'],
      ['bin/lib', 'util.dll', 'None'],
      ['config', 'settings.ini', 'None'],
    ]);
    const runId = files[0]!.packageFileId!;

    // Merge: a file at the same path keeps its id; new files are added.
    await client.software.uploadZip(id, new Blob([makeZip({ 'bin/run.exe': 'MZ v2', 'docs/readme.txt': 'hi' })]));
    files = await client.software.listFiles(id);
    expect(files.map((f) => f.name)).toEqual(['run.exe', 'util.dll', 'settings.ini', 'readme.txt']);
    expect(files[0]!.packageFileId).toBe(runId);

    await client.software.uploadZip(id, makeZip({ 'only/this.txt': '1' }), { cleanInstall: true });
    expect((await client.software.listFiles(id)).map((f) => `${f.packageFolderName}/${f.name}`)).toEqual(['only/this.txt']);
  });

  it('refuses files on the zip root, a damaged zip, a raw zip body and uploads to a Released package', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const pkg = await client.software.createPackage({ name: 'Bad' });
    const id = pkg.packageId!;
    await expect(client.software.uploadZip(id, makeZip({ 'root.txt': 'x', 'ok/a.txt': 'y' }))).rejects.toThrow(/Zip cannot contain files on root \(root\.txt\)/);
    await expect(client.software.uploadZip(id, makeZip({ 'a/b.txt': 'y' }, { corruptCrc: true }))).rejects.toThrow(/fails its CRC-32 check/);
    await expect(client.software.uploadZip(id, new TextEncoder().encode('not a zip at all, just text'))).rejects.toThrow(/not a valid zip/);
    // pyWATS posts the zip as a raw application/zip body; the server wants multipart/form-data.
    const raw = client.request({ method: 'POST', path: `/api/Software/Package/UploadZip/${id}`, body: makeZip({ 'a/b.txt': 'y' }), contentType: 'application/zip' });
    await expect(raw).rejects.toThrow(/multipart\/form-data/);
    expect(await client.software.listFiles(id)).toEqual([]);

    await client.software.setPackageStatus(id, 'Pending');
    await expect(client.software.uploadZip(id, makeZip({ 'a/b.txt': 'y' }))).rejects.toThrow(/only a Draft package can be edited/);
  });

  it('sets a file attribute through the `attribute` query parameter (not pyWATS JSON {attributes})', async () => {
    const sim = await testSim();
    const calls: Array<{ url: URL; body: unknown }> = [];
    const client = clientFor(sim, { fetch: recordingFetch(calls) });
    const pkg = await client.software.createPackage({ name: 'Attr' });
    await client.software.uploadZip(pkg.packageId!, makeZip({ 'seq/main.seq': 'sequence', 'seq/setup.exe': 'MZ' }));
    const [main, setup] = await client.software.listFiles(pkg.packageId!);
    calls.length = 0;
    await client.software.setFileAttribute(main!.packageFileId!, 'TopLevelFile');
    expect(calls[0]!.url.pathname).toBe(`/api/Software/Package/FileAttribute/${main!.packageFileId}`);
    expect(calls[0]!.url.searchParams.get('attribute')).toBe('TopLevelFile');
    expect(calls[0]!.body).toBeUndefined();
    await client.software.setFileAttribute(setup!.packageFileId!, 'executeoncepervERSION' as 'ExecuteOncePerVersion');
    const files = await client.software.listFiles(pkg.packageId!);
    expect(files.map((f) => [f.name, f.attributes])).toEqual([
      ['main.seq', 'TopLevelFile'],
      ['setup.exe', 'ExecuteOncePerVersion'],
    ]);
    await expect(client.software.setFileAttribute(main!.packageFileId!, 'Sometimes' as 'None')).rejects.toThrow(/Accepted values: None, ExecuteOnce/);

    // pyWATS's shape: the attribute in a JSON body. The server misses its required query parameter.
    const pywats = client.request({ method: 'POST', path: `/api/Software/Package/FileAttribute/${main!.packageFileId}`, body: { attributes: 'ExecuteOnce' } });
    await expect(pywats).rejects.toThrow(/attribute: required/);
    expect(sim.contractViolations().map((v) => v.message)).toEqual(["parameter 'attribute' required"]);
    sim.clearContractViolations();
  });
});

describe('tags and virtual folders', () => {
  it('finds packages by tag with one `tag=name=value` parameter and a status (not pyWATS tag + value)', async () => {
    const sim = await testSim();
    const calls: Array<{ url: URL; body: unknown }> = [];
    const client = clientFor(sim, { fetch: recordingFetch(calls) });
    const a = await client.software.createPackage({ name: 'A', tags: [{ key: 'Test_Tag', value: 'TestValue' }] });
    await client.software.createPackage({ name: 'B', tags: [{ key: 'Test_Tag', value: 'Other' }] });
    const c = await client.software.createPackage({ name: 'C', tags: [{ key: 'Test_Tag', value: 'testvalue' }, { key: 'x', value: 'y' }] });
    await client.software.setPackageStatus(c.packageId!, 'Pending');

    calls.length = 0;
    const drafts = await client.software.listPackagesByTag({ tag: { name: 'Test_Tag', value: 'TESTVALUE' }, status: 'Draft' });
    expect(drafts.map((p) => p.packageId)).toEqual([a.packageId]);
    expect([...calls[0]!.url.searchParams]).toEqual([['tag', 'Test_Tag=TESTVALUE'], ['status', 'Draft']]);
    expect((await client.software.listPackagesByTag({ tag: 'Test_Tag=TestValue', status: 'Pending' })).map((p) => p.name)).toEqual(['C']);
    // The tag name is case-sensitive.
    expect(await client.software.listPackagesByTag({ tag: 'test_tag=TestValue', status: 'Draft' })).toEqual([]);

    // pyWATS's shape: `tag` and `value` apart, no status. The server wants status and name=value.
    const pywats = client.request({ method: 'GET', path: '/api/Software/PackagesByTag', query: { tag: 'Test_Tag', value: 'TestValue' } });
    await expect(pywats).rejects.toBeInstanceOf(BadRequestError);
    expect(sim.contractViolations().map((v) => v.message).sort()).toEqual(["parameter 'status' required", "unknown query parameter 'value'"]);
    sim.clearContractViolations();
  });

  it('lists the virtual folders the server has, lets packages use them, and keeps packages over a restart', async () => {
    const dataDir = tempDir();
    const root = '6f1c2a8e-2d4b-4c1e-9a51-3f0f0d1e7a10';
    const sub = 'b0a9d1f3-5e6c-4f7a-8b9c-0d1e2f3a4b5c';
    mkdirSync(join(dataDir, 'state'), { recursive: true });
    // Production Manager makes virtual folders; the public API cannot, so they come with the data.
    writeFileSync(
      join(dataDir, 'state', 'software.json'),
      JSON.stringify({ virtualFolders: [{ id: root, name: 'Stations' }, { id: sub, parentId: root, name: 'ICT', description: 'In-circuit testers' }] }),
    );
    let sim = await testSim({ dataDir });
    let client = clientFor(sim);
    const folders = await client.software.listVirtualFolders();
    expect(folders).toEqual([{ id: root, name: 'Stations' }, { id: sub, parentId: root, name: 'ICT', description: 'In-circuit testers' }]);
    const pkg = await client.software.createPackage({ name: 'ICT-Runtime', virtualFolderId: sub });
    expect(pkg.virtualFolderId).toBe(sub);
    await expect(client.software.createPackage({ name: 'X', virtualFolderId: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d' })).rejects.toThrow(/virtualFolderId: no virtual folder/);
    await sim.close();

    sim = await testSim({ dataDir });
    client = clientFor(sim);
    expect(await client.software.getPackage(pkg.packageId!)).toEqual(pkg);
    expect(await client.software.listVirtualFolders()).toHaveLength(2);
  });
});
