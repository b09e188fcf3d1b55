import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameWithLlhttp, frameWithRouter, type Framing } from './framing-drivers.js';

/**
 * Differential fuzzing of the router's request framing against llhttp (node:http's parser). The rule:
 * the router may refuse what llhttp accepts (it is stricter on purpose), but every message the router
 * accepts, llhttp must frame the same way: same method, target, header count and body length, and the
 * router never reads past a point where llhttp would have stopped. A different answer there is a way to
 * smuggle a request past the router to a Node backend. Bounded in cases and time; the seed is fixed so
 * a failure repeats (TWELVE_FUZZ_SEED and TWELVE_FUZZ_CASES change them).
 */
const SEED = Number(process.env.TWELVE_FUZZ_SEED ?? 20_261_126);
const CASES = Number(process.env.TWELVE_FUZZ_CASES ?? 20_000);
const TIME_BUDGET_MS = 20_000;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const H = 'Host: a.localhost\r\n';
const SEEDS = [
  `GET / HTTP/1.1\r\n${H}\r\n`,
  `GET /path?q=1&r=%20 HTTP/1.1\r\n${H}Accept: */*\r\nX-Request-Id: abcdefghijklmnopqrstuvwxyz\r\n\r\n`,
  `POST /form HTTP/1.1\r\n${H}Content-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world`,
  `PUT /up HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n`,
  `POST /t HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n0\r\nX-Trailer: yes\r\n\r\n`,
  `GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /again HTTP/1.0\r\n\r\n`,
  `GET /1 HTTP/1.1\r\n${H}\r\nPOST /2 HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabcDELETE /3 HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
  `OPTIONS * HTTP/1.1\r\n${H}X-Tab:\tvalue\t\r\nX-Obs: caf\xe9\r\n\r\n`,
  `HEAD /h HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 0\r\n\r\n`,
];

const ALPHABET = ['\r', '\n', '\r\n', ' ', '\t', ':', ',', ';', '0', '1', 'a', 'F', '\x00', '\x0b', '\x7f', '\x80', '\xff', '-', '+', '/', '"', '='];
const LINES = [
  'Content-Length: 5', 'Content-Length: 0', 'Content-Length: 5, 5', 'Content-Length: -1', 'Transfer-Encoding: chunked',
  'Transfer-Encoding: identity', 'Transfer-Encoding: chunked, gzip', 'Transfer-Encoding:  chunked ', 'Connection: close',
  'Connection: keep-alive', 'Host: b.localhost', ' folded', 'X-A: b', '0', '5', 'hello', '',
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** One to three random edits of a seed: bytes inserted, deleted or replaced, framing lines spliced in or repeated. */
function mutate(random: () => number, text: string): string {
  let out = text;
  const edits = 1 + Math.floor(random() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (out.length + 1));
    const op = Math.floor(random() * 6);
    if (op === 0) out = out.slice(0, at) + pick(random, ALPHABET) + out.slice(at);
    else if (op === 1) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 3));
    else if (op === 2) out = out.slice(0, at) + pick(random, ALPHABET) + out.slice(at + 1);
    else if (op === 3) {
      const lineStart = out.lastIndexOf('\r\n', at) + 2;
      out = `${out.slice(0, lineStart)}${pick(random, LINES)}\r\n${out.slice(lineStart)}`;
    } else if (op === 4) {
      const lines = out.split('\r\n');
      const i = Math.floor(random() * lines.length);
      lines.splice(i, 0, lines[i]!);
      out = lines.join('\r\n');
    } else {
      out = out.slice(0, at) + out.slice(at).replace(/[a-z]/, (c) => c.toUpperCase());
    }
  }
  return out;
}

/** Why the two framings disagree in a way that matters, or undefined when the router is as strict or stricter. */
function disagreement(router: Framing, llhttp: Framing): string | undefined {
  if (router.messages.length > llhttp.messages.length) return `the router accepted ${router.messages.length} messages, llhttp ${llhttp.messages.length} (${llhttp.reason})`;
  for (let i = 0; i < router.messages.length; i++) {
    if (JSON.stringify(router.messages[i]) !== JSON.stringify(llhttp.messages[i])) return `message ${i} framed differently`;
  }
  if (router.end === 'ok' && (llhttp.end !== 'ok' || llhttp.messages.length !== router.messages.length)) return `the router read everything, llhttp: ${llhttp.end} (${llhttp.reason})`;
  if (router.end === 'closed' && llhttp.end === 'ok' && llhttp.messages.length === router.messages.length) return 'the router closed where llhttp kept the connection';
  return undefined;
}

test('every seed request is framed the same by the router and by llhttp', () => {
  for (const seed of SEEDS) {
    const bytes = Buffer.from(seed, 'latin1');
    const router = frameWithRouter(bytes);
    const llhttp = frameWithLlhttp(bytes);
    assert.notEqual(router.end, 'error', `${JSON.stringify(seed)}: ${router.reason}`);
    assert.deepEqual({ messages: router.messages, end: router.end }, { messages: llhttp.messages, end: llhttp.end }, JSON.stringify(seed));
  }
});

test('mutated requests: whatever the router accepts, llhttp frames the same way', (t) => {
  const random = prng(SEED);
  const started = Date.now();
  const tally = { cases: 0, bothAccept: 0, bothRefuse: 0, routerStricter: 0 };
  const stricterReasons = new Map<string, number>();
  for (let n = 0; n < CASES && Date.now() - started < TIME_BUDGET_MS; n++) {
    const text = mutate(random, pick(random, SEEDS));
    const bytes = Buffer.from(text, 'latin1');
    const router = frameWithRouter(bytes);
    const llhttp = frameWithLlhttp(bytes);
    tally.cases += 1;
    const problem = disagreement(router, llhttp);
    assert.equal(problem, undefined, `seed ${SEED}, case ${n}: ${problem}\n${JSON.stringify(text)}\nrouter: ${JSON.stringify(router)}\nllhttp: ${JSON.stringify(llhttp)}`);
    if (router.messages.length === llhttp.messages.length && router.end === llhttp.end) {
      if (router.end === 'error') tally.bothRefuse += 1;
      else tally.bothAccept += 1;
    } else {
      tally.routerStricter += 1;
      stricterReasons.set(router.reason ?? router.end, (stricterReasons.get(router.reason ?? router.end) ?? 0) + 1);
    }
  }
  t.diagnostic(`seed ${SEED}: ${JSON.stringify(tally)} in ${Date.now() - started} ms`);
  t.diagnostic(`router stricter: ${JSON.stringify(Object.fromEntries(stricterReasons))}`);
  assert.ok(tally.cases >= 1000, `only ${tally.cases} cases ran within the time budget`);
  assert.ok(tally.bothAccept > tally.cases / 20, 'too few mutated requests were valid: the fuzzer is not exercising acceptance');
});
