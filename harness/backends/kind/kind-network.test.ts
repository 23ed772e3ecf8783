import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  chooseKindSubnet,
  freeRegion,
  kindNetworkCreateArgs,
  kindVipPool,
  parseNetworkInspect,
} from './kind-network.js';

const inspect = (subnet: string, ipRange?: string) =>
  JSON.stringify([
    {
      Name: 'kind',
      IPAM: {
        Config: [
          { Subnet: 'fc00:f853:ccd:e793::/64' },
          {
            Subnet: subnet,
            Gateway: subnet.replace(/0\/\d+$/, '1'),
            ...(ipRange ? { IPRange: ipRange } : {}),
          },
        ],
      },
    },
  ]);

test('parses the IPv4 part of docker network inspect', () => {
  assert.deepEqual(parseNetworkInspect(inspect('198.19.224.0/19', '198.19.224.0/20'), 'kind'), {
    name: 'kind',
    subnet: '198.19.224.0/19',
    gateway: '198.19.224.1',
    ipRange: '198.19.224.0/20',
  });
});

test('a kind network outside 198.19.0.0/16 is refused in one line naming the fix', () => {
  for (const subnet of ['172.18.0.0/16', '198.18.3.0/24']) {
    const net = parseNetworkInspect(inspect(subnet), 'kind');
    assert.throws(
      () => kindVipPool(net, 0),
      (e: Error) =>
        e.message.includes(`${subnet}, outside 198.19.0.0/16`) &&
        /default-address-pool base=198\.19\.0\.0\/16/.test(e.message) &&
        !e.message.includes('\n'),
    );
  }
});

test('VIP pools: the half outside the ip-range (else the upper half), in 4 disjoint slots', () => {
  const ours = parseNetworkInspect(inspect('198.19.224.0/19', '198.19.224.0/20'), 'kind');
  assert.deepEqual(
    [0, 1, 2, 3].map((slot) => kindVipPool(ours, slot).cidr),
    ['198.19.240.0/22', '198.19.244.0/22', '198.19.248.0/22', '198.19.252.0/22'],
  );
  const upperUsed = parseNetworkInspect(inspect('198.19.224.0/19', '198.19.240.0/20'), 'kind');
  assert.equal(kindVipPool(upperUsed, 0).cidr, '198.19.224.0/22');
  // dockerd's default pool (size=24) and no ip-range: the upper /25, 32 addresses a slot.
  const small = parseNetworkInspect(inspect('198.19.3.0/24'), 'kind');
  assert.deepEqual(freeRegion(small), { first: 3323134848, last: 3323134975 });
  assert.equal(kindVipPool(small, 3).cidr, '198.19.3.224/27');
  assert.throws(() => kindVipPool(small, 4), /slot 4 out of range/);
});

test('a scenario pool must lie where no container gets an address', () => {
  const net = parseNetworkInspect(inspect('198.19.224.0/19', '198.19.224.0/20'), 'kind');
  assert.deepEqual(kindVipPool(net, 0, { cidr: '198.19.250.0/24' }), { cidr: '198.19.250.0/24' });
  assert.throws(() => kindVipPool(net, 0, { cidr: '198.19.225.0/24' }), /not inside 198\.19\.240\.0\/20/);
  assert.throws(() => kindVipPool(net, 0, { start: '198.18.0.1', stop: '198.18.0.9' }), /not inside/);
});

test('the kind network l2bench creates: a free /19 from the top of 198.19.0.0/16, lower half for containers', () => {
  assert.equal(chooseKindSubnet([]), '198.19.224.0/19');
  assert.equal(chooseKindSubnet(['198.19.230.0/24', '172.17.0.0/16']), '198.19.192.0/19');
  assert.equal(chooseKindSubnet(['198.19.0.0/16']), undefined);
  const args = kindNetworkCreateArgs('198.19.224.0/19');
  assert.deepEqual(args.slice(0, 10), [
    'network',
    'create',
    '--driver',
    'bridge',
    '--subnet',
    '198.19.224.0/19',
    '--gateway',
    '198.19.224.1',
    '--ip-range',
    '198.19.224.0/20',
  ]);
  assert.equal(args.at(-1), 'kind');
});
