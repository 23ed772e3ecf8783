/**
 * Entry point of the announcer agent, one per node:
 * `ip netns exec <ns> node <bundle of this file>.mjs --kubeconfig <file> --node-name <name> ...`
 * (harness/docker/bundle.ts bundles it; `node --import tsx announcer/main.ts` runs it from source)
 * Parses flags, wires the real Kubernetes client, dataplane and metrics into an {@link Agent},
 * and turns SIGTERM/SIGINT into a graceful stop that exits 0 within 3 s.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { Agent, electionBase } from './agent.js';
import { ConfigError, parseAgentConfig, usage } from './config.js';
import { procSysctl } from './dataplane/arp-isolation.js';
import { spawnCommandRunner } from './dataplane/command-runner.js';
import { VipDataplane } from './dataplane/vip-dataplane.js';
import { systemClock } from './election/clock.js';
import { makeStrategy } from './election/election-strategy.js';
import { K8sLeaseClient } from './election/k8s-lease-client.js';
import { startLeaseGc } from './election/lease-gc.js';
import { leaderElectorFactory } from './elector-factory.js';
import { JsonLogger } from './json-logger.js';
import { Http2Transport } from './k8s/http2-transport.js';
import { AgentMetrics } from './metrics/agent-metrics.js';
import { startMetricsServer } from './metrics/metrics-server.js';

/** Cilium's L2 announcer lease GC: prefix of its lease names and its timer (pkg/l2announcer). */
const LEASE_GC_PREFIX = 'cilium-l2announce';
const LEASE_GC_INTERVAL_MS = 60_000;

/** The harness allows 3 s between SIGTERM and SIGKILL-equivalent judgement; keep a margin. */
const shutdownBudgetMs = 2500;
const hardExitMs = 2900;

async function main(): Promise<number> {
  let cfg: ReturnType<typeof parseAgentConfig>;
  try {
    cfg = parseAgentConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`l2announcer: ${err.message}\n`);
    return err.exitCode;
  }
  if (cfg === 'help') {
    process.stdout.write(`${usage}\n`);
    return 0;
  }

  const log = new JsonLogger(cfg.nodeName);
  const kc = new KubeConfig();
  try {
    if (cfg.kubeconfig === null) kc.loadFromCluster();
    else kc.loadFromFile(cfg.kubeconfig);
  } catch (err) {
    process.stderr.write(
      `l2announcer: --kubeconfig ${cfg.kubeconfig ?? '(in-cluster)'}: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 2;
  }
  const metrics = new AgentMetrics();
  // Lease requests as client-go sends them: streams on one HTTP/2 connection. L2A_TRANSPORT=http1
  // keeps client-node's own stack (a new TLS connection per request) for comparison.
  const transport = process.env.L2A_TRANSPORT === 'http1' ? undefined : new Http2Transport(kc);
  const leaseClient = new K8sLeaseClient(
    kc,
    (verb, code, _latencyMs) => {
      metrics.apiRequests.inc({ verb, code: String(code) });
    },
    transport ? { httpApi: transport.httpLibrary() } : {},
  );
  const dataplane = new VipDataplane({
    run: spawnCommandRunner(),
    log,
    sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
    sysctl: procSysctl,
    counters: {
      bind: () => metrics.vipBinds.inc(),
      unbind: () => metrics.vipUnbinds.inc(),
      garp: () => metrics.garpSent.inc(),
    },
  });
  const agent = new Agent(cfg, {
    kc,
    log,
    metrics,
    dataplane,
    makeElector: leaderElectorFactory(leaseClient, systemClock),
    strategy: makeStrategy({
      spec: cfg.strategy,
      base: electionBase(cfg),
      leaseNamespace: cfg.leaseNamespace,
      client: leaseClient,
      watchApi: leaseClient,
      clock: systemClock,
    }),
  });

  let server: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  const shutdown = (signal: string): void => {
    if (shuttingDown) {
      process.exit(0); // a second signal: the operator is impatient
    }
    shuttingDown = true;
    log.log('warn', { msg: `${signal}: shutting down` });
    setTimeout(() => {
      log.log('error', { msg: `shutdown exceeded ${hardExitMs} ms; exiting anyway` });
      process.exit(0);
    }, hardExitMs).unref();
    void agent
      .stop(shutdownBudgetMs)
      .then(() => server?.close())
      .finally(() => process.exit(0));
  };
  let shuttingDown = false;
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  try {
    server = await startMetricsServer({
      registry: metrics.registry,
      port: cfg.metricsPort,
      healthy: () => agent.health(),
    });
    await agent.start();
    // Every Cilium agent with L2 announcements on LISTs the lease namespace once a minute.
    if (!cfg.operatorOnly && cfg.leaseNameStyle === 'cilium') {
      const gc = startLeaseGc({
        api: leaseClient,
        namespace: cfg.leaseNamespace,
        prefix: LEASE_GC_PREFIX,
        intervalMs: LEASE_GC_INTERVAL_MS,
        onError: (err) => log.error(err, { msg: 'lease GC failed; retrying in a minute' }),
      });
      process.once('exit', () => gc.stop());
    }
  } catch (err) {
    log.error(err, { msg: 'cannot start' });
    await agent.stop(500).catch(() => undefined);
    return 1;
  }
  return -1; // keep running until a signal
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`l2announcer: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
