// A worker process: no port, works in the background, and stops cleanly on SIGTERM.
const greeting = process.env.GREETING ?? 'hello';
let ticks = 0;

const timer = setInterval(() => {
  ticks += 1;
  console.log(`${process.env.DYNO ?? 'worker'} tick ${ticks}: ${greeting}`);
}, 5000);

console.log(`${process.env.DYNO ?? 'worker'} started`);

process.on('SIGTERM', () => {
  clearInterval(timer);
  console.log('SIGTERM: worker done');
  process.exit(0);
});
