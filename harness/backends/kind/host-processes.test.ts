import assert from 'node:assert/strict';
import { test } from 'node:test';
import { descendantsMatching, type HostProcess, readHostProcesses } from './host-processes.js';

const p = (pid: number, ppid: number, comm: string, cmdline = comm): HostProcess => ({
  pid,
  ppid,
  comm,
  cmdline,
});

test("only the named container's descendants: two clusters' API servers are told apart", () => {
  const procs = [
    p(100, 1, 'containerd-shim'),
    p(200, 100, 'systemd'), // cluster A's control-plane container init
    p(210, 200, 'containerd'),
    p(220, 210, 'containerd-shim'),
    p(230, 220, 'kube-apiserver'),
    p(240, 220, 'etcd'),
    p(300, 1, 'systemd'), // cluster B
    p(330, 300, 'kube-apiserver'),
  ];
  assert.deepEqual(
    descendantsMatching(procs, 200, (x) => x.comm === 'kube-apiserver').map((x) => x.pid),
    [230],
  );
  assert.deepEqual(
    descendantsMatching(procs, 300, (x) => x.comm === 'kube-apiserver').map((x) => x.pid),
    [330],
  );
  assert.deepEqual(
    descendantsMatching(procs, 999, () => true),
    [],
  );
});

test('reads this host: our own process is a child of its parent', () => {
  const procs = readHostProcesses();
  const self = procs.find((x) => x.pid === process.pid);
  assert.equal(self?.ppid, process.ppid);
  assert.match(self?.cmdline ?? '', /node/);
});
