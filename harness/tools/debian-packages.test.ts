import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { type DebianHost, ensureDebianPackages } from './debian-packages.js';
import { toolMessages } from './messages.js';

function fakeHost(present: string[], root: boolean) {
  const commands = new Set([...present, 'apt-get']);
  const aptCalls: string[][] = [];
  const host: DebianHost = {
    hasCommand: async (c) => commands.has(c),
    isRoot: () => root,
    async aptGet(args) {
      aptCalls.push([...args]);
      if (args[0] === 'install') for (const p of args.slice(2)) commands.add(p === 'iproute2' ? 'ip' : p);
    },
  };
  return { host, aptCalls };
}

test('nothing is installed when every command is present', async () => {
  const { host, aptCalls } = fakeHost(['arping', 'ip', 'curl'], true);
  assert.deepEqual(await ensureDebianPackages(['arping', 'iproute2', 'curl'], undefined, host), []);
  assert.deepEqual(aptCalls, []);
});

test('as root, missing packages are installed after one apt-get update', async () => {
  const { host, aptCalls } = fakeHost(['curl'], true);
  const progress: string[] = [];
  const installed = await ensureDebianPackages(['arping', 'iproute2', 'curl'], (l) => progress.push(l), host);
  assert.deepEqual(installed, ['arping', 'iproute2']);
  assert.deepEqual(aptCalls, [['update'], ['install', '-y', 'arping', 'iproute2']]);
  assert.deepEqual(progress, ['apt-get update', 'apt-get install -y arping iproute2']);
  await ensureDebianPackages(['tcpdump'], undefined, host);
  assert.deepEqual(aptCalls.at(-1), ['install', '-y', 'tcpdump']);
  assert.equal(aptCalls.filter((a) => a[0] === 'update').length, 1);
});

test('not root: a ToolError names the package to install and nothing runs', async () => {
  const { host, aptCalls } = fakeHost(['ip', 'curl'], false);
  await assert.rejects(ensureDebianPackages(['arping', 'iproute2', 'curl'], undefined, host), {
    name: 'ToolError',
    message:
      'command not found: arping; install with `apt-get install -y arping` (or run l2bench as root to let it install them)',
  });
  assert.equal(
    toolMessages.packagesMissing(['arping'], ['arping']).includes('apt-get install -y arping'),
    true,
  );
  assert.deepEqual(aptCalls, []);
});

test('a failing apt-get becomes a ToolError naming the packages', async () => {
  const { host } = fakeHost([], true);
  host.aptGet = async () => {
    throw new Error('E: Unable to locate package arping');
  };
  await assert.rejects(ensureDebianPackages(['arping'], undefined, host), {
    name: 'ToolError',
    message: 'apt-get install -y arping failed: E: Unable to locate package arping',
  });
});
