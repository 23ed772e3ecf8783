/**
 * The seed's echo backend (`jmalloc/echo-server` behind a LoadBalancer Service, port 80 → 8080),
 * run inside each node namespace. In the local backend no kube-proxy maps 80 to 8080, so it listens
 * on both. The body's first line is the serving node's name: probes use it to tell who answered.
 *
 * Usage: node echo-server.mjs (its bundle) or node --import tsx echo-server.ts <node-name> <port>...
 */
import { createServer } from 'node:http';

const [nodeName, ...ports] = process.argv.slice(2);
if (!nodeName || ports.length === 0) {
  process.stderr.write('usage: echo-server.ts <node-name> <port>...\n');
  process.exit(2);
}
for (const port of ports.map(Number)) {
  createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    res.end(
      `${nodeName}\n${req.method} ${req.url} host=${req.headers.host ?? ''} local=${req.socket.localAddress}\n`,
    );
  }).listen(port, '0.0.0.0');
}
process.on('SIGTERM', () => process.exit(0));
