import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCidr } from '../ipam/ip-address.js';
import { JsonLogger } from '../json-logger.js';
import type { SysctlAccess } from './arp-isolation.js';
import { CommandNotFoundError, type CommandResult, type CommandRunner } from './command-runner.js';
import { type DesiredVip, VIP_ADDRESS_METRIC, VipDataplane } from './vip-dataplane.js';

/** A fake `ip`/`arping` over an in-memory address table, recording every command. */
class FakeHost {
  readonly commands: string[] = [];
  readonly addrs = new Map<
    string,
    Array<{ local: string; prefixlen: number; family: string; metric?: number }>
  >([
    ['lo', [{ local: '127.0.0.1', prefixlen: 8, family: 'inet' }]],
    ['eth0', [{ local: '198.18.1.1', prefixlen: 20, family: 'inet' }]],
  ]);
  arping: 'habets' | 'missing' | 'broken' = 'habets';
  addStderr: string | null = null;

  run: CommandRunner = async (cmd, args): Promise<CommandResult> => {
    this.commands.push([cmd, ...args].join(' '));
    const ok = (stdout = ''): CommandResult => ({ code: 0, stdout, stderr: '' });
    if (cmd === 'arping') {
      if (this.arping === 'missing') throw new CommandNotFoundError('arping');
      if (args[0] === '--help') return ok('ARPing 2.23, by Thomas Habets <thomas@habets.se>\n');
      // Habets' arping exits 1 when nobody answers, which a gratuitous ARP never gets.
      return this.arping === 'broken'
        ? { code: 1, stdout: '', stderr: 'arping: libnet_init(LIBNET_LINK, eth0): No such device' }
        : { code: 1, stdout: '', stderr: '' };
    }
    if (args.join(' ') === '-j addr show') {
      const links = [...this.addrs].map(([ifname, addr_info]) => ({ ifname, addr_info }));
      return ok(JSON.stringify(links));
    }
    const [, verb, cidr, , dev] = args;
    const [local, len] = (cidr ?? '').split('/');
    const list = this.addrs.get(dev ?? '') ?? [];
    if (verb === 'add') {
      if (this.addStderr) return { code: 2, stdout: '', stderr: this.addStderr };
      if (list.some((a) => a.local === local))
        return { code: 2, stdout: '', stderr: 'Error: ipv4: Address already assigned.' };
      const m = args.indexOf('metric');
      const metric = m < 0 ? {} : { metric: Number(args[m + 1]) };
      list.push({ local: local ?? '', prefixlen: Number(len), family: 'inet', ...metric });
      return ok();
    }
    if (verb === 'del') {
      const i = list.findIndex((a) => a.local === local);
      if (i < 0) return { code: 2, stdout: '', stderr: 'Error: ipv4: Address not found.' };
      list.splice(i, 1);
      return ok();
    }
    throw new Error(`unexpected command ${cmd} ${args.join(' ')}`);
  };
}

function setup(host = new FakeHost()) {
  const lines: Array<Record<string, unknown>> = [];
  const sleeps: number[] = [];
  const sysctls = new Map([['net/ipv4/conf/eth0/arp_ignore', '0']]);
  const sysctl: SysctlAccess = {
    read: async (k) => sysctls.get(k) ?? '0',
    write: async (k, v) => {
      sysctls.set(k, v);
    },
  };
  const counts = { bind: 0, unbind: 0, garp: 0 };
  const dp = new VipDataplane({
    run: host.run,
    log: new JsonLogger(
      'n0',
      (l) => lines.push(JSON.parse(l) as Record<string, unknown>),
      () => 1,
    ),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    sysctl,
    counters: { bind: () => counts.bind++, unbind: () => counts.unbind++, garp: () => counts.garp++ },
  });
  return { host, dp, lines, sleeps, sysctls, counts };
}

const want = (iface = 'eth0'): DesiredVip => ({
  iface,
  lease: 'cilium-l2announce-default-web',
  leaseNamespace: 'kube-system',
  service: 'default/web',
});
const settle = () => new Promise((r) => setTimeout(r, 20));

test('bind: ip addr add /32, then three gratuitous ARPs 200 ms apart with Habets arping', async () => {
  const t = setup();
  t.dp.setDesired(new Map([['198.18.8.1', want()]]));
  await t.dp.reconcile();
  await settle();
  assert.deepEqual(t.host.commands, [
    'ip -j addr show',
    'ip addr add 198.18.8.1/32 dev eth0 metric 4242',
    'arping --help',
    'arping -q -U -c 1 -w 0 -i eth0 -S 198.18.8.1 198.18.8.1',
    'arping -q -U -c 1 -w 0 -i eth0 -S 198.18.8.1 198.18.8.1',
    'arping -q -U -c 1 -w 0 -i eth0 -S 198.18.8.1 198.18.8.1',
  ]);
  assert.deepEqual(t.sleeps, [200, 200]);
  assert.deepEqual(
    t.lines.filter((l) => l.event !== 'warn').map((l) => [l.event, l.vip, l.iface, l.lease]),
    [
      ['bind', '198.18.8.1', 'eth0', 'cilium-l2announce-default-web'],
      ['garp', '198.18.8.1', 'eth0', 'cilium-l2announce-default-web'],
      ['garp', '198.18.8.1', 'eth0', 'cilium-l2announce-default-web'],
      ['garp', '198.18.8.1', 'eth0', 'cilium-l2announce-default-web'],
    ],
  );
  assert.deepEqual(t.counts, { bind: 1, unbind: 0, garp: 3 });
  assert.equal(t.sysctls.get('net/ipv4/conf/eth0/arp_ignore'), '1');
});

