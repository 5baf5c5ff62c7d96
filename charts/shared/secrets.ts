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
