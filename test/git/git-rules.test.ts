/** The pure parts of git push: the CGI environment and answer, which commit a push deploys, the hook, the CLI's git commands. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basicPassword } from '../../src/api/credentials.js';
import { pushLines } from '../../src/api/git-routes.js';
import { appOfRemoteUrl, appRemoteUrl, credentialAnswer, credentialHelper, gitCloneArgs, gitRemoteCommands, renamedRemotes } from '../../src/cli/git-config.js';
import { TwelveError } from '../../src/errors.js';
import { preReceiveScript } from '../../src/git/app-repo.js';
import { cgiEnvironment, parseCgiHeaders } from '../../src/git/http-backend.js';
import { archiveCommand, assertQuarantine, commitToDeploy, parseRefUpdates } from '../../src/git/push-deploy.js';
import { PushTokens } from '../../src/git/push-tokens.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const ZERO = '0'.repeat(40);

test('hands http-backend a CGI environment with the repository, the user that enables receive-pack and the request headers', () => {
  const env = cgiEnvironment({
    method: 'POST', projectRoot: '/data/apps/shop', pathInfo: '/repo.git/git-receive-pack', query: '', remoteUser: 'twelve', remoteAddr: '127.0.0.1',
    headers: { 'content-type': 'application/x-git-receive-pack-request', 'git-protocol': 'version=2', 'transfer-encoding': 'chunked' },
  }, { PUSH_DEPLOY_TOKEN: 't' });
  const { PATH: _path, ...rest } = env;
  assert.deepEqual(rest, {
    GATEWAY_INTERFACE: 'CGI/1.1', GIT_PROJECT_ROOT: '/data/apps/shop', GIT_HTTP_EXPORT_ALL: '1', PATH_INFO: '/repo.git/git-receive-pack',
    QUERY_STRING: '', REQUEST_METHOD: 'POST', REMOTE_USER: 'twelve', REMOTE_ADDR: '127.0.0.1',
    CONTENT_TYPE: 'application/x-git-receive-pack-request', GIT_PROTOCOL: 'version=2', PUSH_DEPLOY_TOKEN: 't',
  });
});

test('reads a CGI answer\'s status and headers', () => {
  assert.deepEqual(parseCgiHeaders('Status: 404 Not Found\r\nContent-Type: text/plain\r\n'), { status: 404, headers: { 'content-type': 'text/plain' } });
  assert.deepEqual(parseCgiHeaders('Expires: Fri, 01 Jan 1980 00:00:00 GMT\nContent-Type: application/x-git-receive-pack-advertisement\n'),
    { status: 200, headers: { expires: 'Fri, 01 Jan 1980 00:00:00 GMT', 'content-type': 'application/x-git-receive-pack-advertisement' } });
});

test('deploys the commit of the one branch a push moves, whatever its name; tags and deletions deploy nothing', () => {
  assert.deepEqual(commitToDeploy(parseRefUpdates(`${ZERO} ${A} refs/heads/feature\n`)), { sha: A, ref: 'refs/heads/feature' });
  assert.deepEqual(commitToDeploy(parseRefUpdates(`${B} ${A} refs/heads/main\n${ZERO} ${A} refs/heads/staging\n${ZERO} ${B} refs/tags/v1\n`)), { sha: A, ref: 'refs/heads/main' });
  assert.equal(commitToDeploy(parseRefUpdates(`${A} ${ZERO} refs/heads/old\n${ZERO} ${B} refs/tags/v1\n`)), null);
  assert.throws(() => commitToDeploy(parseRefUpdates(`${ZERO} ${A} refs/heads/a\n${ZERO} ${B} refs/heads/b\n`)),
    (error: unknown) => error instanceof TwelveError && error.code === 'GIT_PUSH_REFUSED' && /a, b/.test(error.message));
  assert.throws(() => parseRefUpdates('nonsense\n'), (error: unknown) => error instanceof TwelveError && error.code === 'BAD_REQUEST');
});

test('archives from the push\'s quarantine only when it lies inside the app\'s repository', () => {
  assertQuarantine('/d/repo.git', '/d/repo.git/./objects/tmp_objdir-incoming-Ab12');
  for (const bad of ['/d/other.git/objects/tmp_objdir-incoming-Ab12', '/d/repo.git/objects/../../x', 'objects/tmp_objdir-incoming-Ab12']) {
    assert.throws(() => assertQuarantine('/d/repo.git', bad), (error: unknown) => error instanceof TwelveError && error.code === 'BAD_REQUEST', bad);
  }
  const { args, env } = archiveCommand('/d/repo.git', '/d/repo.git/objects/tmp_objdir-incoming-Ab12', A);
  assert.deepEqual(args, ['archive', '--format=tar.gz', A]);
  assert.deepEqual({ ...env, PATH: undefined }, {
    PATH: undefined, GIT_DIR: '/d/repo.git', GIT_OBJECT_DIRECTORY: '/d/repo.git/objects/tmp_objdir-incoming-Ab12', GIT_ALTERNATE_OBJECT_DIRECTORIES: '/d/repo.git/objects',
  });
});

test('a push token works once, for its own app', () => {
  const tokens = new PushTokens();
  const token = tokens.issue('shop');
  assert.equal(tokens.redeem(token, 'other'), false);
  assert.equal(tokens.redeem(token, 'shop'), true);
  assert.equal(tokens.redeem(token, 'shop'), false);
  const revoked = tokens.issue('shop');
  tokens.revoke(revoked);
  assert.equal(tokens.redeem(revoked, 'shop'), false);
});

test('the hook execs this node and the hook program, quoted for sh', () => {
  assert.equal(preReceiveScript('/usr/bin/node', "/opt/it's/hook.js"),
    "#!/bin/sh\n# Written by twelve: hands the push to twelve for a deploy (docs/git-push.md).\nexec '/usr/bin/node' '/opt/it'\\''s/hook.js'\n");
});

test('git:remote sets the remote and a credential helper for twelve\'s address, clearing other helpers first', () => {
  const url = appRemoteUrl('http://127.0.0.1:5100/', 'shop');
  assert.equal(url, 'http://127.0.0.1:5100/git/shop.git');
  const helper = credentialHelper('/usr/bin/node', '/opt/twelve/bin/twelve.js');
  assert.equal(helper, "!'/usr/bin/node' '/opt/twelve/bin/twelve.js' git:credential");
  assert.deepEqual(gitRemoteCommands({ remote: 'twelve', url, exists: false, helper }), [
    ['remote', 'add', 'twelve', url],
    ['config', '--local', '--unset-all', 'credential.http://127.0.0.1:5100.helper'],
    ['config', '--local', '--add', 'credential.http://127.0.0.1:5100.helper', ''],
    ['config', '--local', '--add', 'credential.http://127.0.0.1:5100.helper', helper],
    ['config', '--local', 'credential.http://127.0.0.1:5100.username', 'twelve'],
  ]);
  assert.deepEqual(gitRemoteCommands({ remote: 'prod', url, exists: true, helper })[0], ['remote', 'set-url', 'prod', url]);
  assert.equal(credentialAnswer('tok'), 'username=twelve\npassword=tok\n');
  assert.deepEqual(gitCloneArgs({ remote: 'twelve', url, dir: 'shop', helper }), [
    'clone', '--origin', 'twelve', '-c', 'credential.http://127.0.0.1:5100.helper=', '-c', `credential.http://127.0.0.1:5100.helper=${helper}`,
    '-c', 'credential.http://127.0.0.1:5100.username=twelve', url, 'shop',
  ]);
});

test('reads the token from Basic auth\'s password, whatever the user name', () => {
  assert.equal(basicPassword(`Basic ${Buffer.from('twelve:s3:cret').toString('base64')}`), 's3:cret');
  assert.equal(basicPassword(`Basic ${Buffer.from('nocolon').toString('base64')}`), undefined);
  assert.equal(basicPassword('Bearer x'), undefined);
});

test('shows a failed deploy as the error, its hint and the process\'s last lines', () => {
  assert.deepEqual(pushLines({ type: 'error', error: { code: 'BOOT_FAILED', message: 'web did not come up', hint: 'Read the output.', details: { lastLines: ['boom'] } } }),
    [' !     web did not come up', ' !     Read the output.', '       boom']);
  assert.deepEqual(pushLines({ type: 'stage', stage: 'release' }), ['-----> Releasing']);
});

test('finds the app of a twelve remote, and re-points the remotes of a renamed app only', () => {
  assert.equal(appOfRemoteUrl('http://127.0.0.1:5100/git/shop.git'), 'shop');
  assert.equal(appOfRemoteUrl('http://127.0.0.1:5100/git/shop.git/'), 'shop');
  assert.equal(appOfRemoteUrl('git@github.com:someone/shop.git'), undefined);
  const config = [
    'remote.twelve.url http://h:5100/git/shop.git',
    'remote.staging.url http://h:5100/git/shop-staging.git',
    'remote.origin.url git@github.com:someone/shop.git',
  ].join('\n');
  assert.deepEqual(renamedRemotes(config, 'shop', 'store'), [{ remote: 'twelve', url: 'http://h:5100/git/store.git' }]);
});
