/**
 * Cleans up after a previous run of twelve that was killed: its processes kept running in their own
 * process groups, recorded in the processes table. Only a process whose start time matches the record is
 * ours; a pid the kernel has since given to another program is left alone.
 */
import type pino from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../store/database.js';
import { listProcessRecords, forgetProcess, type ProcessRecord } from '../store/processes.js';
import { groupIsRunning, readProcStat, signalGroup } from '../launch/proc-stat.js';

const POLL_MS = 50;

/** Stops every recorded process group still running (SIGTERM, deadline, SIGKILL), forgets all records; returns how many it stopped. */
export async function reapOrphans(db: Db, logger: pino.Logger, stopTimeoutMs = 10_000): Promise<number> {
  const records = listProcessRecords(db);
  const ours = records.filter(isStillOurs);
  for (const record of ours) {
    logger.info({ pid: record.pid, process: `${record.type}.${record.number}`, appId: record.appId }, 'stopping a process left by the previous run');
    signalGroup(record.pid!, 'SIGTERM');
  }
  const deadline = Date.now() + stopTimeoutMs;
  let left = ours;
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(POLL_MS);
    left = left.filter((record) => groupIsRunning(record.pid!));
  }
  for (const record of left) {
    logger.warn({ pid: record.pid }, 'a process left by the previous run ignored SIGTERM; sending SIGKILL');
    signalGroup(record.pid!, 'SIGKILL');
  }
  for (const record of records) forgetProcess(db, record.id);
  return ours.length;
}

function isStillOurs(record: ProcessRecord): boolean {
  if (record.pid === null || record.startTicks === null) return false;
  // A zombie leader (exited, never reaped) still holds its pid, so its group is still certainly ours.
  const stat = readProcStat(record.pid);
  return stat !== null && stat.startTicks === record.startTicks && groupIsRunning(record.pid);
}
