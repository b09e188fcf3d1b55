/** II. Dependencies: declared, locked and pinned, with no system tool the manifests do not name. */
import { builtinModules } from 'node:module';
import type { Codebase } from '../codebase-scan.js';
import { calleeTail, importsAny, type CallFact, type Value } from '../facts.js';
import type { Finding } from '../report.js';
import { calls, finding, type Check } from './check.js';

const NODE_LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock'];
const PYTHON_LOCKFILES = ['poetry.lock', 'uv.lock', 'Pipfile.lock', 'pdm.lock'];
/** Commands every build has: the runtimes twelve installs and a POSIX shell's basics. */
const ALWAYS_THERE = new Set(['node', 'npm', 'npx', 'python', 'python3', 'pip', 'pip3', 'sh', 'bash', 'env', 'true', 'false', 'echo',
  'cat', 'ls', 'mkdir', 'rm', 'cp', 'mv', 'test', 'kill', 'sleep', 'printf', 'process.execPath', 'sys.executable']);
const BUILTINS = new Set(builtinModules);
const SPAWNS = /^(exec|execSync|spawn|spawnSync|execFile|execFileSync|execa|execaSync|execaCommand|\$)$/;
const PY_SPAWNS = /^(subprocess\.(run|call|check_call|check_output|Popen)|os\.(system|popen|execvp?|spawnlp?))$/;

function nodeChecks(codebase: Codebase): Finding[] {
  const found: Finding[] = [];
  const lockfile = NODE_LOCKFILES.find((file) => codebase.files.includes(file));
  found.push(lockfile ? finding('pass', 'lockfile', `dependencies locked by ${lockfile}`, { file: lockfile })
    : finding('fail', 'lockfile', 'package.json has no lockfile: each build may install different versions', { file: 'package.json' },
      'Run `npm install` and commit package-lock.json; builds then run `npm ci`.'));
  const engines = codebase.packageJson?.engines as Record<string, unknown> | undefined;
  found.push(typeof engines?.node === 'string' ? finding('pass', 'pinned-runtime', `Node.js pinned by engines.node "${engines.node}"`, { file: 'package.json' })
    : finding('warn', 'pinned-runtime', 'package.json does not pin Node.js (engines.node): the build uses whatever the machine has', { file: 'package.json' },
      'Add "engines": { "node": "20.x" } to package.json.'));
  return found;
}

function pythonChecks(codebase: Codebase): Finding[] {
  const found: Finding[] = [];
  const lockfile = PYTHON_LOCKFILES.find((file) => codebase.files.includes(file));
  const requirements = codebase.read('requirements.txt');
  const loose: number[] = [];
  requirements?.split('\n').forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line && !line.startsWith('-') && !/==|@/.test(line)) loose.push(index + 1);
  });
  if (lockfile) found.push(finding('pass', 'lockfile', `dependencies locked by ${lockfile}`, { file: lockfile }));
  else if (requirements !== undefined && loose.length === 0) found.push(finding('pass', 'lockfile', 'every requirement pinned with ==', { file: 'requirements.txt' }));
  else if (requirements !== undefined) {
    found.push(finding('warn', 'lockfile', `${loose.length} requirement${loose.length === 1 ? '' : 's'} not pinned to a version`, { file: 'requirements.txt', line: loose[0] },
      'Pin every requirement (`pip freeze > requirements.txt`, or pip-tools/uv to compile a lock).'));
  } else found.push(finding('fail', 'lockfile', 'pyproject.toml has no lockfile', { file: 'pyproject.toml' }, 'Commit a lock (uv.lock, poetry.lock) or a pinned requirements.txt.'));
  const pinned = ['.python-version', 'runtime.txt'].find((file) => codebase.files.includes(file));
  found.push(pinned ? finding('pass', 'pinned-runtime', `Python pinned by ${pinned}`, { file: pinned })
    : finding('warn', 'pinned-runtime', 'no .python-version: the build uses whatever python3 the machine has', undefined, 'Add a .python-version file naming the version (e.g. 3.12).'));
  return found;
}

function commandName(call: CallFact, language: 'js' | 'py'): string | undefined {
  const first: Value | undefined = call.args[0];
  const shell = language === 'js' ? /^(exec|execSync|execaCommand)$/.test(calleeTail(call.callee)) : /^os\.(system|popen)$/.test(call.callee);
  if (first?.kind === 'string') return shell || language === 'py' ? first.value.trim().split(/\s+/)[0] : first.value;
  if (first?.kind === 'array' && first.items[0]?.kind === 'string') return first.items[0].value;
  return undefined; // a command in a variable: not known here
}

/** The tools an Aptfile (Heroku's list of Debian packages a build installs) declares. */
function declaredTools(codebase: Codebase): Set<string> {
  return new Set((codebase.read('Aptfile') ?? '').split('\n').map((line) => line.trim()).filter(Boolean));
}

function systemTools(codebase: Codebase): Finding[] {
  const declared = declaredTools(codebase);
  const found: Finding[] = [];
  for (const { file, call, source } of calls(codebase)) {
    const spawns = source.language === 'js'
      ? SPAWNS.test(calleeTail(call.callee)) && importsAny(source, ['child_process', 'execa', 'zx'])
      : PY_SPAWNS.test(call.callee);
    if (!spawns) continue;
    const tool = commandName(call, source.language);
    if (!tool || ALWAYS_THERE.has(tool) || tool.startsWith('./') || declared.has(tool)) continue;
    found.push(finding('warn', 'system-tools', `runs \`${tool}\`, a system tool no manifest declares`, { file, line: call.line },
      `Declare it (an Aptfile line \`${tool}\`'s package), or use a library from the app's dependencies instead.`));
  }
  return found;
}

/** The package a bare import names: `lodash/fp` -> lodash, `@scope/pkg/x` -> @scope/pkg; null for paths and builtins. */
export function packageOf(specifier: string): string | null {
  if (/^(\.|\/|node:|@\/|~|#|[a-z]+:)/.test(specifier) || BUILTINS.has(specifier.split('/')[0]!)) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function undeclaredPackages(codebase: Codebase): Finding[] {
  const pkg = codebase.packageJson;
  if (!pkg) return [];
  const declared = new Set(['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']
    .flatMap((section) => Object.keys((pkg[section] ?? {}) as Record<string, string>)));
  if (typeof pkg.name === 'string') declared.add(pkg.name);
  const seen = new Set<string>();
  const found: Finding[] = [];
  for (const source of codebase.sources) {
    if (source.language !== 'js') continue;
    for (const entry of source.imports) {
      const name = packageOf(entry.module);
      if (name === null || declared.has(name) || seen.has(name)) continue;
      seen.add(name);
      found.push(finding('fail', 'undeclared-dependencies', `imports ${name}, which package.json does not declare: it works only where it happens to be installed`,
        { file: source.file, line: entry.line }, `npm install ${name} (it goes into package.json and the lockfile).`));
    }
  }
  return found;
}

export const dependenciesCheck: Check = {
  factor: 2,
  run(codebase) {
    const found: Finding[] = [];
    if (codebase.packageJson) found.push(...nodeChecks(codebase), ...undeclaredPackages(codebase));
    if (codebase.files.includes('requirements.txt') || codebase.files.includes('pyproject.toml')) found.push(...pythonChecks(codebase));
    found.push(...systemTools(codebase));
    return found;
  },
};
