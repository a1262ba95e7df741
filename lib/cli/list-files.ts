import fs from 'node:fs';
import { UsageError } from './check-args';

/** The one-shot checker's files: reading the URL list, and the sink its results are written to. */

function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

const FILE_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

export function fileProblem(err: unknown): string {
  const code = errorCode(err);
  return (code && FILE_PROBLEMS[code]) ?? (code ? `failed (${code})` : String(err));
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export async function readList(source: string, stdin: NodeJS.ReadableStream): Promise<string> {
  if (source === '-') return readAll(stdin);
  try {
    return await fs.promises.readFile(source, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${JSON.stringify(source)}: ${fileProblem(err)}`);
  }
}

/** Where results go: stdout as it is, or a file opened before the first request so a bad path costs nothing. */
export interface Sink {
  write(text: string): void;
  close(): Promise<void>;
}

export async function openSink(output: string | null, stdout: NodeJS.WritableStream): Promise<Sink> {
  if (output === null) {
    return {
      write: (text) => void stdout.write(text),
      close: () => Promise.resolve(),
    };
  }
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(output, 'w');
  } catch (err) {
    throw new UsageError(`cannot write ${JSON.stringify(output)}: ${fileProblem(err)}`);
  }
  const stream = handle.createWriteStream();
  let failure: unknown = null;
  stream.on('error', (err) => (failure ??= err));
  return {
    write: (text) => void stream.write(text),
    close: () =>
      new Promise<void>((resolve, reject) => {
        stream.end(() => (failure === null ? resolve() : reject(failure)));
        stream.once('error', reject);
      }),
  };
}

