import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as argo from '../../imports/argoproj.io';
import { ArgoCdOptions } from '../config/file';
import { PART_OF } from '../shared/labels';

/** One environment as Argo CD deploys it. */
export interface ArgoCdTarget {
  /** The environment's name: the Application's name and the folder `dist/<name>/`. */
  readonly name: string;
  /** The namespace the environment's objects live in. */
  readonly namespace: string;
}

/** Props of an ArgoCdChart. */
export interface ArgoCdChartProps {
  readonly options: ArgoCdOptions;
  readonly environments: readonly ArgoCdTarget[];
  /** The folder in the repository that holds the environments' folders. @default 'dist' */
  readonly distPath?: string;
}

/**
 * One Argo CD Application per environment, each syncing `dist/<env>/` (a kustomize folder) from
 * git. The Namespace is one of the synthesized objects, so there is no CreateNamespace; objects
 * are applied server-side, like deploy.sh does, and pruned last.
 */
export class ArgoCdChart extends Chart {
  public readonly applications: argo.Application[];

  constructor(scope: Construct, id: string, props: ArgoCdChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const o = props.options;
    const distPath = props.distPath ?? 'dist';
    this.applications = props.environments.map((env) => new argo.Application(this, env.name, {
      metadata: {
        name: `tempo-stack-${env.name}`,
        namespace: o.namespace ?? 'argocd',
        labels: { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/instance': env.name },
        // Deleting the Application deletes what it deployed.
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: {
        project: o.project ?? 'default',
        source: { repoUrl: o.repoURL, targetRevision: o.targetRevision ?? 'main', path: `${distPath}/${env.name}` },
        destination: { server: o.destinationServer ?? 'https://kubernetes.default.svc', namespace: env.namespace },
        syncPolicy: {
          ...(o.automated ? { automated: { prune: true, selfHeal: true } } : {}),
          syncOptions: ['ServerSideApply=true', 'PruneLast=true', 'ApplyOutOfSyncOnly=true'],
          retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
        },
      },
    }));
  }
}
