/** Binaries l2bench provisions. `kind` is pinned for the kind backend (`./l2bench tools kind`). */
export type ToolName =
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'etcd'
  | 'k6'
  | 'kind'
  | 'kube-vip'
  | 'metallb-controller'
  | 'metallb-speaker'
  | 'coredns'
  | KubernetesNodeTool;

/**
 * The Kubernetes binaries a kind node image carries (`l2bench tools <name>` builds one): the node
 * agents; kube-controller-manager and kube-scheduler, which kubeadm runs as static pods, are core
 * tools already.
 */
export type KubernetesNodeTool = 'kubelet' | 'kubeadm' | 'kubectl' | 'kube-proxy';

/**
 * The tools every local-backend run needs, in the order `l2bench tools` builds them. The controller
 * manager and scheduler come after kube-apiserver: they share its module graph and most of its
 * packages, so with a warm Go build cache each adds only its own packages.
 */
export const CORE_TOOLS: readonly ToolName[] = [
  'etcd',
  'k6',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
];
// kube-controller-manager's wrapper module takes k8s.io/endpointslice at v0.32.12: the Go module
// proxy answers 403 for v0.32.13 (see STAGING_VERSION_EXCEPTIONS).

/** What `l2bench tools` builds without arguments: the core tools and the peers runs compare with. */
export const DEFAULT_TOOLS: readonly ToolName[] = [...CORE_TOOLS, 'kube-vip'];
// metallb-controller and metallb-speaker are pinned (`l2bench tools metallb-speaker metallb-controller`)
// but not built by default until a backend runs them: the speaker alone takes many minutes to build.

/**
 * How to build a tool from source.
 * - `wrapper`: a generated module that requires the tool's module and imports its main package from
 *   a `tools.go`, then `go mod tidy` + `go build`. Needed when the tool's own go.mod has `replace`
 *   directives (then `go install pkg@version` refuses to build it).
 * - `go-install`: `GOBIN=<tmp> go install <pkg>@<version>`.
 * - `module-dir`: download the module and `go build .` inside it, with its own go.mod and go.sum.
 */
export type BuildRecipe =
  | {
      kind: 'wrapper';
      /** `go` directive of the wrapper go.mod; `go mod tidy` raises it if a dependency needs more. */
      goDirective: string;
      requires: readonly { module: string; version: string }[];
      /** `replace <module> => <module> <version>` lines (k8s.io/kubernetes pins staging modules to v0.0.0). */
      replaces: readonly { module: string; version: string }[];
      mainPackage: string;
      ldflags: readonly string[];
    }
  | { kind: 'go-install'; mainPackage: string; ldflags: readonly string[] }
  | {
      kind: 'module-dir';
      /** `go mod download -json <module>@<version>`, then `go build` in the module's own Dir. */
      module: string;
      /** Extra environment (GONOSUMDB for modules the checksum database does not know). */
      env: Readonly<Record<string, string>>;
      ldflags: readonly string[];
    };

/** One pinned binary. */
export interface ToolPin {
  name: ToolName;
  /** The version we build and expect the binary to report, with a leading `v`. */
  version: string;
  /** Env var holding a path to a binary that replaces the cached one. */
  envVar: string;
  /** Whether `KUBEBUILDER_ASSETS/<name>` may provide it (envtest's asset dir holds kube-apiserver and etcd). */
  inKubebuilderAssets: boolean;
  /** Arguments that make the binary print its version. */
  versionArgs: readonly string[];
  /**
   * Toolchain to retry with (`GOTOOLCHAIN=<this>`) when the machine's Go cannot build this version:
   * the Go release line the upstream release itself was built with.
   */
  fallbackToolchain: string;
  recipe: BuildRecipe;
  /** Use a binary on PATH that reports the pin's minor release before the cache or a build. */
  fromPath?: boolean;
}

const KUBERNETES_VERSION = 'v1.32.13';
const KUBERNETES_STAGING_VERSION = 'v0.32.13';

/**
 * Every module under kubernetes/staging/src/k8s.io at v1.32. k8s.io/kubernetes requires them at
 * v0.0.0 and points them at ./staging with `replace`, which a dependent module does not inherit,
 * so the wrapper must map each one to its published tag itself.
 */
