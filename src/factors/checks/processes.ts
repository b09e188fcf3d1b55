/** VI. Processes: stateless and share-nothing; nothing kept on the app's disk or in its memory across requests. */
import type { Codebase } from '../codebase-scan.js';
import { calleeTail, importsAny, type CallFact, type Value } from '../facts.js';
import type { Finding } from '../report.js';
import { calls, finding, type Check } from './check.js';

/** Calls that put data in a file (a mkdir alone holds nothing). */
const JS_WRITES = /^(writeFile|writeFileSync|appendFile|appendFileSync|createWriteStream|outputFile|outputFileSync|copyFile|copyFileSync|rename|renameSync)$/;
const PY_WRITES = /^(open|io\.open|shutil\.copy\w*)$/;

/** A path that lands in the app's own directory: relative, next to the code, or under /app. */
export function underAppDir(path: string): boolean {
  if (path.startsWith('${__dirname}') || path.startsWith('/app/') || path === '/app') return true;
  if (path.startsWith('/') || path.startsWith('${}') || /^[a-z]+:/i.test(path) || path === '' || path === '-') return false;
  return !/^(tmp|\/tmp)/.test(path);
}

export function pathArg(call: CallFact, language: 'js' | 'py'): string | undefined {
  const first: Value | undefined = call.args[0];
  if (first?.kind !== 'string') return undefined;
  if (language === 'py' && /^(io\.)?open$/.test(call.callee)) {
    const mode = call.args[1] ?? call.kwargs?.mode;
    if (!(mode?.kind === 'string' && /[wax+]/.test(mode.value))) return undefined; // a read
  }
  return first.value;
}

export function isWrite(call: CallFact, language: 'js' | 'py'): boolean {
  return language === 'js' ? JS_WRITES.test(calleeTail(call.callee)) : PY_WRITES.test(call.callee);
}

function writes(codebase: Codebase): Finding[] {
  const found: Finding[] = [];
  for (const { file, call, source } of calls(codebase)) {
    let path = isWrite(call, source.language) ? pathArg(call, source.language) : undefined;
    // multer({ dest: 'uploads/' }) and its kind: upload middleware that stores files on the local disk.
    const options = call.args[0];
    if (!path && /(^|\.)(multer|diskStorage)$/.test(call.callee) && options?.kind === 'object' && options.props.dest?.kind === 'string') path = options.props.dest.value;
    if (path === undefined || !underAppDir(path)) continue;
    found.push(finding('warn', 'writes-app-dir', `writes ${path.replace('${__dirname}', '<app>')} (${call.callee}): files under the app's directory vanish with the process and differ between processes`,
      { file, line: call.line }, 'Keep state in a backing service (a database, object storage); use os.tmpdir() for scratch files of one request.'));
  }
  return found;
}

function sessions(codebase: Codebase): Finding[] {
  const found: Finding[] = [];
  for (const { file, call, source } of calls(codebase, 'js')) {
    const tail = calleeTail(call.callee);
    const memoryStore = tail === 'MemoryStore';
    const sessionWithoutStore = /^(session|expressSession|cookieSession)$/.test(call.callee) && importsAny(source, ['express-session'])
      && !(call.args[0]?.kind === 'object' && 'store' in call.args[0].props);
    if (memoryStore || sessionWithoutStore) {
      found.push(finding('fail', 'memory-sessions', 'sessions kept in the process\'s memory: lost on restart, not seen by the other processes', { file, line: call.line },
        'Give express-session a store on a backing service (connect-redis, connect-pg-simple), or use signed cookies.'));
    }
  }
  return found;
}

export const processesCheck: Check = {
  factor: 6,
  run(codebase) {
    const found = [...writes(codebase), ...sessions(codebase)];
    if (found.length === 0 && codebase.sources.length > 0) found.push(finding('pass', 'writes-app-dir', 'no writes under the app\'s directory and no in-memory session store in the code'));
    return found;
  },
};
