import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { EXPORT_FORMATS, FORMAT_CONTENT_TYPES, type ImportFormat, type ImportReport } from '@books/contracts';
import { apiUrl, authorization, failureOf, formatOfFile, isFormat, send } from './catalogue-http';
import { type Command, CommandError, type CommandIo, EXIT, type ExitCode, reasonOf, runCommand, userPath } from './command';

const USAGE = `Usage: npm run import -- <file> [options]

Sends a file of books to the catalogue (POST /api/books/import) and prints the report.

  <file>                  .ndjson or .jsonl (one JSON book per line), .csv (a header row and
                          one book per row) or .json (an array of books)
  --format <format>       ${EXPORT_FORMATS.join(', ')}: for a file whose extension does not say
  --url <url>             the catalogue's root URL (default: CATALOGUE_URL, else http://127.0.0.1:8080)

Importing needs the admin role: set CATALOGUE_TOKEN to an access token (README, Sign-in).

Exit code: 0 when every record was taken, 2 when some were rejected, 1 when the import did
not run (bad arguments, an unreadable file, no connection, an error response).
`;

interface ImportOptions {
  file: string;
  format: ImportFormat;
  url: URL;
}

const count = z.int().min(0);
/** The report as the contract describes it; checked, since a proxy or an older gateway may answer something else. */
const ImportReportSchema = z.object({
  received: count,
  created: count,
  updated: count,
  unchanged: count,
  rejected: count,
  rejections: z.array(z.object({ record: z.int(), line: z.int().optional(), field: z.string().optional(), reason: z.string() })),
}) satisfies z.ZodType<ImportReport>;

export const importCommand: Command<ImportOptions> = {
  usage: USAGE,

  parse(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) return 'help';
    if (positionals.length !== 1) throw new Error(positionals.length === 0 ? 'Which file? Give one.' : `One file at a time, not ${positionals.length}`);
    const [file] = positionals;
    const format = values.format ?? formatOfFile(file);
    if (format === undefined) throw new Error(`Cannot tell the format of ${file} from its extension: add --format ${EXPORT_FORMATS.join('|')}`);
    if (!isFormat(format)) throw new Error(`--format must be one of ${EXPORT_FORMATS.join(', ')}, not ${JSON.stringify(format)}`);
    return { file, format, url: apiUrl('api/books/import', values.url, io.env) };
  },

  async run({ file, format, url }, io) {
    const path = userPath(file, io.env);
    const stats = await stat(path).catch((error: unknown) => {
      throw new CommandError(`Cannot read ${file}: ${reasonOf(error)}`);
    });
    if (!stats.isFile()) throw new CommandError(`Cannot read ${file}: not a file`);

    const started = performance.now();
    // Streamed as it is read (chunked, at the pace the server takes it): a file of any size is
    // sent without being held in memory, and the gateway validates and stores it as it arrives.
    const content = createReadStream(path);
    let response: Response;
    try {
      response = await send(url, {
        method: 'POST',
        headers: { 'content-type': FORMAT_CONTENT_TYPES[format], accept: 'application/json, application/problem+json', ...authorization(io.env) },
        body: Readable.toWeb(content),
        duplex: 'half',
      });
    } finally {
      // The answer may come before the whole file was sent (an error): stop reading it.
      content.destroy();
    }
    if (!response.ok) throw await failureOf(response);
    const report = ImportReportSchema.safeParse(await response.json().catch(() => undefined));
    if (!report.success) throw new CommandError(`${url}: HTTP ${response.status}, but the answer is not an import report`);

    printReport(basename(file), report.data, (performance.now() - started) / 1000, io);
    return report.data.rejected > 0 ? EXIT.rejected : EXIT.ok;
  },
};

export const runImport = (argv: string[], io: CommandIo): Promise<ExitCode> => runCommand(importCommand, argv, io);

function printReport(name: string, report: ImportReport, seconds: number, io: CommandIo): void {
  const n = (value: number) => value.toLocaleString('en');
  const { received, created, updated, unchanged, rejected, rejections } = report;
  io.stdout.write(
    `${name}: ${n(received)} received, ${n(created)} created, ${n(updated)} updated, ${n(unchanged)} unchanged, ${n(rejected)} rejected (${seconds.toFixed(1)} s)\n`,
  );
  for (const { record, line, field, reason } of rejections) {
    io.stdout.write(`  record ${record}${line === undefined ? '' : `, line ${line}`}${field === undefined ? '' : `, ${field}`}: ${reason}\n`);
  }
  if (rejected > rejections.length) io.stdout.write(`  … and ${n(rejected - rejections.length)} more, not listed in the report\n`);
}
