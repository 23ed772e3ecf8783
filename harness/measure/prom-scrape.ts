import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';
import { MeasureError } from '../errors.js';
import { httpsGet, type TlsIdentity } from '../util/https-get.js';

/** A parsed scrape: metric families by name, taken at `tMs`. */
export interface Scrape {
  tMs: number;
  families: Map<string, PromFamily>;
  /**
   * The exposition text as scraped. parse-prometheus-text-format folds a labelled histogram's
   * series into one, so histograms are read from the text (harness/measure/histogram.ts).
   */
  text?: string;
}

/** Fetches a Prometheus text endpoint (HTTPS with a client certificate, or plain HTTP) and parses it. */
export async function scrapeMetrics(url: string, tls?: TlsIdentity, timeoutMs = 10_000): Promise<Scrape> {
  const tMs = Date.now();
  let text: string;
  try {
    if (url.startsWith('https:')) {
      if (!tls) throw new Error('https scrape needs a TLS identity');
      const r = await httpsGet(url, tls, timeoutMs);
      if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
      text = r.body;
    } else {
      const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      text = await r.text();
    }
  } catch (err) {
    throw new MeasureError(`cannot scrape ${url}: ${(err as Error).message}`, { cause: err });
  }
  return parseScrape(text, tMs);
}

/** Parses Prometheus text exposition with parse-prometheus-text-format. */
export function parseScrape(text: string, tMs: number): Scrape {
  const families = new Map<string, PromFamily>();
  for (const f of parsePrometheusTextFormat(text)) families.set(f.name, f);
  return { tMs, families, text };
}

/**
 * Sum of a family's samples whose labels match `where` (all given labels equal): the value of a
 * counter or gauge, the `_count` of a histogram or summary (e.g. etcd's WAL fsyncs).
 */
export function sumWhere(s: Scrape, name: string, where: Record<string, string> = {}): number | null {
  const fam = s.families.get(name);
  if (!fam) return null;
  let sum = 0;
  for (const m of fam.metrics) {
    if (Object.entries(where).every(([k, v]) => m.labels?.[k] === v)) sum += Number(m.value ?? m.count ?? 0);
  }
  return sum;
}

/** Samples of a family grouped by the values of `keys`, summed (e.g. by verb and code). */
export function groupSum(
  s: Scrape,
  name: string,
  keys: string[],
  where: Record<string, string> = {},
): Map<string, number> {
  const out = new Map<string, number>();
  const fam = s.families.get(name);
  if (!fam) return out;
  for (const m of fam.metrics) {
    if (!Object.entries(where).every(([k, v]) => m.labels?.[k] === v)) continue;
    const key = keys.map((k) => m.labels?.[k] ?? '').join('|');
    out.set(key, (out.get(key) ?? 0) + Number(m.value ?? m.count ?? 0));
  }
  return out;
}
