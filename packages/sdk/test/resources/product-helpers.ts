import type { SimHandle } from '@tswats/sim';
import type { WatsClient } from '@tswats/sdk';
import { clientFor } from '../helpers.js';

/** One request as the SDK sent it. */
export interface Call {
  method: string;
  url: URL;
  body: unknown;
  contentType: string | null;
}

/**
 * A client whose requests are noted, then sent on to the simulator unchanged (real fetch):
 * the regression tests read the wire names from here.
 */
export function recording(sim: SimHandle): { client: WatsClient; calls: Call[] } {
  const calls: Call[] = [];
  const client = clientFor(sim, {
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers);
      calls.push({ method: init?.method ?? 'GET', url: new URL(String(input)), body: init?.body, contentType: headers.get('content-type') });
      return fetch(input, init);
    },
  });
  return { client, calls };
}

/** The query parameter names of a call, in order. */
export const queryNames = (call: Call | undefined): string[] => [...(call?.url.searchParams.keys() ?? [])];

/** Forgets the contract violations a deliberately wrong request caused (after asserting them). */
export async function clearContract(sim: SimHandle): Promise<void> {
  await fetch(`${sim.url}/_sim/contract`, { method: 'DELETE' });
}

/** PSU-200 rev A whose box build (BOM) is one PCB-10 rev 1.x; PCB-10 has revisions 1.0 and 2.0; LABEL is non-serial. */
export async function catalogue(client: WatsClient): Promise<void> {
  await client.product.saveMany([
    { partNumber: 'PSU-200', name: 'Power supply', revisions: [{ revision: 'A' }] },
    { partNumber: 'PCB-10', name: 'Controller', revisions: [{ revision: '1.0' }, { revision: '2.0' }] },
    { partNumber: 'LABEL', nonSerial: true, revisions: [{ revision: '1' }] },
  ]);
  await client.product.saveBom({
    partNumber: 'PSU-200',
    revision: 'A',
    components: [{ partNumber: 'PCB-10', revision: '1.%', quantity: 1, references: 'U1' }],
  });
}
