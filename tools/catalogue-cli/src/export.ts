/** `npm run export -- [--format ndjson|csv|json] [--out <file>] [--url <url>]`: see ../README.md. */
import { processIo } from './command';
import { runExport } from './export-command';

void runExport(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
