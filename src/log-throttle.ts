/**
 * twelve's own log, with the same warning or error said once a minute at most: on a full disk the log
 * store fails every flush, and a log repeating one line thousands of times hides everything else. The
 * first one is written whole; the repeats are counted and summed up in one line when the minute ends.
 */
import pino from 'pino';

const WINDOW_MS = 60_000;
/** Distinct messages followed at once; past it, new ones are written without a count. */
const MAX_KEYS = 1000;

interface Repeats {
  count: number;
  timer: NodeJS.Timeout;
}

/** A pino logger at `level` whose warnings and errors are throttled as above (to `destination`, stdout by default). */
export function createLogger(level: string, destination?: pino.DestinationStream, windowMs = WINDOW_MS): pino.Logger {
  const repeats = new Map<string, Repeats>();
  return pino({
    level,
    hooks: {
      logMethod(args, method, methodLevel) {
        if (methodLevel < 40) return method.apply(this, args);
        const key = `${methodLevel}\u0000${messageKey(args)}`;
        const seen = repeats.get(key);
        if (seen) {
          seen.count += 1;
          return;
        }
        if (repeats.size < MAX_KEYS) {
          const timer = setTimeout(() => {
            const ended = repeats.get(key);
            repeats.delete(key);
            if (ended && ended.count > 0) {
              const app = (args[0] as { app?: unknown } | null)?.app;
              method.apply(this, [{ ...(app === undefined ? {} : { app }), repeated: ended.count, seconds: windowMs / 1000 }, `the last message repeated ${ended.count} more times: ${messageText(args)}`] as unknown as Parameters<pino.LogFn>);
            }
          }, windowMs);
          timer.unref();
          repeats.set(key, { count: 0, timer });
        }
        return method.apply(this, args);
      },
    },
  }, destination);
}

/**
 * The message, the app and the API route it is about make two lines "the same"; the error attached may
 * differ (a short write, then ENOSPC) and is shown by the first line.
 */
function messageKey(args: unknown[]): string {
  const [first] = args;
  const fields = typeof first === 'object' && first !== null ? first as { app?: unknown; url?: unknown } : {};
  return [messageText(args), String(fields.app ?? ''), String(fields.url ?? '')].join('\u0000');
}

function messageText(args: unknown[]): string {
  return String(typeof args[0] === 'string' ? args[0] : args[1] ?? '');
}
