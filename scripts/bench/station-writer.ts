/**
 * Child process of the station bench: writes N small WSJF files into a folder the way testers
 * do (temp name in the parent folder, then renamed into place), so the station under test does
 * not share its event loop with the writer. Prints "done <ms>" when finished.
 */
import { rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { smallReport } from './station-report.js';

const [watch, countText] = process.argv.slice(2);
const count = Number(countText);
const t0 = performance.now();
for (let i = 0; i < count; i++) {
  const tmp = join(dirname(watch as string), `r${i}.tmp`);
  await writeFile(tmp, JSON.stringify(smallReport(i)));
  await rename(tmp, join(watch as string, `r${i}.json`));
}
process.stdout.write(`done ${Math.round(performance.now() - t0)}\n`);
