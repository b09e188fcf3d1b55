/** VII. Port binding: the web process serves HTTP on the port it is given in PORT. */
import { calleeTail, readsEnv, type CallFact, type Value } from '../facts.js';
import type { Finding } from '../report.js';
import { calls, finding, hasWeb, webCommands, type Check } from './check.js';

/** Python servers started in code: `app.run(port=...)`, `uvicorn.run(app, port=...)`, `web.run_app(app, port=...)`. */
const PY_SERVE = /(^|\.)(run|run_app|serve)$/;
const PY_SERVER_CLASS = /^(HTTPServer|ThreadingHTTPServer|TCPServer|ThreadingTCPServer)$/;

function portValue(args: Value[], kwargs: Record<string, Value> | undefined): Value | undefined {
  const first = args[0];
  if (first?.kind === 'object' && first.props.port) return first.props.port;
  return kwargs?.port ?? first;
}

/** The port a Python server is started on: `run(port=...)`, `HTTPServer((host, port), ...)`, `make_server(host, port, app)`. */
function pythonPort(call: CallFact): Value | undefined {
  if (PY_SERVE.test(call.callee) && call.kwargs?.port) return call.kwargs.port;
  const first = call.args[0];
  if (PY_SERVER_CLASS.test(calleeTail(call.callee)) && first?.kind === 'array') return first.items[1];
  return calleeTail(call.callee) === 'make_server' ? call.args[1] : undefined;
}

export const portBindingCheck: Check = {
  factor: 7,
  run(codebase) {
    const found: Finding[] = [];
    const readsPort = codebase.sources.some((source) => source.envReads.some((read) => read.name === 'PORT'));
    for (const { file, call, source } of calls(codebase)) {
      const listens = source.language === 'js' ? calleeTail(call.callee) === 'listen' : pythonPort(call) !== undefined;
      if (!listens) continue;
      const port = source.language === 'js' ? portValue(call.args, undefined) : pythonPort(call);
      const where = { file, line: call.line };
      if (port?.kind === 'number' && port.value === 0) continue; // any free port: a test or a tool, not a web process
      if (port?.kind === 'number') {
        found.push(finding('fail', 'listens-on-port', `listens on port ${port.value}, not on PORT`, where,
          'Listen on Number(process.env.PORT) (Python: int(os.environ["PORT"])); twelve gives each web process its own.'));
      } else if (readsEnv(port, 'PORT')) {
        found.push(finding('pass', 'listens-on-port', 'listens on PORT', where));
      } else if (!readsPort) {
        found.push(finding('warn', 'listens-on-port', 'listens on a port that does not come from PORT, as far as the code shows', where,
          'Listen on Number(process.env.PORT).'));
      } else {
        found.push(finding('pass', 'listens-on-port', 'listens on a port, and the code reads PORT', where));
      }
    }
    for (const { command, file, line } of webCommands(codebase)) {
      const fixed = /(--port[= ]|-p |--bind[= ](\S+:)?|\s:)(\d{2,5})\b/.exec(command);
      const where = { file, ...(line ? { line } : {}) };
      if (/\$\{?PORT\b/.test(command)) found.push(finding('pass', 'listens-on-port', 'the web command binds $PORT', where));
      else if (fixed) found.push(finding('fail', 'listens-on-port', `the web command binds port ${fixed[3]}`, where, 'Bind $PORT in the command (e.g. --bind 0.0.0.0:$PORT).'));
      else if (/\bgunicorn\b/.test(command)) found.push(finding('pass', 'listens-on-port', 'gunicorn binds $PORT when it is set', where));
    }
    if (found.length === 0 && hasWeb(codebase) && !readsPort) {
      found.push(finding('warn', 'listens-on-port', 'a web process whose port the code does not show, and nothing reads PORT', undefined, 'Listen on Number(process.env.PORT).'));
    } else if (found.length === 0 && readsPort) found.push(finding('pass', 'listens-on-port', 'the code reads PORT'));
    return found;
  },
};
