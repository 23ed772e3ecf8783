import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dockerdArgs, dockerSocketPath, missingEngineMessage, RUNTIME_WRAPPER } from './docker-engine.js';

test('dockerd stays in 198.19.0.0/16 and leaves iptables and forwarding alone', () => {
  const args = dockerdArgs('/run/x.sock');
  assert.ok(args.includes('--bip=198.19.0.1/24'));
  assert.ok(args.includes('--default-address-pool=base=198.19.0.0/16,size=24'));
  assert.ok(args.includes('--iptables=false'));
  assert.ok(args.includes('--ip-forward=false'));
  assert.ok(args.includes('--host=unix:///run/x.sock'));
  assert.ok(!args.some((a) => a.includes('172.17')));
});

test('dockerd runs containers through the capability-trimming runc wrapper', () => {
  const args = dockerdArgs('/run/x.sock');
  assert.ok(args.includes(`--add-runtime=l2b-runc=${RUNTIME_WRAPPER}`));
  assert.ok(args.includes('--default-runtime=l2b-runc'));
});

test('DOCKER_HOST: unix sockets only', () => {
  assert.equal(dockerSocketPath({}), '/var/run/docker.sock');
  assert.equal(dockerSocketPath({ DOCKER_HOST: 'unix:///tmp/d.sock' }), '/tmp/d.sock');
  assert.throws(() => dockerSocketPath({ DOCKER_HOST: 'tcp://1.2.3.4:2375' }), /only a local unix/);
});

test('the missing-engine error names what to install and the alternative backend', () => {
  const m = missingEngineMessage('/var/run/docker.sock', 'dockerd is not installed');
  assert.match(m, /apt-get install docker\.io/);
  assert.match(m, /--backend local/);
});
