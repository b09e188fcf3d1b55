/**
 * What `twelve git:remote` runs in the user's repository, as argv arrays: the remote, and git's
 * credential settings for twelve's address, so git asks `twelve git:credential` for the API token at
 * each push and the token itself is never written into .git/config.
 */

/** git's URL of an app's repository on the twelve the CLI talks to. */
export function appRemoteUrl(apiUrl: string, app: string): string {
  return `${apiUrl.replace(/\/+$/, '')}/git/${encodeURIComponent(app)}.git`;
}

/** A repository on twelve: `.../git/APP.git`, the app's name captured. */
const APP_REPOSITORY = /\/git\/([a-z][a-z0-9-]*)\.git\/?$/;

/** The app whose repository on twelve a remote's URL is, if it is one. */
export function appOfRemoteUrl(url: string): string | undefined {
  return APP_REPOSITORY.exec(url)?.[1];
}

/** The remotes and their URLs, from `git config --get-regexp remote\..*\.url`. */
export function remotesOfConfig(configLines: string): Array<{ remote: string; url: string }> {
  return configLines.split('\n').flatMap((line) => {
    const match = /^remote\.(.+)\.url\s+(\S+)$/.exec(line.trim());
    return match ? [{ remote: match[1]!, url: match[2]! }] : [];
  });
}

/**
 * The remotes to re-point when an app is renamed, from `git config --get-regexp remote\..*\.url`:
 * each whose URL is the old app's repository, with that URL for the new name.
 * @example renamedRemotes('remote.twelve.url http://h/git/shop.git', 'shop', 'store')
 *   // [{ remote: 'twelve', url: 'http://h/git/store.git' }]
 */
export function renamedRemotes(configLines: string, app: string, newName: string): Array<{ remote: string; url: string }> {
  return remotesOfConfig(configLines)
    .filter(({ url }) => appOfRemoteUrl(url) === app)
    .map(({ remote, url }) => ({ remote, url: url.replace(APP_REPOSITORY, `/git/${encodeURIComponent(newName)}.git`) }));
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The helper git runs (a `!` helper is a shell command, `get` appended): this node and this CLI. */
export function credentialHelper(node: string, cli: string): string {
  return `!${shellQuote(node)} ${shellQuote(cli)} git:credential`;
}

/**
 * The git commands, in order. The empty helper first clears helpers from the user's global config
 * for this address, so none of them stores the token anywhere.
 */
export function gitRemoteCommands(input: { remote: string; url: string; exists: boolean; helper: string }): string[][] {
  const origin = new URL(input.url).origin;
  const key = `credential.${origin}.helper`;
  return [
    input.exists ? ['remote', 'set-url', input.remote, input.url] : ['remote', 'add', input.remote, input.url],
    ['config', '--local', '--unset-all', key],
    ['config', '--local', '--add', key, ''],
    ['config', '--local', '--add', key, input.helper],
    ['config', '--local', `credential.${origin}.username`, 'twelve'],
  ];
}

/** `git clone` of an app's repository into `dir`, with the same remote name and credential settings as git:remote. */
export function gitCloneArgs(input: { remote: string; url: string; dir: string; helper: string }): string[] {
  const origin = new URL(input.url).origin;
  const key = `credential.${origin}.helper`;
  return ['clone', '--origin', input.remote, '-c', `${key}=`, '-c', `${key}=${input.helper}`, '-c', `credential.${origin}.username=twelve`, input.url, input.dir];
}

/** The answer to git's `get`: the API token as the password (git's credential protocol, key=value lines). */
export function credentialAnswer(token: string): string {
  return `username=twelve\npassword=${token}\n`;
}
