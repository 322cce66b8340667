#!/usr/bin/env node
// The `certdesk` command line: the bundled build in dist-cli (made by `npm run build:cli`,
// which `prepare` runs at install).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const built = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist-cli', 'cli.js');
if (!existsSync(built)) {
  console.error('certdesk: the command line is not built. Run `npm run build:cli` (npm install does it).');
  process.exit(2);
}
await import(pathToFileURL(built).href);
