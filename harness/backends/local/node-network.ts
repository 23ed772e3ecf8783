import type { AddressPlan } from '../../cluster/address-plan.js';
import type { RunRegistration } from '../../cluster/run-registry.js';
import { runCommand } from '../../util/run-command.js';

/** One node's (or the client's) network namespace, joined to the run's bridge by a veth pair. */
export interface NamespaceHost {
  /** Network namespace name (begins with `l2b`). */
  netns: string;
  /** Host-side end of the veth pair, a port of the bridge (set down to partition the host). */
  hostLink: string;
  /** Interface name inside the namespace. */
  ifname: 'eth0';
  ip: string;
  mac: string;
}

/** Names of everything a run creates on the host; all begin with `l2b`, at most 15 characters. */
export function linkNames(runId: string) {
  return {
    bridge: `l2b${runId}`,
    nodeNetns: (i: number) => `l2b${runId}-n${i}`,
    nodeHostLink: (i: number) => `l2b${runId}v${i}`,
    clientNetns: `l2b${runId}-c`,
    clientHostLink: `l2b${runId}vc`,
  };
}

/**
 * The run's L2 segment: a Linux bridge attached to no physical interface, the client namespace and
 * M node namespaces. Disposing it deletes the namespaces (their veth ends go with them) and the bridge.
 */
export class NodeNetwork implements AsyncDisposable {
  readonly bridge: string;
  readonly nodes: NamespaceHost[] = [];
  client!: NamespaceHost;

  private constructor(
    readonly runId: string,
    readonly plan: AddressPlan,
    private readonly registration: RunRegistration,
  ) {
    this.bridge = linkNames(runId).bridge;
  }

  /** Creates the bridge, the client namespace and `nodeCount` node namespaces. */
  static async create(
    runId: string,
    plan: AddressPlan,
    nodeCount: number,
    registration: RunRegistration,
  ): Promise<NodeNetwork> {
    const net = new NodeNetwork(runId, plan, registration);
    try {
      const names = linkNames(runId);
      registration.add('links', net.bridge);
      await ip(['link', 'add', net.bridge, 'type', 'bridge']);
      await ip(['addr', 'add', `${plan.gateway}/${plan.prefixLength}`, 'dev', net.bridge]);
      await ip(['link', 'set', net.bridge, 'up']);
      net.client = await net.addHost(names.clientNetns, names.clientHostLink, plan.client);
      for (let i = 0; i < nodeCount; i++) {
        net.nodes.push(await net.addHost(names.nodeNetns(i), names.nodeHostLink(i), plan.node(i)));
      }
      return net;
    } catch (err) {
      await net[Symbol.asyncDispose]();
      throw err;
    }
  }

  private async addHost(netns: string, hostLink: string, address: string): Promise<NamespaceHost> {
    this.registration.add('netns', netns);
    await ip(['netns', 'add', netns]);
    this.registration.add('links', hostLink);
    // Create the pair with its inner end already in the namespace, named eth0 there.
    await ip(['link', 'add', hostLink, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
    await ip(['link', 'set', hostLink, 'master', this.bridge]);
    await ip(['link', 'set', hostLink, 'up']);
    await ip(['-n', netns, 'link', 'set', 'lo', 'up']);
    await ip(['-n', netns, 'addr', 'add', `${address}/${this.plan.prefixLength}`, 'dev', 'eth0']);
    await ip(['-n', netns, 'link', 'set', 'eth0', 'up']);
    const mac = (await runCommand('ip', ['-n', netns, '-o', 'link', 'show', 'eth0'])).stdout.match(
      /link\/ether ([0-9a-f:]{17})/,
    )?.[1];
    return { netns, hostLink, ifname: 'eth0', ip: address, mac: mac ?? 'unknown' };
  }

  /** Takes a node's host-side link down (partition) or back up (heal). */
  async setLink(host: NamespaceHost, up: boolean): Promise<void> {
    await ip(['link', 'set', host.hostLink, up ? 'up' : 'down']);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const errors: unknown[] = [];
    for (const host of [...this.nodes, ...(this.client ? [this.client] : [])]) {
      // Deleting the host end removes the pair at once; a namespace's own links go only when the
      // kernel gets round to destroying it, so `ip link` could still list them after we return.
      await deleteLink(host.hostLink).catch((e: unknown) => errors.push(e));
      await deleteNetns(host.netns).catch((e: unknown) => errors.push(e));
    }
    await deleteLink(this.bridge).catch((e: unknown) => errors.push(e));
    if (errors.length > 0) throw new AggregateError(errors, `network teardown of run ${this.runId} failed`);
  }
}

function ip(args: string[]): Promise<unknown> {
  return runCommand('ip', args);
}

/** Deletes a network namespace if it exists (its veth ends are destroyed with it). */
export async function deleteNetns(name: string): Promise<void> {
  const r = await runCommand('ip', ['netns', 'delete', name], { allowFailure: true });
  if (r.code !== 0 && !/No such file|not found|Cannot remove/i.test(r.stderr)) {
    throw new Error(`ip netns delete ${name}: ${r.stderr.trim()}`);
  }
}

/** Deletes a link if it exists. */
export async function deleteLink(name: string): Promise<void> {
  const r = await runCommand('ip', ['link', 'delete', name], { allowFailure: true });
  if (r.code !== 0 && !/Cannot find device|does not exist/i.test(r.stderr)) {
    throw new Error(`ip link delete ${name}: ${r.stderr.trim()}`);
  }
}
