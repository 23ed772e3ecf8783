import type { ResolvedScenario } from '../scenario/scenario-schema.js';
import { strategyText } from '../scenario/strategy-schema.js';

/**
 * The agent flags that carry a scenario's announcer settings (docs/design.md's flag contract).
 * Every backend starts the agent with these; only identity, kubeconfig and ports differ.
 */
export function announcerFlags(a: ResolvedScenario['announcer']): string[] {
  return [
    '--lease-duration-ms',
    String(a.leaseDurationMs),
    '--renew-deadline-ms',
    String(a.renewDeadlineMs),
    '--retry-period-ms',
    String(a.retryPeriodMs),
    '--selection',
    a.selection,
    '--renew-mode',
    a.renewMode,
    '--lease-name-style',
    a.leaseNameStyle,
    // per-service is the agent's default; leaving it out keeps the reference command line as it was.
    ...(a.strategy.kind === 'per-service' ? [] : ['--strategy', strategyText(a.strategy)]),
  ];
}
