/** VIII. Concurrency: scale out by process type; no self-daemonizing, no clock inside the web process. */
import type { Codebase } from '../codebase-scan.js';
import { calleeTail } from '../facts.js';
import type { Finding } from '../report.js';
import { calls, finding, type Check } from './check.js';

const DAEMONIZES = /\b(pm2 start|forever start|nohup|daemonize|--daemon)\b|\s-D$|&\s*$/;
const JS_CRON = /^(cron\.schedule|schedule\.scheduleJob|scheduleJob|CronJob|agenda\.every|new CronJob)$/;
const PY_CRON = /^(schedule\.every|BackgroundScheduler|AsyncIOScheduler|BlockingScheduler|\w+\.add_job)$/;
/** A timer this long is scheduled work, not a heartbeat. */
const CLOCK_INTERVAL_MS = 60_000;

/** Whether a file is the one a non-web process type runs (a clock or worker process), where a timer belongs. */
function runByOtherType(codebase: Codebase, file: string): boolean {
  const base = file.replace(/\.[^./]+$/, '');
  return (codebase.procfile ?? []).some((entry) => entry.type !== 'web' && (entry.command.includes(file) || entry.command.includes(base)));
}

function inProcessCron(codebase: Codebase): Finding[] {
  const found: Finding[] = [];
  for (const { file, call, source } of calls(codebase)) {
    const interval = call.args[1];
    const cron = source.language === 'js'
      ? JS_CRON.test(call.callee) || calleeTail(call.callee) === 'CronJob' || (call.callee === 'setInterval' && interval?.kind === 'number' && interval.value >= CLOCK_INTERVAL_MS)
      : PY_CRON.test(call.callee) || PY_CRON.test(calleeTail(call.callee));
    if (!cron || runByOtherType(codebase, file)) continue;
    found.push(finding('warn', 'in-process-cron', `scheduled work inside the process (${call.callee}): it runs once per process, and not at all while none runs`,
      { file, line: call.line }, 'Move it to a `clock:` process type in the Procfile, scaled to one (`twelve ps:scale clock=1`).'));
  }
  return found;
}

export const concurrencyCheck: Check = {
  factor: 8,
  run(codebase) {
    const found: Finding[] = [];
    if (codebase.procfile) {
      const types = codebase.procfile.filter((entry) => entry.type !== 'release').map((entry) => entry.type);
      found.push(finding('pass', 'process-types', `process types in the Procfile: ${types.join(', ')}`, { file: 'Procfile' }));
      for (const entry of codebase.procfile) {
        const daemon = DAEMONIZES.exec(entry.command)?.[0];
        if (daemon) {
          found.push(finding('fail', 'self-daemonizing', `${entry.type} puts itself in the background (\`${daemon.trim()}\`): twelve sees it exit and loses it`,
            { file: 'Procfile', line: entry.line }, 'Run the process in the foreground; twelve supervises, restarts and scales it.'));
        }
      }
    } else if (codebase.packageJson || codebase.sources.length > 0) {
      found.push(finding('warn', 'process-types', 'no Procfile: the app has one implicit process type (web)', undefined,
        'Add a Procfile naming each process type (web, worker, clock), so each can be scaled on its own.'));
    }
    found.push(...inProcessCron(codebase));
    return found;
  },
};
