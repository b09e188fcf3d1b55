/**
 * The pre-receive hook twelve installs in each app's repository (src/git/app-repo.ts): a thin relay.
 * It sends the push's ref updates and quarantine to twelve (PUSH_DEPLOY_URL, with the one-time
 * PUSH_DEPLOY_TOKEN that twelve put into this push's environment), prints the lines twelve streams back
 * (git shows them to the pusher as `remote:` lines as they come) and exits with twelve's verdict: non-zero
 * refuses the push, and git then moves no ref. A program of its own, so it may set the exit code.
 */
import { request } from 'node:http';

interface HookEvent { type: 'line'; text: string }
interface HookResult { type: 'result'; ok: boolean }

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

function relay(url: string, token: string, body: string): Promise<boolean> {
  return new Promise((done) => {
    const refuse = (why: string) => {
      process.stdout.write(` !     ${why}: the push is refused\n`);
      done(false);
    };
    const call = request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        return refuse(`twelve answered ${response.statusCode}`);
      }
      let pending = '';
      let verdict: boolean | undefined;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const line of lines.filter(Boolean)) {
          const event = JSON.parse(line) as HookEvent | HookResult;
          if (event.type === 'line') process.stdout.write(`${event.text}\n`);
          else verdict = event.ok;
        }
      });
      response.on('end', () => (verdict === undefined ? refuse('twelve stopped answering') : done(verdict)));
      response.on('error', (error) => refuse(`twelve's answer broke off (${error.message})`));
    });
    call.on('error', (error) => refuse(`twelve is not reachable (${error.message})`));
    call.end(body);
  });
}

const url = process.env.PUSH_DEPLOY_URL;
const token = process.env.PUSH_DEPLOY_TOKEN;
if (!url || !token) {
  process.stdout.write(' !     this repository takes pushes only through twelve (git remote from `twelve git:remote`)\n');
  process.exitCode = 1;
} else {
  const updates = await readStdin();
  const ok = await relay(url, token, JSON.stringify({ updates, quarantine: process.env.GIT_QUARANTINE_PATH ?? null }));
  process.exitCode = ok ? 0 : 1;
}
