/** The messages between twelve and its spawn helper (spawn-helper.ts, helper-spawner.ts). */

export type HelperRequest =
  | { type: 'output'; id: number; fd: 1 | 2 }
  | { type: 'spawn'; id: number; file: string; args: string[]; cwd: string; env: Record<string, string> };

export type HelperReply =
  | { type: 'spawned'; id: number; pid: number }
  | { type: 'error'; id: number; error: { message: string; code?: string } }
  | { type: 'exit'; id: number; code: number | null; signal: NodeJS.Signals | null };
