/** The callers waiting for one process to come up, each with its own deadline. */
import type { TwelveError } from '../errors.js';

interface Waiter {
  resolve: () => void;
  reject: (error: TwelveError) => void;
}

export class UpWaiters {
  private readonly waiters = new Set<Waiter>();

  /** Resolves on `settle(null)`, rejects on `settle(error)` or with `onTimeout()` after `timeoutMs`. */
  wait(timeoutMs: number, onTimeout: () => TwelveError): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(onTimeout());
      }, timeoutMs);
      const waiter: Waiter = {
        resolve: () => { clearTimeout(timer); resolve(); },
        reject: (error) => { clearTimeout(timer); reject(error); },
      };
      this.waiters.add(waiter);
    });
  }

  settle(failure: TwelveError | null): void {
    for (const waiter of this.waiters) {
      if (failure) waiter.reject(failure);
      else waiter.resolve();
    }
    this.waiters.clear();
  }
}
