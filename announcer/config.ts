import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { OnApiOutage, StepDown } from './election/election-config.js';
import { parseStrategy, type StrategySpec } from './election/election-strategy.js';

/** A flag or L2A_* variable is invalid; the message is one line naming it. Exit code 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly exitCode = 2;
}

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: 'must be an integer' })
    .int({ error: 'must be an integer' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

/** Flag name → schema. The flag names are the contract in docs/design.md. */
const fields = {
  kubeconfig: z.string({ error: 'is required' }).min(1, { error: 'is required' }),
  'node-name': z
    .string({ error: 'is required' })
    .max(253, { error: 'must be at most 253 characters' })
    .regex(dns1123Subdomain, { error: 'must be a Node name (lower-case DNS subdomain)' }),
  'metrics-port': integer(0, 65535),
  'lease-namespace': z
    .string()
    .max(63, { error: 'must be at most 63 characters' })
    .regex(dns1123Label, { error: 'must be a namespace name (lower-case DNS label)' }),
  'lease-duration-ms': integer(1),
  'renew-deadline-ms': integer(1),
  'retry-period-ms': integer(1),
  selection: oneOf(['policy', 'all-services']),
  'renew-mode': oneOf(['get-then-update', 'update-first']),
  operator: z.boolean(),
  'operator-only': z.boolean(),
  'lease-name-style': oneOf(['cilium', 'kube-vip']),
  'step-down': oneOf(['on-observe', 'renew-deadline']),
  'on-api-outage': oneOf(['release', 'keep']),
  'shared-address-election': oneOf(['per-address', 'per-service']),
  strategy: z.string().transform((text, ctx) => {
    const spec = parseStrategy(text);
    if (spec === null) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be per-service, per-service-watch, sharded:K (K from 1 to 4096) or node-lease',
      });
      return z.NEVER;
    }
    return spec;
  }),
} as const;

type FlagName = keyof typeof fields;

const defaults: Partial<Record<FlagName, string | boolean>> = {
  'metrics-port': '9090',
  'lease-namespace': 'kube-system',
  'lease-duration-ms': '15000',
  'renew-deadline-ms': '5000',
  'retry-period-ms': '2000',
  selection: 'policy',
  'renew-mode': 'get-then-update',
  operator: false,
  'operator-only': false,
  'lease-name-style': 'cilium',
  'step-down': 'on-observe',
  'on-api-outage': 'release',
  'shared-address-election': 'per-address',
  strategy: 'per-service',
};

/** Flags that take no value. */
const BOOLEAN_FLAGS: ReadonlySet<string> = new Set(['operator', 'operator-only']);

/** Validated agent configuration. */
export interface AgentConfig {
  /** Null inside a pod without `--kubeconfig`: the ServiceAccount's in-cluster config. */
  kubeconfig: string | null;
  nodeName: string;
  metricsPort: number;
  leaseNamespace: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  selection: 'policy' | 'all-services';
  renewMode: 'get-then-update' | 'update-first';
  /** Also run the leader-elected IPAM operator. */
  operator: boolean;
  /**
   * Run only the IPAM operator (implies `operator`): no service elections, no VIPs, no ARP. For
   * runs where another implementation (kube-vip) announces the addresses this operator assigns.
   */
  operatorOnly: boolean;
  leaseNameStyle: 'cilium' | 'kube-vip';
  /**
   * `on-observe`: unbind a service's VIPs as soon as its elector sees another holder;
   * `renew-deadline`: only when the renew deadline runs out (client-go, Cilium, kube-vip).
   */
  stepDown: StepDown;
  /** `keep`: hold VIPs through an API server outage while no other holder is seen (split-brain risk). */
  onApiOutage: OnApiOutage;
  /**
   * Services sharing one address (`lbipam.cilium.io/sharing-key`): one election per address
   * (`per-address`) or one per service (`per-service`, Cilium's behaviour, cilium/cilium#48419).
   */
  sharedAddressElection: 'per-address' | 'per-service';
  /** Election strategy (`--strategy`). */
  strategy: StrategySpec;
}

/** One line per flag, for `--help`. */
export const usage = `usage: node --import tsx announcer/main.ts --kubeconfig <file> --node-name <name> [flags]
  --kubeconfig <file>          kubeconfig of this node's identity (env L2A_KUBECONFIG, then KUBECONFIG);
                               in a pod without it: the ServiceAccount (KUBERNETES_SERVICE_HOST)
  --node-name <name>           Node name; also the lease holder identity (L2A_NODE_NAME)
  --metrics-port <port>        /metrics and /healthz on 0.0.0.0 (default 9090)
  --lease-namespace <ns>       namespace of cilium-style and operator leases (default kube-system)
  --lease-duration-ms <ms>     default 15000
  --renew-deadline-ms <ms>     default 5000
  --retry-period-ms <ms>       default 2000
  --selection policy|all-services        all-services: cilium/cilium#28752 behaviour (default policy)
  --renew-mode get-then-update|update-first   (default get-then-update, like client-go)
  --operator                   also run the leader-elected LB IPAM operator
  --operator-only              run only the IPAM operator: no elections, VIPs or ARP (implies --operator)
  --lease-name-style cilium|kube-vip     (default cilium)
  --step-down on-observe|renew-deadline  unbind as soon as another holder is seen, or only at the
                               renew deadline like client-go (default on-observe)
  --on-api-outage release|keep           keep: hold VIPs while the API server is unreachable and no
                               other holder is seen; risks two nodes answering (default release)
  --shared-address-election per-address|per-service   services sharing an address (sharing key):
                               one election per address, or per service like Cilium (default per-address)
  --strategy per-service|per-service-watch|sharded:K|node-lease   election strategy (default per-service)
Every flag is also read from L2A_<FLAG> (e.g. L2A_LEASE_DURATION_MS); flags win.`;

