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
    // The agent's defaults (on-observe, release, per-address) are left out like the strategy's, so
    // the reference command line stays as it was and an agent without these flags still starts.
    ...(a.stepDown === 'on-observe' ? [] : ['--step-down', a.stepDown]),
    ...(a.onApiOutage === 'release' ? [] : ['--on-api-outage', a.onApiOutage]),
    ...(a.sharedAddressElection === 'per-address'
      ? []
      : ['--shared-address-election', a.sharedAddressElection]),
    // per-service is the agent's default; leaving it out keeps the reference command line as it was.
    ...(a.strategy.kind === 'per-service' ? [] : ['--strategy', strategyText(a.strategy)]),
  ];
}
