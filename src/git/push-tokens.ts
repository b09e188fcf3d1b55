/**
 * One-time tokens for the pre-receive hook to call twelve back: one per receive-pack request, good for
 * one app and one use, and gone when that request ends. The API token never reaches the hook.
 */
import { randomBytes } from 'node:crypto';

export class PushTokens {
  private readonly live = new Map<string, string>();

  issue(app: string): string {
    const token = randomBytes(24).toString('hex');
    this.live.set(token, app);
    return token;
  }

  /** True once, for the app the token was issued for. */
  redeem(token: string, app: string): boolean {
    if (this.live.get(token) !== app) return false;
    this.live.delete(token);
    return true;
  }

  revoke(token: string): void {
    this.live.delete(token);
  }
}
