/** `secrets:rotate-key`: re-encrypt every config value under a new key. */
import type { Command } from 'commander';
import type { Rotation } from '../../api/types.js';
import { CliError } from '../cli-error.js';
import { action, createClient, print, printJson, withJsonOption } from '../context.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

export function registerSecretsCommands(program: Command): void {
  withJsonOption(program.command('secrets:rotate-key')
    .description('encrypt every config value, release snapshot and addon secret under a new key')
    .option('--new-key-stdin', 'read the new key from stdin (required when the key comes from TWELVE_SECRET_KEY)'))
    .action(async (options: { json?: boolean; newKeyStdin?: boolean }) => {
      const newKey = options.newKeyStdin ? await readStdin() : undefined;
      if (options.newKeyStdin && !newKey) throw new CliError('INVALID_ARGUMENT', 'no key on stdin', 'Pipe the new key in: `openssl rand -hex 32 | twelve secrets:rotate-key --new-key-stdin`.');
      const rotation = await action('Rotating the config key', options.json,
        () => createClient().request<Rotation>('POST', '/v1/secrets/rotate-key', newKey ? { newKey } : {}),
        (r) => `done, ${r.resealed} values re-encrypted (key ${r.from} -> ${r.to})`);
      if (options.json) printJson(rotation);
      else if (rotation.restartWithNewKey) print('Set TWELVE_SECRET_KEY to the new key before twelve next starts.');
    });
}
