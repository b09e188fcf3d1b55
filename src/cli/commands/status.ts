/** `status`: how twelve runs apps on this machine (the sandbox's state, and why it is off or refused). */
import type { Command } from 'commander';
import type { PlatformStatus } from '../../api/types.js';
import { type CommonOptions, createClient, print, printJson, withJsonOption } from '../context.js';

export function registerStatusCommand(program: Command): void {
  withJsonOption(program.command('status').description('show how twelve runs apps here: the sandbox on, off, or refused and why'))
    .action(async (options: CommonOptions) => {
      const status = await createClient().request<PlatformStatus>('GET', '/v1/status');
      if (options.json) printJson(status);
      else print(renderStatus(status));
    });
}

export function renderStatus(status: PlatformStatus): string {
  const { sandbox } = status;
  if (sandbox.problem) return `sandbox: refused — apps will not build or start: ${sandbox.problem}\n(fix it, or start twelve with TWELVE_SANDBOX=off: docs/security.md)`;
  if (!sandbox.active) return 'sandbox: off (TWELVE_SANDBOX=off) — apps run as twelve\'s own user and can read what twelve can';
  return `sandbox: on — each process as its app's user, a private /app (${sandbox.appView}), its own PID and mount namespaces`;
}
