import { describe, expect, it } from 'vitest';
import { BadRequestError, contains, eq, NotFoundError, raw } from '@tswats/sdk';
import { clientFor, testSim } from '../helpers.js';
import { clearContract, recording } from './product-helpers.js';

describe('products and revisions', () => {
  it('adds a product, reads it back by part number and updates it by productId', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const created = await client.product.save({
      partNumber: 'PSU-200',
      name: 'Power supply 200 W',
      productCategoryName: 'PSU',
      xmlData: '<Root><Site Value="01" /><Owner Value="R&amp;D" /></Root>',
    });
    expect(created.productId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created).toMatchObject({ partNumber: 'PSU-200', state: 1, nonSerial: false, revisions: [] });
    // tags are the JSON view of xmlData
    expect(created.tags).toEqual([
      { key: 'Site', value: '01' },
      { key: 'Owner', value: 'R&D' },
    ]);

    // part numbers match ignoring case, as on the real server's SQL collation
    const back = await client.product.get('psu-200');
    expect(back).toEqual(created);

    const updated = await client.product.save({ productId: created.productId!, description: 'rev 2 casing', state: 0 });
    expect(updated).toMatchObject({ productId: created.productId, partNumber: 'PSU-200', name: 'Power supply 200 W', state: 0 });
    expect((await client.product.get('PSU-200')).description).toBe('rev 2 casing');

    // saving by part number again updates (PUT is idempotent), it does not duplicate
    await client.product.save({ partNumber: 'PSU-200', state: 1 });
    expect((await client.product.query({ filter: eq('partNumber', 'PSU-200') })).length).toBe(1);

    await expect(client.product.get('NOPE')).rejects.toBeInstanceOf(NotFoundError);
    const bad = await client.product.save({ partNumber: 'X', state: 7, xmlData: '<Root>' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect((bad as Error).message).toMatch(/state: must be one of 0, 1/);
    expect((bad as Error).message).toMatch(/xmlData: not a well-formed XML document/);
  });

  it('adds revisions by part number and reads one with GET /api/Product/{partNumber}/{revision}', async () => {
    const sim = await testSim();
    const { client, calls } = recording(sim);
    const product = await client.product.save({ partNumber: 'PCB-10', name: 'Controller board' });
    const a = await client.product.saveRevision({ partNumber: 'PCB-10', revision: 'A', name: 'First release' });
    expect(a).toMatchObject({ PartNumber: 'PCB-10', productId: product.productId, revision: 'A', state: 1 });
    // the wire body uses the spec's capital PartNumber
    expect(JSON.parse(String(calls.at(-1)!.body))).toEqual({ PartNumber: 'PCB-10', revision: 'A', name: 'First release' });

    const renamed = await client.product.saveRevision({ productId: product.productId!, productRevisionId: a.productRevisionId!, description: 'ECO 17' });
    expect(renamed.productRevisionId).toBe(a.productRevisionId);

    const got = await client.product.getRevision('PCB-10', 'a');
    expect(got).toMatchObject({ revision: 'A', description: 'ECO 17', name: 'First release' });
    expect(calls.at(-1)!.url.pathname).toBe('/api/Product/PCB-10/a');
    expect(calls.at(-1)!.url.search).toBe('');
    expect((await client.product.get('PCB-10')).revisions?.map((r) => r.revision)).toEqual(['A']);

    await expect(client.product.getRevision('PCB-10', 'Z')).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.product.saveRevision({ partNumber: 'GHOST', revision: 'A' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reads products and revisions whose names need escaping in the path', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    for (const partNumber of ['A B#1', 'X/Y', "O'K%20", 'Ünï']) {
      await client.product.save({ partNumber, revisions: [{ revision: 'r/1' }] });
      expect((await client.product.get(partNumber)).partNumber).toBe(partNumber);
      expect((await client.product.getRevision(partNumber, 'r/1')).PartNumber).toBe(partNumber);
    }
  });

  it('bulk saves at PUT /api/Products and /api/Products/Revisions, all or nothing', async () => {
    const sim = await testSim();
    const { client, calls } = recording(sim);
    const first = await client.product.saveMany([
      { partNumber: 'ERP-1', name: 'One', revisions: [{ revision: '1.0' }] },
      { partNumber: 'ERP-2', name: 'Two' },
    ]);
    expect(first).toEqual({ insertCount: 2, updateCount: 0 });
    expect(await client.product.saveMany([{ partNumber: 'erp-1', name: 'One!' }])).toEqual({ insertCount: 0, updateCount: 1 });
    expect((await client.product.get('ERP-1')).name).toBe('One!');

    const revs = await client.product.saveRevisions([
      { partNumber: 'ERP-2', revision: 'A' },
      { partNumber: 'ERP-2', revision: 'B' },
      { partNumber: 'ERP-1', revision: '1.0', name: 'initial' },
    ]);
    expect(revs).toEqual({ insertCount: 2, updateCount: 1 });
    expect((await client.product.get('ERP-2')).revisions?.map((r) => r.revision)).toEqual(['A', 'B']);

    // one bad item: 400 naming it, and nothing of the request is stored
    const err = await client.product.saveMany([{ partNumber: 'ERP-3' }, { partNumber: '' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as Error).message).toMatch(/\[1\]\.partNumber/);
    const missing = await client.product.saveRevisions([{ partNumber: 'ERP-2', revision: 'C' }, { partNumber: 'NONE', revision: 'A' }]).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((await client.product.get('ERP-2')).revisions).toHaveLength(2);
    await expect(client.product.get('ERP-3')).rejects.toBeInstanceOf(NotFoundError);

    // regression (pyWATS sent PUT /api/Product/Products and looped single revision PUTs)
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.url.pathname)).toEqual([
      '/api/Products',
      '/api/Products',
      '/api/Products/Revisions',
      '/api/Products',
      '/api/Products/Revisions',
    ]);
    expect(sim.stats().byRoute['PUT /api/Products']).toBe(3);
    const wrong = await fetch(`${sim.url}/api/Product/Products`, { method: 'PUT', body: '[]', headers: { 'content-type': 'application/json' } });
    expect(wrong.status).toBeGreaterThanOrEqual(404);
  });

  it('queries products with OData, pages them, and takes the spec example spelling', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    await client.product.saveMany([
      { partNumber: 'Q-1', name: 'Alpha', productCategoryName: 'PCB' },
      { partNumber: 'Q-2', name: 'Bravo', productCategoryName: 'PCB' },
      { partNumber: 'Q-3', name: 'Charlie', productCategoryName: 'Cable', state: 0 },
      { partNumber: 'Q-4', name: "O'Brien", productCategoryName: 'PCB', nonSerial: true },
      { partNumber: 'Q-5', name: 'Echo', productCategoryName: 'Box' },
    ]);
    const pcb = await client.product.query({ filter: eq('category', 'PCB') });
    expect(pcb.map((p) => p.partNumber)).toEqual(['Q-1', 'Q-2', 'Q-4']);
    expect(pcb[2]).toEqual({ partNumber: 'Q-4', name: "O'Brien", category: 'PCB', nonSerial: true, state: 1 });

    // GET /api/product/query?$filter=PartNumber eq 'XYZ123' is the spec's own example
    expect((await client.product.query({ filter: raw("PartNumber eq 'Q-3'") })).map((p) => p.name)).toEqual(['Charlie']);
    expect((await client.product.query({ filter: contains('name', "'b") })).map((p) => p.partNumber)).toEqual(['Q-4']);

    const byName = await client.product.query({ orderBy: 'name desc', top: 2, select: ['partNumber', 'name'] });
    expect(byName).toEqual([
      { partNumber: 'Q-4', name: "O'Brien" },
      { partNumber: 'Q-5', name: 'Echo' },
    ]);
    const all = await client.product.query({ pageSize: 2 }).toArray();
    expect(all.map((p) => p.partNumber)).toEqual(['Q-1', 'Q-2', 'Q-3', 'Q-4', 'Q-5']);
    expect(await client.product.query({ skip: 4 })).toHaveLength(1);

    const bad = await client.product.query({ filter: raw("colour eq 'red'") }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(bad).toBeInstanceOf(BadRequestError);
  });
});

describe('BOM, vendors and product groups', () => {
  it('saves a BOM as WSBF XML and rejects one that is malformed or names an unknown revision', async () => {
    const sim = await testSim();
    const { client, calls } = recording(sim);
    await client.product.save({ partNumber: '100100', revisions: [{ revision: '1.0' }] });
    const bom = {
      partNumber: '100100',
      revision: '1.0',
      description: 'Product <Description>',
      components: [
        { partNumber: '100200', revision: '1.0', quantity: 2, description: 'Component', references: ['A30', 'A31'], functionBlock: 'A' },
      ],
    };
    await client.product.saveBom(bom);
    // sent as WSBF XML, values escaped
    expect(calls[1]!.contentType).toBe('application/xml');
    const sent = String(calls[1]!.body);
    expect(sent).toContain('<BOM Partnumber="100100" Revision="1.0" Desc="Product &lt;Description&gt;" xmlns="http://wats.virinco.com/schemas/WATS/wsbf">');
    expect(sent).toContain('<Component Number="100200" Rev="1.0" Qty="2" Desc="Component" Ref="A30;A31" FunctionBlock="A" />');

    // the spec's own example document, as a string
    await client.product.saveBom(
      '<?xml version="1.0" encoding="utf-8"?><BOM Partnumber="100100" Revision="1.0" Desc="Product Description" xmlns="http://wats.virinco.com/schemas/WATS/wsbf "><Component Number="100201" Rev="1.1" Qty="2" Desc="Component Description" Ref="A32;A34" FunctionBlock="B" /></BOM>',
    );

    const unknown = await client.product.saveBom({ ...bom, revision: '9.9' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(NotFoundError);
    const broken = await client.product.saveBom('<BOM Partnumber="100100" Revision="1.0"><Component Qty="x"></BOM>').catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(BadRequestError);
    const noNumber = await client.product.saveBom('<BOM Partnumber="100100" Revision="1.0"><Component Qty="x" /></BOM>').catch((e: unknown) => e);
    expect((noNumber as Error).message).toMatch(/Component\[0\]\.Number: required/);
    const json = await client.request({ method: 'PUT', path: '/api/Product/BOM', body: { partNumber: '100100' } }).catch((e: unknown) => e);
    expect((json as Error).message).toMatch(/WSBF XML document/);
  });

  it('adds, lists and deletes vendors with [{VendorName}] bodies', async () => {
    const sim = await testSim();
    const { client, calls } = recording(sim);
    expect(await client.product.listVendors()).toEqual([]);
    expect(await client.product.addVendors(['Digi-Key', { VendorName: 'Arrow' }])).toEqual({ insertCount: 2, skipCount: 0 });
    expect(await client.product.addVendors(['arrow', 'Mouser'])).toEqual({ insertCount: 1, skipCount: 1 });
    expect(await client.product.listVendors()).toEqual([{ VendorName: 'Arrow' }, { VendorName: 'Digi-Key' }, { VendorName: 'Mouser' }]);

    expect(await client.product.deleteVendors(['DIGI-KEY', 'Farnell'])).toEqual({ deleteCount: 1, skipCount: 1 });
    expect((await client.product.listVendors()).map((v) => v.VendorName)).toEqual(['Arrow', 'Mouser']);

    // regression: pyWATS sent PUT {name, vendorId} and DELETE /api/Product/Vendors/{id}
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(JSON.parse(String(put.body))).toEqual([{ VendorName: 'Digi-Key' }, { VendorName: 'Arrow' }]);
    const del = calls.find((c) => c.method === 'DELETE')!;
    expect(del.url.pathname).toBe('/api/Product/Vendors');
    expect(JSON.parse(String(del.body))).toEqual([{ VendorName: 'DIGI-KEY' }, { VendorName: 'Farnell' }]);

    const bad = await client.product.addVendors([{ VendorName: ' ' }]).catch((e: unknown) => e);
    expect((bad as Error).message).toMatch(/\[0\]\.VendorName: required/);
  });

  it('adds product-group filters and looks groups up by product, consistently with the group list', async () => {
    const sim = await testSim();
    const { client, calls } = recording(sim);
    await client.product.saveMany([
      { partNumber: 'PSU-200', revisions: [{ revision: 'A' }, { revision: 'B' }] },
      { partNumber: 'PSU-300', revisions: [{ revision: 'A' }] },
    ]);
    const names = async (partNumber: string, revision?: string) =>
      (await client.product.getGroupsByProduct({ partNumber, revision })).map((g) => g.productGroupName);
    const patterns = async (group: string) => {
      const res = await client.request<{ productGroupName: string; filters: { value: string }[] }[]>({
        method: 'GET',
        path: '/api/App/ProductGroups',
        query: { includeFilters: true },
      });
      return res.data.find((g) => g.productGroupName === group)?.filters.map((f) => f.value);
    };
    // the simulator's built-in groups: "Power supplies" holds PSU-%
    expect(await client.product.getGroupsByProduct({ partNumber: 'PSU-200' })).toEqual([{ productGroupId: 1, productGroupName: 'Power supplies' }]);

    // excluding one revision leaves the product (and its other revision) in the group
    await client.product.addGroupFilter({ productGroup: 'power supplies', partNumber: 'PSU-200', revision: 'B', exclude: true });
    expect(await names('PSU-200', 'B')).toEqual([]);
    expect(await names('PSU-200', 'A')).toEqual(['Power supplies']);
    expect(await names('PSU-200')).toEqual(['Power supplies']);

    // an include shows in GET /api/App/ProductGroups at once
    await client.product.addGroupFilter({ productGroup: 'Sensors', partNumber: 'PSU-3__' });
    expect(await names('PSU-300')).toEqual(['Power supplies', 'Sensors']);
    expect(await patterns('Sensors')).toEqual(['SNS-%', 'PSU-3__']);

    // excluding the group's own pattern takes it out of the group; a later include wins for one product
    await client.product.addGroupFilter({ productGroup: 'Power supplies', partNumber: 'PSU-%', exclude: true });
    expect(await patterns('Power supplies')).toEqual([]);
    expect(await names('PSU-200')).toEqual([]);
    await client.product.addGroupFilter({ productGroup: 'Power supplies', partNumber: 'PSU-300' });
    expect(await names('PSU-300')).toEqual(['Power supplies', 'Sensors']);
    expect(await names('PSU-200')).toEqual([]);

    const filterCall = calls.find((c) => c.url.pathname === '/api/Product/ProductGroupFilter')!;
    expect(filterCall.method).toBe('POST');
    expect([...filterCall.url.searchParams.keys()]).toEqual(['productGroup', 'partNumber', 'revision', 'exclude']);

    await expect(client.product.addGroupFilter({ productGroup: 'Nope', partNumber: 'PSU-200' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.product.getGroupsByProduct({ partNumber: 'GHOST' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('names the missing required parameter when a request leaves one out', async () => {
    const sim = await testSim();
    const client = clientFor(sim);
    const err = await client
      .request({ method: 'POST', path: '/api/Product/ProductGroupFilter', query: { productGroup: 'Sensors' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as Error).message).toMatch(/partNumber: required/);
    expect(sim.contractViolations().map((v) => v.message)).toEqual(["parameter 'partNumber' required"]);
    await clearContract(sim);
  });
});
