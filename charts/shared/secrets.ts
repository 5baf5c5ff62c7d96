/**
 * A key of a Kubernetes Secret in the component's namespace. Secrets are created by the user or
 * by the deploy script at deploy time, never synthesized: nothing secret lands in dist/.
 */
export interface SecretKeyRef {
  /** The Secret's name. */
  readonly name: string;
  /** The key inside the Secret. */
  readonly key: string;
}

/** How the deploy script fills one key of a Secret it creates. */
export type GeneratedSecretValue =
  /** A strong random value (openssl rand), different in every cluster. */
  | { readonly random: true }
  /** A fixed, non-secret value, such as a user name. */
  | { readonly literal: string };

/**
 * A Secret the stack references and the deploy script may create at deploy time when nobody has
 * created it yet. Listed in `dist/<env>/environment`, never synthesized as an object.
 */
export interface GeneratedSecret {
  readonly name: string;
  readonly keys: Readonly<Record<string, GeneratedSecretValue>>;
}

/**
 * A Secret a workload mounts that neither the stack synthesizes nor the deploy script can generate:
 * an htpasswd file, an OAuth client secret, a certificate. Listed so the deploy tooling and the
 * docs can tell the user what to create first.
 */
export interface ProvidedSecret {
  readonly name: string;
  /** `user`: the user creates it before deploying; `cert-manager`: cert-manager issues it from a Certificate. */
  readonly by: 'user' | 'cert-manager';
  /** The keys the workload reads. */
  readonly keys: readonly string[];
}
