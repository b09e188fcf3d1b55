import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDotenv, parseDotenv } from '../../src/config/dotenv.js';

// The cases dotenv's README and its test .env document, with the values dotenv reads.
const DOTENV_CASES = `
BASIC=basic

# previous line intentionally left blank
AFTER_LINE=after_line
EMPTY=
EMPTY_SINGLE_QUOTES=''
EMPTY_DOUBLE_QUOTES=""
EMPTY_BACKTICKS=\`\`
SINGLE_QUOTES='single_quotes'
SINGLE_QUOTES_SPACED='    single quotes    '
DOUBLE_QUOTES="double_quotes"
DOUBLE_QUOTES_SPACED="    double quotes    "
DOUBLE_QUOTES_INSIDE_SINGLE='double "quotes" work inside single quotes'
DOUBLE_QUOTES_WITH_NO_SPACE_BRACKET="{ port: $MONGOLAB_PORT}"
SINGLE_QUOTES_INSIDE_DOUBLE="single 'quotes' work inside double quotes"
BACKTICKS_INSIDE_SINGLE='\`backticks\` work inside single quotes'
BACKTICKS_INSIDE_DOUBLE="\`backticks\` work inside double quotes"
BACKTICKS=\`backticks\`
BACKTICKS_SPACED=\`    backticks    \`
DOUBLE_QUOTES_INSIDE_BACKTICKS=\`double "quotes" work inside backticks\`
SINGLE_QUOTES_INSIDE_BACKTICKS=\`single 'quotes' work inside backticks\`
EXPAND_NEWLINES="expand\\nnew\\nlines"
DONT_EXPAND_UNQUOTED=dontexpand\\nnewlines
DONT_EXPAND_SQUOTED='dontexpand\\nnewlines'
# COMMENTS=work
INLINE_COMMENTS=inline comments # work #very #well
INLINE_COMMENTS_SINGLE_QUOTES='inline comments outside of #singlequotes' # work
INLINE_COMMENTS_DOUBLE_QUOTES="inline comments outside of #doublequotes" # work
INLINE_COMMENTS_BACKTICKS=\`inline comments outside of #backticks\` # work
INLINE_COMMENTS_SPACE=inline comments start with a#number sign. no space required.
EQUAL_SIGNS=equals==
RETAIN_INNER_QUOTES={"foo": "bar"}
RETAIN_INNER_QUOTES_AS_STRING='{"foo": "bar"}'
TRIM_SPACE_FROM_UNQUOTED=    some spaced out string
USERNAME=therealnerdybeast@example.tld
    SPACED_KEY = parsed
export EXPORTED=yes
MULTI_DOUBLE_QUOTED="THIS
IS
A
MULTILINE
STRING"
MULTI_SINGLE_QUOTED='THIS
IS
A
MULTILINE'
MULTI_PEM_DOUBLE_QUOTED="-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG
-----END PUBLIC KEY-----"
`;

test('reads every case dotenv documents the way dotenv does', () => {
  const { vars, problems } = parseDotenv(DOTENV_CASES);
  assert.deepEqual(problems, []);
  assert.deepEqual(vars, {
    BASIC: 'basic', AFTER_LINE: 'after_line', EMPTY: '', EMPTY_SINGLE_QUOTES: '', EMPTY_DOUBLE_QUOTES: '', EMPTY_BACKTICKS: '',
    SINGLE_QUOTES: 'single_quotes', SINGLE_QUOTES_SPACED: '    single quotes    ', DOUBLE_QUOTES: 'double_quotes',
    DOUBLE_QUOTES_SPACED: '    double quotes    ', DOUBLE_QUOTES_INSIDE_SINGLE: 'double "quotes" work inside single quotes',
    DOUBLE_QUOTES_WITH_NO_SPACE_BRACKET: '{ port: $MONGOLAB_PORT}', SINGLE_QUOTES_INSIDE_DOUBLE: "single 'quotes' work inside double quotes",
    BACKTICKS_INSIDE_SINGLE: '`backticks` work inside single quotes', BACKTICKS_INSIDE_DOUBLE: '`backticks` work inside double quotes',
    BACKTICKS: 'backticks', BACKTICKS_SPACED: '    backticks    ', DOUBLE_QUOTES_INSIDE_BACKTICKS: 'double "quotes" work inside backticks',
    SINGLE_QUOTES_INSIDE_BACKTICKS: "single 'quotes' work inside backticks", EXPAND_NEWLINES: 'expand\nnew\nlines',
    DONT_EXPAND_UNQUOTED: 'dontexpand\\nnewlines', DONT_EXPAND_SQUOTED: 'dontexpand\\nnewlines', INLINE_COMMENTS: 'inline comments',
    INLINE_COMMENTS_SINGLE_QUOTES: 'inline comments outside of #singlequotes', INLINE_COMMENTS_DOUBLE_QUOTES: 'inline comments outside of #doublequotes',
    INLINE_COMMENTS_BACKTICKS: 'inline comments outside of #backticks', INLINE_COMMENTS_SPACE: 'inline comments start with a',
    EQUAL_SIGNS: 'equals==', RETAIN_INNER_QUOTES: '{"foo": "bar"}', RETAIN_INNER_QUOTES_AS_STRING: '{"foo": "bar"}',
    TRIM_SPACE_FROM_UNQUOTED: 'some spaced out string', USERNAME: 'therealnerdybeast@example.tld', SPACED_KEY: 'parsed', EXPORTED: 'yes',
    MULTI_DOUBLE_QUOTED: 'THIS\nIS\nA\nMULTILINE\nSTRING', MULTI_SINGLE_QUOTED: 'THIS\nIS\nA\nMULTILINE',
    MULTI_PEM_DOUBLE_QUOTED: '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG\n-----END PUBLIC KEY-----',
  });
});

test('unescapes backslashes inside double quotes as foreman does, and reads CRLF files', () => {
  const { vars } = parseDotenv('A="say \\"hi\\" \\\\ back"\r\nB=two\r\n');
  assert.deepEqual(vars, { A: 'say "hi" \\ back', B: 'two' });
});

test('reports lines that are not assignments instead of dropping them', () => {
  const { vars, problems } = parseDotenv('A=1\njust words\nB=2\n');
  assert.deepEqual(vars, { A: '1', B: '2' });
  assert.deepEqual(problems, [{ line: 2, text: 'just words' }]);
});

test('config --shell output reads back to the same values', () => {
  const config = {
    PLAIN: 'abc', EMPTY: '', SPACES: '  two words ', QUOTES: `it's "quoted"`, HASH: 'a#b', NEWLINES: 'one\ntwo\r\nthree',
    SHELL: '$HOME `cmd` \\n', URL: 'postgres://u:p%40ss@127.0.0.1:5432/db?x=1&y=2', UNICODE: 'héllo ✓',
  };
  const text = formatDotenv(config);
  assert.deepEqual(parseDotenv(text).vars, config);
  assert.match(text, /^EMPTY=$/m);
  assert.match(text, /^PLAIN=abc$/m);
});
