/** What one benchmark is: a name for the argv filter and a run that records measurements or skips. */
import type { Measurement, Skipped } from './report.js';

export interface PartContext {
  record(measurement: Measurement): void;
  /** A piece of the part cannot run here (a tool is missing): say why and how to fix it, and go on. */
  skip(reason: string): void;
}

export interface Part {
  name: string;
  description: string;
  run(context: PartContext): Promise<void>;
}

export type { Measurement, Skipped };
