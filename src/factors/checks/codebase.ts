/** I. Codebase: one app per repository, deployed by commit; no code pulled from beside it. */
import type { Codebase } from '../codebase-scan.js';
import type { Finding } from '../report.js';
import { finding, lineOf, type Check } from './check.js';

/** Directories of examples and tests hold apps that are not the app. */
const NOT_APPS = /(^|\/)(test|tests|__tests__|spec|fixtures|examples?|docs|e2e|samples?)\//;

function otherApps(codebase: Codebase): string[] {
  const dirs = new Set<string>();
  for (const file of codebase.files) {
    const match = /^(.+)\/(Procfile|package\.json|requirements\.txt|pyproject\.toml)$/.exec(file);
    if (!match || NOT_APPS.test(file)) continue;
    const text = match[2] === 'package.json' ? codebase.read(file) : undefined;
    if (match[2] === 'package.json' && !/"start"\s*:/.test(text ?? '')) continue; // a library of a monorepo, not an app
    dirs.add(match[1]!);
  }
  return [...dirs];
}

function siblingDependencies(codebase: Codebase): Finding[] {
  const found: Finding[] = [];
  const pkg = codebase.read('package.json');
  for (const section of ['dependencies', 'devDependencies', 'optionalDependencies'] as const) {
    const deps = codebase.packageJson?.[section];
    if (!deps || typeof deps !== 'object') continue;
    for (const [name, spec] of Object.entries(deps as Record<string, string>)) {
      if (/^(file|link|portal):\.\.|^\.\.\//.test(spec)) {
        found.push(finding('warn', 'sibling-dependencies', `${name} comes from a directory outside the codebase (${spec})`,
          { file: 'package.json', line: lineOf(pkg, `"${name}"`) }, 'Publish the shared code as a package (a registry or a git URL) and depend on a version of it.'));
      }
    }
  }
  const requirements = codebase.read('requirements.txt');
  requirements?.split('\n').forEach((line, index) => {
    if (/^\s*(-e\s+)?(file:)?\.\.\//.test(line)) {
      found.push(finding('warn', 'sibling-dependencies', `requirements.txt installs ${line.trim()} from outside the codebase`,
        { file: 'requirements.txt', line: index + 1 }, 'Publish the shared code as a package and pin a version of it.'));
    }
  });
  if (codebase.files.includes('.gitmodules')) {
    found.push(finding('warn', 'sibling-dependencies', 'git submodules pull code from other repositories', { file: '.gitmodules' },
      'Depend on the other repositories as packages, so a deploy\'s commit names all of its code.'));
  }
  return found;
}

export const codebaseCheck: Check = {
  factor: 1,
  run(codebase) {
    const found: Finding[] = [];
    const apps = otherApps(codebase);
    if (apps.length > 0) {
      found.push(finding('warn', 'one-app', `more than one app in the codebase: ${apps.slice(0, 5).join(', ')}${apps.length > 5 ? ', ...' : ''} besides the root`,
        { file: apps[0]! }, 'Give each app its own repository, and share code between them as packages.'));
    }
    found.push(...siblingDependencies(codebase));
    if (codebase.origin.kind === 'build') {
      const sha = codebase.origin.sourceSha;
      found.push(sha ? finding('pass', 'deploys-by-commit', `the release was built from commit ${sha.slice(0, 12)}`)
        : finding('warn', 'deploys-by-commit', 'the release was deployed from a directory, not a commit', undefined, 'Deploy from a git work tree (`twelve deploy DIR` sends HEAD), so each release names its commit.'));
    } else if (codebase.tracked === null) {
      found.push(finding('warn', 'deploys-by-commit', 'not a git work tree: its deploys cannot be recorded by commit', undefined, 'Put the codebase under git (`git init`, commit), and deploy commits.'));
    } else {
      found.push(finding('pass', 'deploys-by-commit', `a git work tree with ${codebase.tracked.length} tracked files; deploys send HEAD`));
    }
    return found;
  },
};
