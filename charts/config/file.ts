import { TempoStackProps } from '../stack';

/**
 * One deployable environment: a folder `dist/<name>/` that `kubectl apply -f` (or `-k`) takes on
 * its own. Everything but `name` and `description` is the stack's configuration (TempoStackProps),
 * one to one.
 */
export interface Environment extends TempoStackProps {
  /** Folder name under dist/, and the name of its Argo CD Application. A DNS label. */
  readonly name: string;
  /** What the environment is for. @default - none */
  readonly description?: string;
}

/** How `dist/argocd/` points Argo CD at the synthesized environments. */
export interface ArgoCdOptions {
  /** The git repository that holds this project's `dist/`, as Argo CD clones it. */
  readonly repoURL: string;
  /** The branch, tag or commit to deploy. @default 'main' */
  readonly targetRevision?: string;
  /** The Argo CD project of the Applications. @default 'default' */
  readonly project?: string;
  /** The namespace Argo CD runs in (where the Application objects live). @default 'argocd' */
  readonly namespace?: string;
  /** The cluster to deploy to, as Argo CD names it. @default 'https://kubernetes.default.svc' */
  readonly destinationServer?: string;
  /** Sync automatically with prune and self-heal. @default false */
  readonly automated?: boolean;
}

/** The config file `npm run synth` reads (`tempo-stack.yaml`): the environments and how Argo CD finds them. */
export interface StackConfigFile {
  /** The environments, each synthesized into `dist/<name>/`. */
  readonly environments: readonly Environment[];
  /** Write `dist/argocd/` with one Argo CD Application per environment. @default - no Argo CD output */
  readonly argocd?: ArgoCdOptions;
}