test('reconcile is idempotent: a bound VIP is left alone', async () => {
  const t = setup();
  t.dp.setDesired(new Map([['198.18.8.1', want()]]));
  await t.dp.reconcile();
  await settle();
  t.host.commands.length = 0;
  await t.dp.reconcile();
  await t.dp.reconcile();
  assert.deepEqual(t.host.commands, ['ip -j addr show', 'ip -j addr show']);
});

test('"File exists" from an older iproute2 counts as bound', async () => {
  const t = setup();
  t.host.addStderr = 'RTNETLINK answers: File exists';
  t.dp.setDesired(new Map([['198.18.8.1', want()]]));
  await t.dp.reconcile();
  assert.equal(t.lines.find((l) => l.event !== 'warn')?.event, 'bind');
});

test('unbind: ip addr del when the VIP is no longer desired', async () => {
  const t = setup();
  t.dp.setDesired(new Map([['198.18.8.1', want()]]));
  await t.dp.reconcile();
  await settle();
  t.host.commands.length = 0;
  t.dp.setDesired(new Map());
  await t.dp.reconcile();
  // The release needs no listing first: one `ip addr del`, then the usual sweep.
  assert.deepEqual(t.host.commands, ['ip addr del 198.18.8.1/32 dev eth0', 'ip -j addr show']);
  assert.deepEqual(t.lines.at(-1), {
    ts: 1,
    level: 'info',
    event: 'unbind',
    node: 'n0',
    vip: '198.18.8.1',
    iface: 'eth0',
    reason: 'released',
  });
});

test('start-up sweep removes stale /32s in the pools only, never the node address or foreign /32s', async () => {
  const host = new FakeHost();
  host.addrs
    .get('eth0')
    ?.push(
      { local: '198.18.8.5', prefixlen: 32, family: 'inet' },
      { local: '198.18.9.9', prefixlen: 32, family: 'inet' },
    );
  host.addrs.set('eth1', [{ local: '198.18.8.6', prefixlen: 32, family: 'inet' }]);
  const t = setup(host);
  const pool = parseCidr('198.18.8.0/24');
  assert.ok(pool);
  t.dp.setManagedRanges([pool]);
  // Desired on eth0 but present on eth1: moved.
  t.dp.setDesired(new Map([['198.18.8.6', want('eth0')]]));
  await t.dp.reconcile();
  const ipCommands = t.host.commands.filter((c) => c.startsWith('ip addr'));
  assert.deepEqual(ipCommands, [
    'ip addr add 198.18.8.6/32 dev eth0 metric 4242',
    'ip addr del 198.18.8.5/32 dev eth0',
    'ip addr del 198.18.8.6/32 dev eth1',
  ]);
  assert.deepEqual(
    t.lines.filter((l) => l.event === 'unbind').map((l) => [l.vip, l.reason]),
    [
      ['198.18.8.5', 'stale'],
      ['198.18.8.6', 'stale'],
    ],
  );
});

test('before any pool is known, only /32s and /128s marked with the VIP metric are swept', async () => {
  const host = new FakeHost();
  host.addrs.get('eth0')?.push(
    // A predecessor's VIP (SIGKILLed agent), a foreign /32 without the mark, a marked /24.
    { local: '198.18.8.5', prefixlen: 32, family: 'inet', metric: VIP_ADDRESS_METRIC },
    { local: '198.18.9.9', prefixlen: 32, family: 'inet' },
    { local: '198.18.10.1', prefixlen: 24, family: 'inet', metric: VIP_ADDRESS_METRIC },
    { local: '198.18.8.7', prefixlen: 32, family: 'inet', metric: 100 },
  );
  const t = setup(host);
  await t.dp.reconcile();
  assert.deepEqual(
    t.host.commands.filter((c) => c.startsWith('ip addr')),
    ['ip addr del 198.18.8.5/32 dev eth0'],
  );
  assert.deepEqual(
    t.lines.filter((l) => l.event === 'unbind').map((l) => [l.vip, l.reason]),
    [['198.18.8.5', 'stale']],
  );
});

test('without arping the VIP is still bound and one clear error is logged', async () => {
  const host = new FakeHost();
  host.arping = 'missing';
  const t = setup(host);
  t.dp.setDesired(
    new Map([
      ['198.18.8.1', want()],
      ['198.18.8.2', want()],
    ]),
  );
  await t.dp.reconcile();
  await settle();
  assert.equal(t.host.addrs.get('eth0')?.filter((a) => a.prefixlen === 32).length, 2);
  const errors = t.lines.filter((l) => l.event === 'error');
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]?.msg), /arping not found: install Debian's 'arping' package/);
});

test('an arping that fails for real is reported, with its stderr', async () => {
  const host = new FakeHost();
  host.arping = 'broken';
  const t = setup(host);
  t.dp.setDesired(new Map([['198.18.8.1', want()]]));
  await t.dp.reconcile();
  await settle();
  const error = t.lines.find((l) => l.event === 'error');
  assert.match(String(error?.msg), /No such device/);
  assert.equal(t.counts.garp, 0);
});

test('unbindAll removes every VIP (shutdown)', async () => {
  const t = setup();
  t.dp.setDesired(
    new Map([
      ['198.18.8.1', want()],
      ['198.18.8.2', want()],
    ]),
  );
  await t.dp.reconcile();
  await t.dp.unbindAll();
  assert.equal(t.host.addrs.get('eth0')?.filter((a) => a.prefixlen === 32).length, 0);
});