const envName = (flag: string): string => `L2A_${flag.toUpperCase().replaceAll('-', '_')}`;

function parseBool(flag: string, text: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new ConfigError(`${envName(flag)} must be true or false, got ${JSON.stringify(text)}`);
}

/**
 * Parses argv (without node and the script) and the environment into a validated config.
 * Throws {@link ConfigError} with a one-line message that names the flag, the value and the
 * limit; returns `'help'` for `-h/--help`.
 */
export function parseAgentConfig(argv: readonly string[], env: NodeJS.ProcessEnv): AgentConfig | 'help' {
  const options = {
    ...Object.fromEntries(
      (Object.keys(fields) as FlagName[]).map(
        (f) => [f, { type: BOOLEAN_FLAGS.has(f) ? 'boolean' : 'string' }] as const,
      ),
    ),
    help: { type: 'boolean', short: 'h' },
  } as Record<FlagName | 'help', { type: 'string' | 'boolean'; short?: string }>;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false })
      .values as typeof values;
  } catch (err) {
    // Node's messages are multi-line ("Unknown option '--x'. To specify a positional ...").
    const first = (err instanceof Error ? err.message : String(err)).split('. ')[0] ?? '';
    throw new ConfigError(`${first.replace(/\.$/, '')} (see --help)`);
  }
  if (values.help) return 'help';

  const raw: Record<string, unknown> = {};
  const source: Record<string, string> = {};
  for (const flag of Object.keys(fields) as FlagName[]) {
    const fromFlag = values[flag];
    const fromEnv = env[envName(flag)] || (flag === 'kubeconfig' ? env.KUBECONFIG : undefined) || undefined;
    if (fromFlag !== undefined && !(BOOLEAN_FLAGS.has(flag) && fromFlag === false)) {
      raw[flag] = fromFlag;
      source[flag] = `--${flag}`;
    } else if (fromEnv !== undefined) {
      raw[flag] = BOOLEAN_FLAGS.has(flag) ? parseBool(flag, fromEnv) : fromEnv;
      source[flag] = envName(flag);
    } else {
      raw[flag] = defaults[flag];
      source[flag] = `--${flag}`;
    }
  }

  // In a pod (client-go's rest.InClusterConfig condition) the ServiceAccount stands in for a kubeconfig.
  const inCluster = raw.kubeconfig === undefined && Boolean(env.KUBERNETES_SERVICE_HOST);
  const out: Record<string, unknown> = {};
  for (const flag of Object.keys(fields) as FlagName[]) {
    if (flag === 'kubeconfig' && inCluster) {
      out[flag] = null;
      continue;
    }
    const r = fields[flag].safeParse(raw[flag]);
    if (!r.success) {
      const shown = raw[flag] === undefined ? '' : ` (got ${JSON.stringify(raw[flag])})`;
      throw new ConfigError(`${source[flag]} ${r.error.issues[0]?.message ?? 'is invalid'}${shown}`);
    }
    out[flag] = r.data;
  }

  const cfg: AgentConfig = {
    kubeconfig: out.kubeconfig as string | null,
    nodeName: out['node-name'] as string,
    metricsPort: out['metrics-port'] as number,
    leaseNamespace: out['lease-namespace'] as string,
    leaseDurationMs: out['lease-duration-ms'] as number,
    renewDeadlineMs: out['renew-deadline-ms'] as number,
    retryPeriodMs: out['retry-period-ms'] as number,
    selection: out.selection as AgentConfig['selection'],
    renewMode: out['renew-mode'] as AgentConfig['renewMode'],
    operator: (out.operator as boolean) || (out['operator-only'] as boolean),
    operatorOnly: out['operator-only'] as boolean,
    leaseNameStyle: out['lease-name-style'] as AgentConfig['leaseNameStyle'],
    stepDown: out['step-down'] as StepDown,
    onApiOutage: out['on-api-outage'] as OnApiOutage,
    sharedAddressElection: out['shared-address-election'] as AgentConfig['sharedAddressElection'],
    strategy: out.strategy as StrategySpec,
  };
  if (cfg.strategy.kind === 'per-service-watch' && cfg.leaseNameStyle !== 'cilium') {
    throw new ConfigError(
      `${source.strategy} per-service-watch needs ${source['lease-name-style']} cilium (its one watch covers --lease-namespace only)`,
    );
  }
  checkTimings(cfg, source);
  return cfg;
}

/** client-go's leaderelection rules, with our flag names in the message. */
function checkTimings(cfg: AgentConfig, source: Record<string, string>): void {
  const d = source['lease-duration-ms'];
  const r = source['renew-deadline-ms'];
  const p = source['retry-period-ms'];
  if (cfg.renewDeadlineMs >= cfg.leaseDurationMs) {
    throw new ConfigError(
      `${r} (${cfg.renewDeadlineMs}) must be shorter than ${d} (${cfg.leaseDurationMs}), or a leader could keep a VIP after its lease expired`,
    );
  }
  // client-go jitters the retry period by up to 1.2×; the deadline must leave room for one retry.
  if (cfg.renewDeadlineMs <= cfg.retryPeriodMs * 1.2) {
    throw new ConfigError(
      `${r} (${cfg.renewDeadlineMs}) must be greater than 1.2 × ${p} (${cfg.retryPeriodMs} → ${cfg.retryPeriodMs * 1.2})`,
    );
  }
  if (cfg.leaseDurationMs % 1000 !== 0) {
    throw new ConfigError(
      `${d} (${cfg.leaseDurationMs}) must be a whole number of seconds: Lease.spec.leaseDurationSeconds is an integer`,
    );
  }
}
