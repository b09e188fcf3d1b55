// A web process: binds to PORT (factor VII), reads its config from the environment (factor III),
// logs to stdout (factor XI) and stops cleanly on SIGTERM (factor IX).
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 5000);
const greeting = process.env.GREETING ?? 'hello';

const server = createServer((request, response) => {
  if (request.url === '/up') {
    response.end('ok\n');
    return;
  }
  const body = {
    greeting,
    dyno: process.env.DYNO,
    port,
    requestId: request.headers['x-request-id'],
    forwardedFor: request.headers['x-forwarded-for'],
  };
  console.log(`${request.method} ${request.url} -> 200`);
  response.setHeader('content-type', 'application/json');
  response.end(`${JSON.stringify(body)}\n`);
});

server.listen(port, () => console.log(`${process.env.DYNO ?? 'web'} listening on ${port}, saying "${greeting}"`));

process.on('SIGTERM', () => {
  console.log('SIGTERM: finishing requests in flight');
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
