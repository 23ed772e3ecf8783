import type { ToolName } from './tool-versions.js';

// What each binary prints for its version arguments:
//   kube-apiserver --version  → `Kubernetes v1.32.13`
//   etcd --version            → `etcd Version: 3.5.35` (then Git SHA, Go Version, Go OS/Arch lines)
//   k6 version                → `k6 v1.8.1 (go1.26.8, linux/amd64)`, where `k6` is the basename the
//                               binary was started as (`k6-v1.8.1.tmp v1.8.1 (…)` for our .tmp file)
//   kind version              → `kind v0.30.0 go1.26.8 linux/amd64`
//   kube-vip version          → `Kube-VIP Release Information` then `Version:  v1.0.0` (our -X main.Version)
//   kubelet, kube-controller-manager, kube-scheduler, kube-proxy --version → as kube-apiserver
//   kubeadm version -o short  → `v1.32.13`
//   kubectl version --client  → `Client Version: v1.32.13` (then a Kustomize Version line)
//   coredns -version          → `CoreDNS-1.11.3` then `linux/amd64, go1.x, <commit>`
//   metallb-controller|speaker <args rejected at startup> → `{…,"msg":"MetalLB speaker starting version 0.15.2 (…)",…}`
const KUBERNETES = /^Kubernetes (v?\d+\.\d+\.\d+[\w.+-]*)/m;
const PATTERNS: Record<ToolName, RegExp> = {
  'kube-apiserver': KUBERNETES,
  'kube-controller-manager': KUBERNETES,
  'kube-scheduler': KUBERNETES,
  etcd: /^etcd Version: (v?\d+\.\d+\.\d+[\w.+-]*)/m,
  k6: /^\S+ (v?\d+\.\d+\.\d+[\w.+-]*) \(/m,
  kind: /^kind (v?\d+\.\d+\.\d+[\w.+-]*)/m,
  'kube-vip': /^Version:\s+(v?\d+\.\d+\.\d+[\w.+-]*)/m,
  coredns: /^CoreDNS-(\d+\.\d+\.\d+[\w.+-]*)/m,
  kubelet: KUBERNETES,
  kubeadm: /^(v\d+\.\d+\.\d+[\w.+-]*)$/m,
  kubectl: /^Client Version: (v?\d+\.\d+\.\d+[\w.+-]*)/m,
  'kube-proxy': KUBERNETES,
  'metallb-controller': /"msg":"MetalLB controller starting version (v?\d+\.\d+\.\d+[\w.+-]*)/,
  'metallb-speaker': /"msg":"MetalLB speaker starting version (v?\d+\.\d+\.\d+[\w.+-]*)/,
};

/**
 * The version a tool reports in its version output, normalised to a leading `v` (`v3.5.35`);
 * undefined when the output does not look like that tool's version output.
 */
export function parseReportedVersion(name: ToolName, output: string): string | undefined {
  const m = PATTERNS[name].exec(output);
  if (!m?.[1]) return undefined;
  return m[1].startsWith('v') ? m[1] : `v${m[1]}`;
}
