import { webcrypto } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const VALID_MS = 7 * 24 * 3600 * 1000;

/** A certificate and its key, as PEM, plus the file paths they were written to. */
export interface KeyPairFiles {
  certPem: string;
  keyPem: string;
  certFile: string;
  keyFile: string;
}

export interface LeafSpec {
  /** File stem: `<dir>/<stem>.crt` and `.key`. */
  stem: string;
  commonName: string;
  organizations?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
  usage: ('server' | 'client')[];
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function privatePem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function publicPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('spki', key);
  return x509.PemConverter.encode(der, 'PUBLIC KEY');
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(12)))
    .toString('hex')
    .replace(/^[89a-f]/, '1');
}

function subject(commonName: string, organizations: string[] = []): string {
  // Distinguished-name string; RFC 4514 escaping for the characters our names may carry.
  const esc = (s: string) => s.replace(/([,+"\\<>;=])/g, '\\$1');
  return [`CN=${esc(commonName)}`, ...organizations.map((o) => `O=${esc(o)}`)].join(', ');
}

/**
 * A throw-away certificate authority for one run, like kubeadm's `/etc/kubernetes/pki`: ECDSA P-256,
 * valid for a week. Leaves are issued for the API server, etcd, the admin and every node agent.
 */
export class RunPki {
  private constructor(
    readonly dir: string,
    readonly ca: KeyPairFiles,
    private readonly caCert: x509.X509Certificate,
    private readonly caKeys: CryptoKeyPair,
  ) {}

  /** Creates the CA and writes `ca.crt`/`ca.key` into `dir`. */
  static async create(dir: string, name = 'l2bench-ca'): Promise<RunPki> {
    const keys = await newKeys();
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: subject(name),
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + VALID_MS),
      signingAlgorithm: ALG,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const ca = write(dir, 'ca', cert.toString('pem'), await privatePem(keys.privateKey));
    return new RunPki(dir, ca, cert, keys);
  }

  /** Issues a leaf certificate signed by the CA and writes it. */
  async issue(spec: LeafSpec): Promise<KeyPairFiles> {
    const keys = await newKeys();
    const now = Date.now();
    const usages = spec.usage.map((u) =>
      u === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
    );
    const san = [
      ...(spec.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
      ...(spec.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
    ];
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension(usages),
      await x509.AuthorityKeyIdentifierExtension.create(this.caKeys.publicKey),
    ];
    if (san.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(san));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: subject(spec.commonName, spec.organizations),
      issuer: this.caCert.subject,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + VALID_MS),
      signingAlgorithm: ALG,
      publicKey: keys.publicKey,
      signingKey: this.caKeys.privateKey,
      extensions,
    });
    return write(this.dir, spec.stem, cert.toString('pem'), await privatePem(keys.privateKey));
  }

  /** A bare key pair for signing service-account tokens (`sa.key`, `sa.pub`). */
  async serviceAccountKeys(): Promise<{ keyFile: string; pubFile: string }> {
    const keys = await newKeys();
    const keyFile = join(this.dir, 'sa.key');
    const pubFile = join(this.dir, 'sa.pub');
    writeFileSync(keyFile, await privatePem(keys.privateKey), { mode: 0o600 });
    writeFileSync(pubFile, await publicPem(keys.publicKey));
    return { keyFile, pubFile };
  }
}

/** The control plane's certificates, as kubeadm issues them, for one run. */
export interface ControlPlaneCertificates {
  etcd: KeyPairFiles;
  apiserver: KeyPairFiles;
  apiserverEtcdClient: KeyPairFiles;
  admin: KeyPairFiles;
  serviceAccount: { keyFile: string; pubFile: string };
}

/**
 * Issues etcd's serving/peer certificate (localhost), kube-apiserver's serving certificate for
 * `apiserver.dnsNames` and `apiserver.ipAddresses`, its etcd client certificate, the admin's
 * (`system:masters`) and the service-account signing keys.
 */
export async function issueControlPlaneCertificates(
  pki: RunPki,
  apiserver: { dnsNames: readonly string[]; ipAddresses: readonly string[] },
): Promise<ControlPlaneCertificates> {
  const [etcd, apiserverCert, apiserverEtcdClient, admin, serviceAccount] = await Promise.all([
    pki.issue({
      stem: 'etcd',
      commonName: 'etcd',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      usage: ['server', 'client'],
    }),
    pki.issue({
      stem: 'apiserver',
      commonName: 'kube-apiserver',
      dnsNames: [...apiserver.dnsNames],
      ipAddresses: [...apiserver.ipAddresses],
      usage: ['server'],
    }),
    pki.issue({ stem: 'apiserver-etcd-client', commonName: 'kube-apiserver-etcd-client', usage: ['client'] }),
    pki.issue({
      stem: 'admin',
      commonName: 'kubernetes-admin',
      organizations: ['system:masters'],
      usage: ['client'],
    }),
    pki.serviceAccountKeys(),
  ]);
  return { etcd, apiserver: apiserverCert, apiserverEtcdClient, admin, serviceAccount };
}

function write(dir: string, stem: string, certPem: string, keyPem: string): KeyPairFiles {
  const certFile = join(dir, `${stem}.crt`);
  const keyFile = join(dir, `${stem}.key`);
  writeFileSync(certFile, certPem);
  writeFileSync(keyFile, keyPem, { mode: 0o600 });
  return { certPem, keyPem, certFile, keyFile };
}
