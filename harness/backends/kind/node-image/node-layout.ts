/** Where the node image keeps what kind and our units read (kind's `/kind` layout). */
export const KIND_DIR = '/kind';
/** Component image tarballs (`docker save` format), imported into containerd at boot. */
export const KIND_IMAGES_DIR = '/kind/images';
/** kind reads the Kubernetes version from this file (`cat /kind/version`). */
export const KIND_VERSION_FILE = '/kind/version';
/** kind applies this manifest unless the cluster config disables the default CNI. */
export const KIND_CNI_MANIFEST = '/kind/manifests/default-cni.yaml';