export const KUBERNETES_STAGING_MODULES: readonly string[] = [
  'api',
  'apiextensions-apiserver',
  'apimachinery',
  'apiserver',
  'cli-runtime',
  'client-go',
  'cloud-provider',
  'cluster-bootstrap',
  'code-generator',
  'component-base',
  'component-helpers',
  'controller-manager',
  'cri-api',
  'cri-client',
  'csi-translation-lib',
  'dynamic-resource-allocation',
  'endpointslice',
  'externaljwt',
  'kms',
  'kube-aggregator',
  'kube-controller-manager',
  'kube-proxy',
  'kube-scheduler',
  'kubectl',
  'kubelet',
  'metrics',
  'mount-utils',
  'pod-security-admission',
  'sample-apiserver',
  'sample-cli-plugin',
  'sample-controller',
];

/**
 * MetalLB, not at its newest v0.16.2: that release requires github.com/metallb/frr-k8s v0.0.27, whose
 * zip the Go module proxy refuses (403 "not available"), and v0.0.21 (the newest it serves) lacks
 * types v0.16.2 uses (AsPathPrependPrefixes). v0.15.2 requires frr-k8s v0.0.20, which the proxy
 * serves; its go.mod has no replace lines and says `go 1.24.0`.
 */
const METALLB_VERSION = 'v0.15.2';

/**
 * MetalLB's controller or speaker: `go install go.universe.tf/metallb/<cmd>@v0.15.2`. Neither has a
 * version flag; both log `{…,"msg":"MetalLB <cmd> starting version 0.15.2 …",…}` first and then exit
 * 1 on arguments they reject before touching a cluster (controller: a bad `--tls-min-version`;
 * speaker: an empty `--node-name`): that is their version command.
 */
function metallbPin(name: ToolName, envVar: string, cmd: 'controller' | 'speaker'): ToolPin {
  return {
    name,
    version: METALLB_VERSION,
    envVar,
    inKubebuilderAssets: false,
    versionArgs:
      cmd === 'controller'
        ? ['--tls-min-version=l2bench-version-probe']
        : ['--namespace=l2bench-version-probe', '--node-name='],
    fallbackToolchain: 'go1.24.6',
    recipe: { kind: 'go-install', mainPackage: `go.universe.tf/metallb/${cmd}`, ldflags: ['-s', '-w'] },
  };
}

/**
 * Staging modules whose pinned version the module proxy will not serve. proxy.golang.org answers
 * `k8s.io/endpointslice@v0.32.13.zip` with 403 "This module version is not available" (checked
 * 2026-12-02; v0.32.12 downloads), and only kube-controller-manager imports it; the previous patch
 * release stands in.
 */
const STAGING_VERSION_EXCEPTIONS: Readonly<Record<string, string>> = { endpointslice: 'v0.32.12' };

/**
 * A binary from k8s.io/kubernetes at {@link KUBERNETES_VERSION}, built through a wrapper module
 * (its go.mod replaces the staging modules, which `go install` refuses). Every such build shares one
 * module download and the Go build cache, so the second one compiles only its own packages.
 */
function kubernetesPin(
  name: 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | KubernetesNodeTool,
  envVar: string,
  versionArgs: readonly string[],
  inKubebuilderAssets = false,
): ToolPin {
  return {
    name,
    version: KUBERNETES_VERSION,
    envVar,
    inKubebuilderAssets,
    versionArgs,
    fallbackToolchain: 'go1.23.12',
    recipe: {
      kind: 'wrapper',
      goDirective: '1.23.0',
      requires: [{ module: 'k8s.io/kubernetes', version: KUBERNETES_VERSION }],
      replaces: KUBERNETES_STAGING_MODULES.map((m) => ({
        module: `k8s.io/${m}`,
        version:
          (name === 'kube-controller-manager' ? STAGING_VERSION_EXCEPTIONS[m] : undefined) ??
          KUBERNETES_STAGING_VERSION,
      })),
      mainPackage: `k8s.io/kubernetes/cmd/${name}`,
      // Without these the binary reports v0.0.0-master and clients' version checks misfire.
      ldflags: [
        '-s',
        '-w',
        `-X k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION}`,
        '-X k8s.io/component-base/version.gitMajor=1',
        '-X k8s.io/component-base/version.gitMinor=32',
      ],
    },
  };
}

