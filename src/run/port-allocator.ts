/** Hands out the PORT of each web process from a range, never the same port twice while it is in use. */
import { createServer } from 'node:net';
import { TwelveError } from '../errors.js';

export class PortAllocator {
  private readonly handedOut = new Set<number>();
  private next: number;

  constructor(private readonly range: [number, number], start?: number) {
    // A random starting point, so two platforms (or a platform and its tests) sharing a range rarely race for one port.
    this.next = start ?? range[0] + Math.floor(Math.random() * (range[1] - range[0] + 1));
  }

  /**
   * A port not handed out yet and free right now. The search goes round the range rather than starting at
   * the bottom each time, so a port just released (a router may still hold a connection to it) rests a while.
   */
  async allocate(): Promise<number> {
    const [low, high] = this.range;
    for (let tried = 0; tried <= high - low; tried++) {
      const port = this.next;
      this.next = port >= high ? low : port + 1;
      if (this.handedOut.has(port)) continue;
      // Reserve before the await, so a concurrent allocate() cannot pick the same port.
      this.handedOut.add(port);
      if (await isFree(port)) return port;
      this.handedOut.delete(port);
    }
    throw new TwelveError('NO_FREE_PORT', `no free port left in ${low}-${high} for a web process`, { range: this.range });
  }

  release(port: number): void {
    this.handedOut.delete(port);
  }
}

/** Whether 127.0.0.1:port can be bound right now (an app listening on 0.0.0.0 or :: blocks it too). */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
