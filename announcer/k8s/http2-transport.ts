import type { SecureClientSessionOptions } from 'node:http2';
import { type ClientHttp2Session, connect, constants } from 'node:http2';
import {
  type HttpLibrary,
  type KubeConfig,
  type RequestContext,
  ResponseContext,
  wrapHttpLibrary,
} from '@kubernetes/client-node';

const { HTTP2_HEADER_METHOD, HTTP2_HEADER_PATH, HTTP2_HEADER_STATUS } = constants;

/** A request slower than this fails (client-go's leader election bounds each call by its renew deadline). */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * client-node's `HttpLibrary` over one HTTP/2 session per API server, as client-go's transport
 * does: every request is a stream multiplexed on that connection. client-node 1.x itself sends
 * each request through node-fetch with a fresh `https.Agent` (config.js `createAgent`), i.e. a new
 * TCP connection and TLS handshake with the client certificate per request, which the API server
 * pays for on every lease GET and PUT. TLS material (CA, client certificate and key, server name,
 * skip-verify) comes from the kubeconfig; headers (a bearer token, content type) from the request
 * context client-node built. The session reconnects on the next request after it closes or errs.
 * Node's own `http2` module is the client; nothing here speaks the protocol.
 */
export class Http2Transport {
  #session: ClientHttp2Session | undefined;
  #tls: Promise<SecureClientSessionOptions> | undefined;

  constructor(private readonly kc: KubeConfig) {}

  /** The transport as client-node's per-call `httpApi` option. */
  httpLibrary(): HttpLibrary {
    return wrapHttpLibrary({ send: (req) => this.send(req) });
  }

  async send(req: RequestContext): Promise<ResponseContext> {
    const url = new URL(req.getUrl());
    const session = await this.#sessionFor(url.origin);
    const headers: Record<string, string> = {
      [HTTP2_HEADER_METHOD]: req.getHttpMethod().toString(),
      [HTTP2_HEADER_PATH]: `${url.pathname}${url.search}`,
    };
    // HTTP/2 forbids connection-specific headers; names must be lower case.
    for (const [k, v] of Object.entries(req.getHeaders())) {
      const name = k.toLowerCase();
      if (name !== 'connection' && name !== 'host' && name !== 'keep-alive' && name !== 'transfer-encoding')
        headers[name] = v;
    }
    const body = req.getBody();
    if (body !== undefined && typeof body !== 'string')
      throw new Error('http2 transport: only string bodies are supported (form data is not used on leases)');
    return new Promise<ResponseContext>((resolve, reject) => {
      const stream = session.request(headers, { endStream: body === undefined });
      stream.setTimeout(REQUEST_TIMEOUT_MS, () =>
        stream.close(constants.NGHTTP2_CANCEL, () =>
          reject(
            new Error(
              `http2 transport: ${headers[HTTP2_HEADER_PATH]} timed out after ${REQUEST_TIMEOUT_MS} ms`,
            ),
          ),
        ),
      );
      const signal = req.getSignal();
      signal?.addEventListener('abort', () => stream.close(constants.NGHTTP2_CANCEL), { once: true });
      const chunks: Buffer[] = [];
      let status = 0;
      let responseHeaders: Record<string, string> = {};
      stream.on('response', (h) => {
        status = Number(h[HTTP2_HEADER_STATUS]);
        responseHeaders = Object.fromEntries(
          Object.entries(h)
            .filter(([k]) => !k.startsWith(':'))
            .map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]),
        );
      });
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', reject);
      stream.on('end', () => {
        const data = Buffer.concat(chunks);
        resolve(
          new ResponseContext(status, responseHeaders, {
            text: async () => data.toString('utf8'),
            binary: async () => data,
          }),
        );
      });
      if (body !== undefined) stream.end(body);
    });
  }

  async #sessionFor(origin: string): Promise<ClientHttp2Session> {
    const s = this.#session;
    if (s && !s.closed && !s.destroyed) return s;
    // Requests that arrive together must share one connection: no await between check and set.
    this.#tls ??= this.#tlsOptions();
    const tls = await this.#tls;
    const again = this.#session;
    if (again && !again.closed && !again.destroyed) return again;
    const session = connect(origin, tls);
    // A dead session must not keep the agent alive, and its errors surface on the next request.
    session.on('error', () => session.destroy());
    session.on('goaway', () => session.close());
    session.unref();
    this.#session = session;
    return session;
  }

  async #tlsOptions(): Promise<SecureClientSessionOptions> {
    const opts: { ca?: Buffer | string; cert?: Buffer | string; key?: Buffer | string } = {};
    await this.kc.applyToHTTPSOptions(opts);
    const cluster = this.kc.getCurrentCluster();
    return {
      ...(opts.ca === undefined ? {} : { ca: opts.ca }),
      ...(opts.cert === undefined ? {} : { cert: opts.cert }),
      ...(opts.key === undefined ? {} : { key: opts.key }),
      ...(cluster?.skipTLSVerify ? { rejectUnauthorized: false } : {}),
      ...(cluster?.tlsServerName ? { servername: cluster.tlsServerName } : {}),
    };
  }

  /** Closes the session (in-flight streams finish first). */
  close(): void {
    this.#session?.close();
    this.#session = undefined;
  }
}