/** The pins. Bumping a version here makes every machine build the new binary on its next run. */
export const TOOL_PINS: Readonly<Record<ToolName, ToolPin>> = {
  'kube-apiserver': kubernetesPin('kube-apiserver', 'L2BENCH_KUBE_APISERVER', ['--version'], true),
  'kube-controller-manager': kubernetesPin('kube-controller-manager', 'L2BENCH_KUBE_CONTROLLER_MANAGER', [
    '--version',
  ]),
  'kube-scheduler': kubernetesPin('kube-scheduler', 'L2BENCH_KUBE_SCHEDULER', ['--version']),
  etcd: {
    name: 'etcd',
    version: 'v3.5.35',
    envVar: 'L2BENCH_ETCD',
    inKubebuilderAssets: true,
    versionArgs: ['--version'],
    // etcd v3.5.35's server/go.mod says `go 1.26.0`, `toolchain go1.26.10`.
    fallbackToolchain: 'go1.26.10',
    recipe: {
      kind: 'wrapper',
      goDirective: '1.26.0',
      requires: [{ module: 'go.etcd.io/etcd/server/v3', version: 'v3.5.35' }],
      replaces: [],
      // In 3.5 the server module's root is the etcd main package (server/main.go).
      mainPackage: 'go.etcd.io/etcd/server/v3',
      ldflags: ['-s', '-w'],
    },
  },
  k6: {
    name: 'k6',
    version: 'v1.8.1',
    envVar: 'L2BENCH_K6',
    inKubebuilderAssets: false,
    versionArgs: ['version'],
    fallbackToolchain: 'go1.25.12',
    recipe: { kind: 'go-install', mainPackage: 'go.k6.io/k6', ldflags: ['-s', '-w'] },
  },
  'kube-vip': {
    name: 'kube-vip',
    version: 'v1.0.0',
    envVar: 'L2BENCH_KUBE_VIP',
    inKubebuilderAssets: false,
    versionArgs: ['version'],
    // kube-vip v1.0.0's go.mod says `go 1.24.4`.
    fallbackToolchain: 'go1.24.6',
    recipe: {
      // Not `go install github.com/kube-vip/kube-vip@v1.0.0`: go install looks the module up for
      // deprecation through the proxy's @v/list, which answers 403 for kube-vip, so it fails. The
      // version itself downloads; building in its module dir uses kube-vip's own go.mod/go.sum.
      kind: 'module-dir',
      module: 'github.com/kube-vip/kube-vip',
      // sum.golang.org has no entry for these kube-vip versions.
      env: { GONOSUMDB: 'github.com/kube-vip', GOFLAGS: '-mod=mod' },
      // As kube-vip's Makefile: main.Version is what `kube-vip version` prints.
      ldflags: ['-s', '-w', '-X=main.Version=v1.0.0'],
    },
  },
  'metallb-controller': metallbPin('metallb-controller', 'L2BENCH_METALLB_CONTROLLER', 'controller'),
  'metallb-speaker': metallbPin('metallb-speaker', 'L2BENCH_METALLB_SPEAKER', 'speaker'),
  kind: {
    name: 'kind',
    version: 'v0.30.0',
    envVar: 'L2BENCH_KIND',
    inKubebuilderAssets: false,
    versionArgs: ['version'],
    fallbackToolchain: 'go1.24.6',
    recipe: { kind: 'go-install', mainPackage: 'sigs.k8s.io/kind', ldflags: ['-s', '-w'] },
    fromPath: true,
  },
  // The cluster DNS kubeadm v1.32 deploys (its CoreDNSVersion); built for the kind node image.
  coredns: {
    name: 'coredns',
    version: 'v1.11.3',
    envVar: 'L2BENCH_COREDNS',
    inKubebuilderAssets: false,
    versionArgs: ['-version'],
    fallbackToolchain: 'go1.22.12',
    recipe: { kind: 'go-install', mainPackage: 'github.com/coredns/coredns', ldflags: ['-s', '-w'] },
  },
  kubelet: kubernetesPin('kubelet', 'L2BENCH_KUBELET', ['--version']),
  kubeadm: kubernetesPin('kubeadm', 'L2BENCH_KUBEADM', ['version', '-o', 'short']),
  kubectl: kubernetesPin('kubectl', 'L2BENCH_KUBECTL', ['version', '--client']),
  'kube-proxy': kubernetesPin('kube-proxy', 'L2BENCH_KUBE_PROXY', ['--version']),
};

/** Type guard for CLI arguments. */
export function isToolName(s: string): s is ToolName {
  return Object.hasOwn(TOOL_PINS, s);
}
