/**
 * The error the CLI prints: an API error envelope as the API sent it, or a problem found before any
 * request (missing app, bad argument, twelve not running). Printed Heroku style by formatError.
 */
import { errorText } from '../errors.js';

export class CliError extends Error {
  /** The catalogue code from the API (APP_NOT_FOUND, ...) or a CLI-side one (API_UNREACHABLE, ...). */
  readonly code: string;
  readonly hint: string | undefined;
  /** The HTTP status when the error came from the API. */
  readonly status: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, hint?: string, extra: { status?: number; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.hint = hint;
    this.status = extra.status;
    this.details = extra.details;
  }
}

export function isCliError(error: unknown): error is CliError {
  return error instanceof CliError;
}

/**
 * The lines written to stderr for an error: the message, then the hint, each line behind Heroku's arrow.
 * @example formatError(new CliError('X', 'no app named shop', 'Run `twelve apps`.'))
 *   // ' ▸    no app named shop\n ▸    Run `twelve apps`.\n'
 */
export function formatError(error: unknown): string {
  const message = errorText(error);
  const hint = isCliError(error) ? error.hint : undefined;
  const lines = [...message.split('\n'), ...(hint ? hint.split('\n') : [])];
  const text = lines.map((line) => ` ▸    ${line}`).join('\n') + '\n';
  // A process that did not come up: its own last words are usually the answer.
  const details = isCliError(error) ? error.details : undefined;
  const lastLines = Array.isArray(details?.lastLines) ? (details.lastLines as unknown[]).map(String) : [];
  if (lastLines.length === 0) return text;
  const name = typeof details?.process === 'string' ? details.process : 'the process';
  return `${text} ▸    Last lines of ${name}:\n${lastLines.map((line) => `       ${line}`).join('\n')}\n`;
}
