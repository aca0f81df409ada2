import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { EXPORT_FORMATS, type ExportFormat, FORMAT_CONTENT_TYPES } from '@books/contracts';
import { apiUrl, authorization, failureOf, formatOfFile, isFormat, send } from './catalogue-http';
import { type Command, CommandError, type CommandIo, EXIT, type ExitCode, reasonOf, runCommand, userPath } from './command';

const USAGE = `Usage: npm run export -- [options]

Writes the whole catalogue (GET /api/books/export), streamed as the API sends it.

  --format <format>       ${EXPORT_FORMATS.join(', ')} (default: from --out's extension, else ndjson)
  --out <file>            where to write; written whole or not at all (default: standard output;
                          use npm run --silent, or npm's own lines come first)
  --url <url>             the catalogue's root URL (default: CATALOGUE_URL, else http://127.0.0.1:8080)

Exit code: 0 when the export was written, 1 when not.
`;

interface ExportOptions {
  format: ExportFormat;
  out?: string;
  url: URL;
}


export const exportCommand: Command<ExportOptions> = {
  usage: USAGE,

  parse(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        format: { type: 'string' },
        out: { type: 'string' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) return 'help';
    const format = values.format ?? (values.out === undefined ? undefined : formatOfFile(values.out)) ?? 'ndjson';
    if (!isFormat(format)) throw new Error(`--format must be one of ${EXPORT_FORMATS.join(', ')}, not ${JSON.stringify(format)}`);
    const url = apiUrl('api/books/export', values.url, io.env);
    url.searchParams.set('format', format);
    return { format, out: values.out, url };
  },

  async run({ format, out, url }, io) {
    const started = performance.now();
    const response = await send(url, { headers: { accept: `${FORMAT_CONTENT_TYPES[format]}, application/problem+json`, ...authorization(io.env) } });
    if (!response.ok || !response.body) throw await failureOf(response);

    let bytes = 0;
    const body = Readable.fromWeb(response.body);
    const counted = async function* (chunks: AsyncIterable<Uint8Array>) {
      for await (const chunk of chunks) {
        bytes += chunk.byteLength;
        yield chunk;
      }
    };
    const cutOff = (error: unknown) => new CommandError(`The export stopped after ${bytes.toLocaleString('en')} bytes: ${reasonOf(error)}`);

    if (out === undefined) {
      try {
        // Standard output stays open: it is the process's, not this command's.
        await pipeline(body, counted, io.stdout, { end: false });
      } catch (error) {
        // `| head` closing the pipe early is the reader's choice, not a failure.
        if ((error as NodeJS.ErrnoException).code === 'EPIPE') return EXIT.ok;
        throw cutOff(error);
      }
    } else {
      // Written beside the file and renamed when complete, so a cut-off export never passes for a whole one.
      const path = userPath(out, io.env);
      const partial = `${path}.partial`;
      try {
        await pipeline(body, counted, createWriteStream(partial));
        await rename(partial, path);
      } catch (error) {
        await rm(partial, { force: true });
        throw cutOff(error);
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    io.stderr.write(`Exported ${bytes.toLocaleString('en')} bytes of ${format} to ${out ?? 'standard output'} in ${seconds} s\n`);
    return EXIT.ok;
  },
};

export const runExport = (argv: string[], io: CommandIo): Promise<ExitCode> => runCommand(exportCommand, argv, io);
