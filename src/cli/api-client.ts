/**
 * The CLI's only way into twelve: a small client for the HTTP API of docs/api.md, built on node:http
 * (not fetch) because `twelve ps` must start about as fast as node itself.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { errorText } from '../errors.js';
import { pathsFor } from '../paths.js';
import { defaultDataDir } from '../settings.js';
import { CliError } from './cli-error.js';

export const DEFAULT_API_URL = 'http://127.0.0.1:5100';

export interface ClientOptions {
  /** Where `twelve serve` answers, e.g. http://127.0.0.1:5100. */
  baseUrl: string;
  /** Bearer token; without one every route but /v1/health answers 401. */
  token: string | undefined;
}

export interface StreamOptions {
  /** A request body sent as it is produced (the deploy's source archive). */
  body?: Readable;
  headers?: OutgoingHttpHeaders;
  /** Called with the answer's headers once it starts (before its first event). */
  onHeaders?: (headers: IncomingHttpHeaders) => void;
}

type Env = Record<string, string | undefined>;

function readTokenFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    // No readable token file: the API's 401 answer says what to do.
    return undefined;
  }
}

/** TWELVE_API_URL and TWELVE_API_TOKEN, else the api-token file the platform wrote into TWELVE_DATA_DIR. */
export function clientOptionsFromEnv(env: Env = process.env): ClientOptions {
  // The port `twelve serve` was told, when the URL is not given: both read the same TWELVE_API_PORT.
  const baseUrl = env.TWELVE_API_URL || (env.TWELVE_API_PORT ? `http://127.0.0.1:${env.TWELVE_API_PORT}` : DEFAULT_API_URL);
  const token = env.TWELVE_API_TOKEN || readTokenFile(pathsFor(defaultDataDir(env)).apiToken);
  return { baseUrl, token };
}

async function readText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The error an API answer with status >= 400 stands for: its envelope, or the bare status. */
function errorFromAnswer(status: number, text: string): CliError {
  try {
    const { error } = JSON.parse(text) as { error?: { code?: string; message?: string; hint?: string; details?: Record<string, unknown> } };
    if (error && typeof error.message === 'string') {
      return new CliError(error.code ?? 'HTTP_ERROR', error.message, error.hint, { status, details: error.details });
    }
  } catch {
    // Not an envelope (a proxy's HTML page, say): fall through to the bare status.
  }
  return new CliError('HTTP_ERROR', `the API answered ${status}${text ? `: ${text.slice(0, 200)}` : ''}`, undefined, { status });
}

/**
 * @example
 * const client = new ApiClient(clientOptionsFromEnv());
 * const apps = await client.request<AppView[]>('GET', '/v1/apps');
 */
export class ApiClient {
  private readonly base: URL;

  constructor(private readonly options: ClientOptions) {
    try {
      this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    } catch {
      throw new CliError('INVALID_SETTING', `TWELVE_API_URL=${options.baseUrl} is not a URL`,
        `Set it like ${DEFAULT_API_URL}, or unset it.`);
    }
  }

  /** Where the API is, as shown in messages. */
  get url(): string {
    return this.options.baseUrl.replace(/\/+$/, '');
  }

  /** A JSON request; resolves with the parsed answer, rejects with a CliError for an error answer. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: OutgoingHttpHeaders = { accept: 'application/json' };
    if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': payload.length });
    const { response } = await this.send(method, path, headers, payload);
    const text = await readText(response).catch((error: unknown) => { throw this.networkError(error); });
    if (response.statusCode! >= 400) throw errorFromAnswer(response.statusCode!, text);
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch {
      throw new CliError('BAD_RESPONSE', `the API answered with something that is not JSON: ${text.slice(0, 200)}`,
        'Check that TWELVE_API_URL points at twelve.');
    }
  }

  /**
   * An NDJSON request (deploy, logs): resolves once the answer starts, then yields each event as its line
   * arrives. Breaking out of the loop closes the connection.
   */
  async stream(method: string, path: string, options: StreamOptions = {}): Promise<AsyncGenerator<unknown>> {
    const headers: OutgoingHttpHeaders = { accept: 'application/x-ndjson', ...options.headers };
    const { response, uploadError } = await this.send(method, path, headers, options.body);
    if (response.statusCode! >= 400) {
      options.body?.destroy();
      const text = await readText(response).catch(() => '');
      throw errorFromAnswer(response.statusCode!, text);
    }
    options.onHeaders?.(response.headers);
    return this.events(response, uploadError);
  }

  /**
   * A request whose answer is a file (an export's archive): resolves once the answer starts, with its
   * headers and its bytes still to read.
   */
  async download(method: string, path: string, options: StreamOptions = {}): Promise<IncomingMessage> {
    const headers: OutgoingHttpHeaders = { accept: 'application/x-tar, application/json', ...options.headers };
    const { response } = await this.send(method, path, headers, options.body);
    if (response.statusCode! >= 400) {
      options.body?.destroy();
      throw errorFromAnswer(response.statusCode!, await readText(response).catch(() => ''));
    }
    return response;
  }

  private async *events(response: IncomingMessage, uploadError: () => Error | undefined): AsyncGenerator<unknown> {
    try {
      // Loaded here: `twelve ps` and the other JSON commands never read a stream.
      if (response.headers['content-type'] === 'application/x-twelve-log-frames') yield* (await import('./log-frames.js')).readLogFrames(response);
      else yield* (await import('./ndjson.js')).readNdjson(response);
    } catch (error) {
      throw uploadError() ?? this.networkError(error);
    } finally {
      response.destroy();
    }
  }

  private send(method: string, path: string, headers: OutgoingHttpHeaders, body: Buffer | Readable | undefined):
  Promise<{ response: IncomingMessage; uploadError: () => Error | undefined }> {
    const url = new URL(path.replace(/^\/+/, ''), this.base);
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    headers['user-agent'] = 'twelve-cli';
    return new Promise((resolve, reject) => {
      let answered = false;
      let uploadError: Error | undefined;
      let request: ClientRequest;
      try {
        request = httpRequest(url, { method, headers, agent: false });
      } catch (error) {
        reject(this.networkError(error));
        return;
      }
      request.on('response', (response) => {
        answered = true;
        resolve({ response, uploadError: () => uploadError });
      });
      // Once the answer has started, a failed upload shows up as the answer's stream ending early.
      request.on('error', (error) => {
        if (!answered) reject(uploadError ?? this.networkError(error));
      });
      if (body === undefined || Buffer.isBuffer(body)) {
        request.end(body);
        return;
      }
      body.on('error', (error) => {
        uploadError = error;
        request.destroy(error);
      });
      request.on('close', () => body.destroy());
      body.pipe(request);
    });
  }

  private networkError(error: unknown): Error {
    if (error instanceof CliError) return error;
    const code = (error as { code?: string }).code;
    if (code === 'ECONNREFUSED') {
      return new CliError('API_UNREACHABLE', `twelve is not running at ${this.url}.`, 'Start it with `twelve serve`.');
    }
    const reason = errorText(error);
    return new CliError('API_UNREACHABLE', `lost the connection to twelve at ${this.url}: ${reason}`,
      'Check that `twelve serve` is running and TWELVE_API_URL points at it.');
  }
}
