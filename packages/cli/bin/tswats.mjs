#!/usr/bin/env node
// The `tswats` command. A committed launcher (npm links a bin at install time, before the
// TypeScript build exists); it runs the compiled CLI.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('tswats is not built yet: run `npm run build` (or `npm start`) in the repository first.');
  process.exit(1);
}
await import(cli.href);
