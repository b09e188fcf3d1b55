/** IX. Disposability: a process stops cleanly on SIGTERM, finishing what is in flight. */
import { calleeTail, type Value } from '../facts.js';
import type { Finding } from '../report.js';
import { calls, finding, hasWeb, webCommands, type Check } from './check.js';

/** Servers that handle SIGTERM themselves: they stop accepting, finish requests, then exit. */
const GRACEFUL_SERVERS = /\b(gunicorn|uvicorn|hypercorn|daphne|waitress-serve|puma|next start|pm2-runtime)\b/;

function namesSigterm(value: Value | undefined): boolean {
  if (value?.kind === 'string') return value.value === 'SIGTERM';
  return value?.kind === 'other' && /(^|\.)SIGTERM$/.test(value.text ?? '');
}

export const disposabilityCheck: Check = {
  factor: 9,
  run(codebase) {
    const handlers: Finding[] = [];
    for (const { file, call, source } of calls(codebase)) {
      const registers = source.language === 'js'
        ? /^(process\.)?(on|once|addListener|prependListener)$/.test(call.callee) || /^process\.(on|once)$/.test(call.callee) || calleeTail(call.callee) === 'onSignal'
        : /^(signal\.)?signal$/.test(call.callee) || calleeTail(call.callee) === 'add_signal_handler';
      if (registers && namesSigterm(call.args[0])) handlers.push(finding('pass', 'sigterm-handler', 'handles SIGTERM', { file, line: call.line }));
    }
    if (handlers.length > 0) return handlers.slice(0, 1);
    const server = webCommands(codebase).find((web) => GRACEFUL_SERVERS.test(web.command));
    if (server) return [finding('pass', 'sigterm-handler', `${GRACEFUL_SERVERS.exec(server.command)![1]} stops gracefully on SIGTERM`, { file: server.file, ...(server.line ? { line: server.line } : {}) })];
    if (!hasWeb(codebase) && codebase.sources.length === 0) return [];
    return [finding('fail', 'sigterm-handler', 'no SIGTERM handler: a stop or a deploy cuts off the requests in flight', undefined,
      'On SIGTERM, stop accepting (server.close()), let in-flight requests finish, close connections to services, then exit.')];
  },
};
