#!/usr/bin/env node
// `npm test`'s pretest step: makes a fresh machine able to run every test. Installs the Debian
// packages the tests use (as root), then builds the pinned binaries once (`l2bench tools`).
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
const r = spawnSync(process.execPath, ['--import', 'tsx', 'harness/cli.ts', 'tools'], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
process.exit(r.status ?? 1);
