import type { Command } from 'commander';
import { L2benchError } from '../errors.js';
import { provisionTools } from '../tools/provision-tools.js';
import { DEFAULT_TOOLS, isToolName } from '../tools/tool-versions.js';
import type { CommandIo } from './cli-args.js';

const KIND_NODE_IMAGE = 'kind-node-image';

/** `l2bench tools`: builds (once) and reports the pinned binaries, and the kind node image on request. */
export function addToolsCommand(program: Command, { out, progress }: CommandIo): void {
  program
    .command('tools')
    .description(
      'build (once) and report the pinned kube-apiserver, etcd, k6, kube-vip and MetalLB binaries; kind-node-image builds the kind node image into Docker',
    )
    .argument('[names...]', `tools to provision (default: ${DEFAULT_TOOLS.join(', ')})`)
    .action(async (names: string[]) => {
      if (names.includes(KIND_NODE_IMAGE)) {
        // The node image is not a binary: it needs Docker and builds the Kubernetes binaries it holds.
        const { buildKindNodeImage } = await import('../backends/kind/node-image/build-node-image.js');
        const r = await buildKindNodeImage(progress);
        out(
          `${KIND_NODE_IMAGE}: ${r.tag} (${r.built ? `built in ${r.seconds}s` : `cached, checked in ${r.seconds}s`})`,
        );
        names = names.filter((n) => n !== KIND_NODE_IMAGE);
        if (names.length === 0) return;
      }
      const wanted = names.length > 0 ? names : [...DEFAULT_TOOLS];
      for (const n of wanted)
        if (!isToolName(n))
          throw new L2benchError(
            `unknown tool '${n}': choose from ${DEFAULT_TOOLS.join(', ')}, kind, ${KIND_NODE_IMAGE}`,
          );
      const results = await provisionTools(wanted.filter(isToolName), { onProgress: progress });
      for (const r of results) out(r.summary);
    });
}
