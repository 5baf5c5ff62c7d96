import * as k8s from '../../imports/k8s';

/**
 * A pod security context that meets the "restricted" Pod Security Standard: a fixed non-root
 * UID/GID (images that declare a non-numeric user, like `nobody`, are refused by the kubelet under
 * runAsNonRoot), and the RuntimeDefault seccomp profile.
 */
export function restrictedPodSecurityContext(uid: number, fsGroup?: number): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    ...(fsGroup === undefined ? {} : { fsGroup, fsGroupChangePolicy: 'OnRootMismatch' }),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** A container security context that meets the "restricted" Pod Security Standard, with a read-only root filesystem. */
export function restrictedContainerSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
