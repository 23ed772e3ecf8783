import { createServer } from 'node:net';
import { BackendError } from '../errors.js';

/** A TCP port the kernel reports free on `host` right now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Throws a one-line BackendError when `port` cannot be bound on `host`. */
export function assertPortFree(port: number, host: string, flag: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new BackendError(
          `${flag} ${port} is not available on ${host} (${err.code ?? err.message}): choose another port or omit ${flag}`,
        ),
      ),
    );
    srv.listen(port, host, () => srv.close(() => resolve()));
  });
}
