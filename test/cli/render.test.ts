import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppInfo, ProcessView, ReleaseView } from '../../src/api/types.js';
import { formatDateTime } from '../../src/cli/format.js';
import { renderApps, renderAppInfo, renderConfig, renderDeployEvent, renderFormation, renderProcesses, renderReleases } from '../../src/cli/render.js';

const SINCE = '2026-11-26T16:00:00.000Z';
const NOW = new Date('2026-11-26T16:03:10.000Z');
const shown = formatDateTime(SINCE);

function proc(name: string, extra: Partial<ProcessView> = {}): ProcessView {
  const [type, number] = name.split('.');
  return { name, type: type!, number: Number(number), state: 'up', pid: 4242, port: 20001, release: 1, command: 'node server.js', since: SINCE, restarts: 0, ...extra };
}

function release(version: number, extra: Partial<ReleaseView> = {}): ReleaseView {
  return { version, status: 'succeeded', description: `Deploy ${version}`, buildId: 'b', createdAt: SINCE, current: false, ...extra };
}

describe('renderProcesses', () => {
  it('prints a heading per type, web first, then a line per process with pid and port', () => {
    const text = renderProcesses('hello', [
      proc('worker.1', { command: 'node worker.js', port: null, pid: 11 }),
      proc('web.2', { port: 20002, pid: 43, state: 'crashed', restarts: 2 }),
      proc('web.1'),
    ], NOW);
    assert.equal(text, [
      '=== web (2): node server.js',
      `web.1: up ${shown} (~ 3m ago), pid 4242, port 20001`,
      `web.2: crashed ${shown} (~ 3m ago), pid 43, port 20002, 2 restarts`,
      '',
      '=== worker (1): node worker.js',
      `worker.1: up ${shown} (~ 3m ago), pid 11`,
    ].join('\n'));
  });

  it('says so when nothing runs', () => {
    assert.match(renderProcesses('hello', [], NOW), /^No processes on hello\./);
  });
});

describe('renderReleases', () => {
  it('lists releases with the current one marked and failed ones named', () => {
    const text = renderReleases('hello', [
      release(3, { status: 'failed', description: 'Deploy 1a2b3c4' }),
      release(2, { current: true, description: 'Set GREETING config vars' }),
      release(1),
    ]);
    assert.equal(text, [
      '=== hello Releases - Current: v2',
      `v3  Deploy 1a2b3c4            failed   ${shown}`,
      `v2  Set GREETING config vars  current  ${shown}`,
      `v1  Deploy 1                           ${shown}`,
    ].join('\n'));
  });

  it('tells how to deploy when there is no release', () => {
    assert.match(renderReleases('hello', []), /no releases yet.*twelve deploy -a hello/);
  });
});

describe('renderConfig', () => {
  it('prints the vars sorted and aligned under a heading', () => {
    assert.equal(renderConfig('hello', { GREETING: 'hi', A: 'x=y' }), '=== hello Config Vars\nA:        x=y\nGREETING: hi');
  });
});

describe('renderDeployEvent', () => {
  it('prints stages as headings, output as is, and the release with its URL last', () => {
    assert.equal(renderDeployEvent({ type: 'stage', stage: 'build' }), '-----> Building');
    assert.equal(renderDeployEvent({ type: 'output', text: '-----> Installing dependencies' }), '-----> Installing dependencies');
    assert.equal(renderDeployEvent({ type: 'done', release: release(1), url: 'http://hello.localhost:5000/' }),
      '-----> released v1\n       http://hello.localhost:5000/');
    assert.equal(renderDeployEvent({ type: 'error', error: { code: 'BUILD_FAILED', message: 'x', hint: 'h' } }), undefined);
  });
});

describe('renderApps, renderAppInfo, renderFormation', () => {
  it('lists apps with their release and URL', () => {
    const text = renderApps([
      { name: 'hello', createdAt: SINCE, currentRelease: 4, url: 'http://hello.localhost:5000/' },
      { name: 'shop', createdAt: SINCE, currentRelease: null, url: 'http://shop.localhost:5000/' },
    ]);
    assert.equal(text, '=== Apps\nhello  v4              http://hello.localhost:5000/\nshop   (not deployed)  http://shop.localhost:5000/');
  });

  it('shows an app before its first deploy', () => {
    const info: AppInfo = { name: 'hello', createdAt: SINCE, currentRelease: null, url: 'http://hello.localhost:5000/', release: null, build: null, formation: {}, processTypes: {} };
    assert.match(renderAppInfo(info), /^=== hello\n[\s\S]*Current Release: \(not deployed\)[\s\S]*Web URL: +http:\/\/hello\.localhost:5000\/$/);
  });

  it('joins a formation for ps:scale', () => {
    assert.equal(renderFormation({ web: 3, worker: 1 }, ' at '), 'web at 3, worker at 1');
  });
});
