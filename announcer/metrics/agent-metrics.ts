import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The agent's Prometheus metrics, in their own registry (not prom-client's global one, so tests
 * can make several). Names mirror what the harness scrapes; `_total` counters, seconds for time.
 */
export class AgentMetrics {
  readonly registry = new Registry();
  /** Leases this node currently holds. */
  readonly leasesHeld = new Gauge({
    name: 'l2announcer_leases_held',
    help: 'Leases this node currently holds',
    registers: [this.registry],
  });
  readonly leaseAcquisitions = new Counter({
    name: 'l2announcer_lease_acquisitions_total',
    help: 'Times this node became leader of a lease',
    registers: [this.registry],
  });
  /** Losses of leadership (lease expired, taken over, released). */
  readonly leaseTransitions = new Counter({
    name: 'l2announcer_lease_transitions_total',
    help: 'Times this node stopped leading a lease',
    registers: [this.registry],
  });
  readonly renewLatency = new Histogram({
    name: 'l2announcer_renew_latency_seconds',
    help: 'Latency of successful lease renewals',
    // Around the API server's typical 1-50 ms, up to the 5 s renew deadline.
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly renewFailures = new Counter({
    name: 'l2announcer_renew_failures_total',
    help: 'Failed renew attempts while leading (error or conflict)',
    registers: [this.registry],
  });
  readonly apiRequests = new Counter<'verb' | 'code'>({
    name: 'l2announcer_api_requests_total',
    help: 'Lease API requests by verb and HTTP status code (0: no response)',
    labelNames: ['verb', 'code'],
    registers: [this.registry],
  });
  readonly vipBinds = new Counter({
    name: 'l2announcer_vip_binds_total',
    help: 'VIPs added to an interface',
    registers: [this.registry],
  });
  readonly vipUnbinds = new Counter({
    name: 'l2announcer_vip_unbinds_total',
    help: 'VIPs removed from an interface (released or stale)',
    registers: [this.registry],
  });
  readonly garpSent = new Counter({
    name: 'l2announcer_garp_sent_total',
    help: 'Gratuitous ARP packets sent',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
