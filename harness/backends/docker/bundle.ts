import { build } from 'esbuild';

// ESM output still meets CommonJS dependencies that call require() for Node built-ins.
const REQUIRE_SHIM =
  "import { createRequire as __l2bCreateRequire } from 'node:module'; const require = __l2bCreateRequire(import.meta.url);";

/**
 * Bundles a TypeScript entry point and everything it imports into one ESM file for Node 20, so
 * an image needs no node_modules. Returns the JavaScript text.
 */
export async function bundleScript(entry: string): Promise<string> {
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    banner: { js: REQUIRE_SHIM },
  });
  const out = r.outputFiles[0];
  if (!out) throw new Error(`esbuild produced no output for ${entry}`);
  return out.text;
}
