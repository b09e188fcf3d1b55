/**
 * The router's error codes (twelve's answer to Heroku's H-codes) and the small page a client sees for
 * each: HTML for browsers, plain text for everything else. docs/errors.md lists the same table.
 */

/** Every router error: the status the client gets, a short description for the log line, and what it means. */
export const ROUTER_ERRORS = {
  T10: { status: 404, desc: 'No such app', meaning: 'No app answers to the request\'s Host header. `twelve apps` lists the apps; each answers to NAME.localhost and its extra domains.' },
  T11: { status: 503, desc: 'No web process running', meaning: 'The app exists but none of its web processes is up (not deployed, scaled to zero, crashed or restarting).' },
  T12: { status: 504, desc: 'Request timeout', meaning: 'The web process did not start its response within the request timeout (30 s by default).' },
  T13: { status: 502, desc: 'Backend connection error', meaning: 'The web process refused or reset the connection, or closed it without a response, also after one retry on another web process.' },
  T14: { status: 502, desc: 'Backend response interrupted', meaning: 'The web process closed the connection in the middle of its response, sent a broken body, or went silent for 55 s mid-response; the client connection is closed too (logged only, the status already went out).' },
  T15: { status: 499, desc: 'Client request interrupted', meaning: 'The client closed the connection before the response was complete, or stopped sending its body (logged only).' },
  T16: { status: 400, desc: 'Bad request', meaning: 'The request breaks HTTP/1.1 framing in a way two parsers could read differently (conflicting Content-Length and Transfer-Encoding, an obfuscated Transfer-Encoding, a bare CR or LF, obs-fold, a malformed chunk), or is malformed; the connection is closed.' },
  T17: { status: 413, desc: 'Request body too large', meaning: 'The request body is larger than the router\'s limit (100 MiB by default); the connection is closed.' },
  T18: { status: 431, desc: 'Request head too large', meaning: 'The request line is over 8 KiB, the head over 32 KiB or it has more than 100 header fields; the connection is closed.' },
  T19: { status: 408, desc: 'Request head timeout', meaning: 'The client did not send a whole request head within 20 s of its first byte; the connection is closed.' },
} as const satisfies Record<string, { status: number; desc: string; meaning: string }>;

export type RouterErrorCode = keyof typeof ROUTER_ERRORS;

export interface ErrorPage {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request', 404: 'Not Found', 408: 'Request Timeout', 413: 'Content Too Large', 431: 'Request Header Fields Too Large', 499: 'Client Closed Request', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Error';
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Whether the Accept header asks for HTML (browsers send text/html first). */
export function acceptsHtml(accept: string | undefined): boolean {
  return accept !== undefined && /(^|,)\s*text\/html\b/i.test(accept);
}

/**
 * Renders the page for a router error. `message` is the sentence for this request (naming the host
 * or the app); the page also carries the code and the request id, so a user can find the log line.
 */
export function renderErrorPage(code: RouterErrorCode, message: string, options: { accept?: string; requestId: string }): ErrorPage {
  const { status, desc } = ROUTER_ERRORS[code];
  const headers: Record<string, string> = { 'cache-control': 'no-store', 'x-request-id': options.requestId, 'x-twelve-error': code };
  let text: string;
  if (acceptsHtml(options.accept)) {
    headers['content-type'] = 'text/html; charset=utf-8';
    text = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${status} ${escapeHtml(desc)} · twelve</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#222}
code{background:#f3f3f3;padding:0 .2em}small{color:#777}</style></head>
<body><h1>${escapeHtml(desc)}</h1>
<p>${escapeHtml(message)}</p>
<p><small>twelve router · ${code} · ${status} ${escapeHtml(reasonPhrase(status))} · request id ${escapeHtml(options.requestId)}</small></p>
</body></html>
`;
  } else {
    headers['content-type'] = 'text/plain; charset=utf-8';
    text = `${code} ${desc}: ${message}\nrequest id: ${options.requestId}\n`;
  }
  const body = Buffer.from(text, 'utf8');
  headers['content-length'] = String(body.length);
  return { status, headers, body };
}

/** The sentence for each code, so both proxies word a failure the same way. */
export const errorMessages = {
  noSuchApp: (host: string) => host === ''
    ? 'The request has no Host header, so no app can answer it. Run `twelve apps` to list the apps.'
    : `No app answers to the host "${host}". Run \`twelve apps\` to list the apps; each answers to NAME.localhost.`,
  noWebProcess: (app: string) => `The app "${app}" has no web process running. Deploy it, or check \`twelve ps -a ${app}\` and \`twelve logs -a ${app}\`.`,
  timeout: (app: string, ms: number) => `The app "${app}" did not answer within ${ms / 1000} s.`,
  backendError: (app: string) => `The app "${app}" closed the connection without answering. \`twelve logs -a ${app}\` may say why.`,
};
