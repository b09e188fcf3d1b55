/**
 * Factor X against a named app (`twelve factors -a APP --against OTHER`): twelve parity's differences
 * (docs/parity.md) as findings. Backing services and runtimes that differ fail; the time gap (another
 * commit) and config keys missing on one side are warnings.
 */
import type { Parity } from '../config/parity.js';
import type { Finding } from './report.js';

export function parityFindings(parity: Parity): Finding[] {
  const { a, b } = parity;
  const fix = `Give ${b.app} what ${a.app} has (the same addons and runtime; \`twelve pipelines:promote\` ships the same build); \`twelve parity ${a.app} ${b.app}\` shows both side by side.`;
  const found = parity.differences.map((difference): Finding => {
    const serious = /^(stack|runtime |addon )/.test(difference);
    return { verdict: serious ? 'fail' : 'warn', check: 'parity-against', message: `against ${b.app}: ${difference}`, fix };
  });
  return found.length > 0 ? found : [{ verdict: 'pass', check: 'parity-against', message: `${a.app} and ${b.app} run the same stack, runtimes, addons and process types` }];
}
