#!/usr/bin/env node
// `npm test`'s pretest step: makes a fresh machine able to run every test. Installs the Debian
// packages the tests use (as root), then builds the pinned binaries once (`l2bench tools`) and,
// where Docker runs, the kind node image and kind.
import { spawnSync } from 'node:child_process';

const packages = {
  arping: 'arping',
  ip: 'iproute2',
  curl: 'curl',
  tcpdump: 'tcpdump',
  chromium: 'chromium',
  // promtool checks the OpenMetrics export (reports/export-metrics.test.ts).
  promtool: 'prometheus',
};
const missing = Object.entries(packages)
  .filter(([cmd]) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0)
  .map(([, pkg]) => pkg);
if (missing.length > 0) {
  if (process.getuid?.() !== 0) {
    console.error(
      `pretest: missing Debian packages ${missing.join(' ')}: run as root or apt-get install them`,
    );
    process.exit(1);
  }
  console.error(`pretest: apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...missing],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
const l2bench = (...args) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'harness/cli.ts', ...args], {
    stdio: ['ignore', 'inherit', 'inherit'],
  }).status ?? 1;
const tools = l2bench('tools');
if (tools !== 0) process.exit(tools);
// The kind e2e test needs kind and the node image (built here from the pinned binaries and
// Debian packages, cached by content hash); where no Docker engine answers it skips, so neither
// is built.
if (spawnSync('docker', ['version'], { stdio: 'ignore' }).status !== 0) {
  console.error(
    'pretest: no Docker engine answers: the kind node image is not built (the kind e2e test skips)',
  );
  process.exit(0);
}
process.exit(l2bench('tools', 'kind-node-image', 'kind'));
