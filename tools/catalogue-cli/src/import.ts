/** `npm run import -- <file> [--url <url>]`: see ../README.md. */
import { processIo } from './command';
import { runImport } from './import-command';

void runImport(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
