/** XI. Logs: an event stream on stdout, never files the process manages. */
import { calleeTail, type Value } from '../facts.js';
import type { Finding } from '../report.js';
import { calls, finding, type Check } from './check.js';
import { isWrite, pathArg } from './processes.js';

const FILE_TRANSPORTS = /^(winston\.transports\.File|transports\.File|DailyRotateFile|winston\.transports\.DailyRotateFile)$/;
const PY_FILE_HANDLERS = /^(FileHandler|RotatingFileHandler|TimedRotatingFileHandler|WatchedFileHandler)$/;

/** pino.destination('app.log') or pino.destination({ dest: 'app.log' }): a file unless it is 1 or 2 (stdout, stderr). */
function pinoFile(args: Value[]): string | undefined {
  const first = args[0];
  const dest = first?.kind === 'object' ? first.props.dest ?? first.props.destination : first;
  return dest?.kind === 'string' && !/^(1|2|\/dev\/std(out|err))$/.test(dest.value) ? dest.value : undefined;
}

/** { target: 'pino/file', options: { destination: 'app.log' } } anywhere in a call's options. */
function pinoFileTarget(value: Value | undefined, depth = 0): string | undefined {
  if (value?.kind !== 'object' || depth > 3) return undefined;
  const target = value.props.target;
  const options = value.props.options;
  if (target?.kind === 'string' && target.value === 'pino/file' && options?.kind === 'object') return pinoFile([options]);
  if ((value.props.type?.kind === 'string') && /^(file|dateFile|fileSync)$/.test((value.props.type as { value: string }).value)) {
    const name = value.props.filename;
    return name?.kind === 'string' ? name.value : 'a file';
  }
  for (const inner of Object.values(value.props)) {
    const found = pinoFileTarget(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export const logsCheck: Check = {
  factor: 11,
  run(codebase) {
    const found: Finding[] = [];
    const fix = 'Write logs to stdout (console, pino/winston Console transport, logging.StreamHandler); twelve collects, keeps and drains them.';
    for (const { file, call, source } of calls(codebase)) {
      const where = { file, line: call.line };
      const written = isWrite(call, source.language) ? pathArg(call, source.language) : undefined;
      if (written !== undefined && /\.log$/.test(written)) {
        found.push(finding('fail', 'file-logs', `logs to ${written.replace('${__dirname}', '<app>')} (${call.callee})`, where, fix));
      } else if (source.language === 'js') {
        const tail = calleeTail(call.callee);
        const target = FILE_TRANSPORTS.test(call.callee) || tail === 'DailyRotateFile' ? 'a file'
          : /(^|\.)destination$/.test(call.callee) ? pinoFile(call.args)
            : call.args.map((arg) => pinoFileTarget(arg)).find(Boolean);
        if (target) found.push(finding('fail', 'file-logs', `logs to ${target === 'a file' ? `a file (${call.callee})` : target}`, where, fix));
      } else if (PY_FILE_HANDLERS.test(calleeTail(call.callee))) {
        found.push(finding('fail', 'file-logs', `logs to a file (${call.callee})`, where, fix));
      } else if (/(^|\.)basicConfig$/.test(call.callee) && call.kwargs?.filename) {
        found.push(finding('fail', 'file-logs', 'logging.basicConfig(filename=...) logs to a file', where, fix));
      }
    }
    if (found.length === 0 && codebase.sources.length > 0) found.push(finding('pass', 'file-logs', 'no log files written by the code: output goes to stdout'));
    return found;
  },
};
