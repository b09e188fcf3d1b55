/** The checks of the twelve factors, in order. */
import { adminCheck } from './admin.js';
import { backingServicesCheck } from './backing-services.js';
import { buildReleaseRunCheck } from './build-release-run.js';
import type { Check } from './check.js';
import { codebaseCheck } from './codebase.js';
import { concurrencyCheck } from './concurrency.js';
import { configCheck } from './config.js';
import { dependenciesCheck } from './dependencies.js';
import { disposabilityCheck } from './disposability.js';
import { logsCheck } from './logs.js';
import { parityCheck } from './parity.js';
import { portBindingCheck } from './port-binding.js';
import { processesCheck } from './processes.js';

export const CHECKS: Check[] = [
  codebaseCheck, dependenciesCheck, configCheck, backingServicesCheck, buildReleaseRunCheck, processesCheck,
  portBindingCheck, concurrencyCheck, disposabilityCheck, parityCheck, logsCheck, adminCheck,
];
