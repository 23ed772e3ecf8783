import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BackendError } from '../../errors.js';
import { stateDir } from '../../paths.js';
import { VIP_SLOTS } from './kind-network.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims one of the kind network's VIP slots for a cluster (a file holding our pid; a slot whose
 * owner died is free again), so clusters of concurrent runs never hand out the same VIPs.
 */
export function claimVipSlot(dir = stateDir()): { slot: number } & Disposable {
  mkdirSync(dir, { recursive: true });
  for (let slot = 0; slot < VIP_SLOTS; slot++) {
    const path = join(dir, `kind-vip-slot-${slot}`);
    try {
      const owner = Number(readFileSync(path, 'utf8'));
      // Our own pid too: another cluster of this run holds it.
      if (owner && alive(owner)) continue;
      rmSync(path, { force: true });
    } catch {}
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { slot, [Symbol.dispose]: () => rmSync(path, { force: true }) };
    } catch {}
  }
  throw new BackendError(
    `all ${VIP_SLOTS} kind VIP slots are in use (${dir}/kind-vip-slot-*): run fewer kind clusters at once`,
  );
}
