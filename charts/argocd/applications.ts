import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as argo from '../../imports/argoproj.io';
import { ArgoCdOptions } from '../config/file';
import { PART_OF } from '../shared/labels';
import { checkDnsLabel, checkDnsSubdomain, ConfigErrorDetail, describe, fail } from '../shared/validate';

const C = 'argocd';

/**
 * The repository URL of the example config (`tempo-stack.yaml`): a fork that keeps it deploys
 * someone else's manifests, so synth warns about it (see argoCdWarnings).
 */
export const PLACEHOLDER_REPO_URL = 'https://github.com/tempo-stack/tempo-stack.git';

/** One environment as Argo CD deploys it. */
export interface ArgoCdTarget {
  /** The environment's name: the Application's name and the folder `dist/<name>/`. A DNS label. */
  readonly name: string;
  /** The namespace the environment's objects live in. */
  readonly namespace: string;
}

/** Props of an ArgoCdChart. */
export interface ArgoCdChartProps {
  readonly options: ArgoCdOptions;
  readonly environments: readonly ArgoCdTarget[];
  /** The folder in the repository that holds the environments' folders, relative to its root. @default 'dist' */
  readonly distPath?: string;
}

// What `git clone` takes: a URL with a scheme, or scp-like `user@host:path`.
const GIT_URL = /^(?:(?:https?|ssh|git):\/\/[^\s/@]+(?:@[^\s/]+)?(?:\/[^\s]*)?|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+)$/;
// A branch, tag or commit: git's ref-name rules, in short (no spaces, '..', '~', '^', ':', '?', '*', '[', '\').
const GIT_REVISION = /^(?!\/|.*\/\/|.*\/$|.*\.\.|.*@\{|-)[^\s~^:?*[\\\p{Cc}]+$/u;
const SERVER_URL = /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;

/**
 * Checks Argo CD's options and targets: a git URL and revision Argo CD can clone, an AppProject
 * name, the Argo CD namespace, an API server URL, a relative folder, and environment names and
 * namespaces that make valid Application names and destinations. Errors name `argocd.<option>`.
 */
export function checkArgoCdProps(props: ArgoCdChartProps): void {
  const o = props.options;
  if (typeof o.repoURL !== 'string' || !GIT_URL.test(o.repoURL)) {
    fail(C, 'repoURL', 'must be a git repository URL (https://, ssh:// or git@host:path)', o.repoURL,
      'write the URL Argo CD clones, e.g. \'https://github.com/acme/tracing.git\'');
  }
  if (o.targetRevision !== undefined && (typeof o.targetRevision !== 'string' || !GIT_REVISION.test(o.targetRevision))) {
    fail(C, 'targetRevision', 'must be a branch, tag or commit', o.targetRevision, 'write e.g. \'main\', \'v1.2.0\' or a commit hash');
  }
  if (o.project !== undefined) checkDnsSubdomain(C, 'project', o.project, 'default');
  if (o.namespace !== undefined) checkDnsLabel(C, 'namespace', o.namespace, 63, 'argocd');
  if (o.destinationServer !== undefined && (typeof o.destinationServer !== 'string' || !SERVER_URL.test(o.destinationServer))) {
    fail(C, 'destinationServer', 'must be the API server\'s http(s) URL', o.destinationServer,
      'write it as Argo CD lists the cluster, e.g. \'https://kubernetes.default.svc\'');
  }
  const distPath = props.distPath;
  if (distPath !== undefined
    && (typeof distPath !== 'string' || distPath === '' || distPath.split('/').some((s) => s === '' || s === '.' || s === '..') || /[\s\\]/.test(distPath))) {
    fail(C, 'distPath', 'must be a folder relative to the repository root (no leading or trailing \'/\', no \'.\' or \'..\')', distPath,
      'write e.g. \'dist\' or \'deploy/tracing/dist\'');
  }
  props.environments.forEach((env, i) => {
    // The Application is `tempo-stack-<name>`, within a label's 63 characters.
    checkDnsLabel(C, `environments[${i}].name`, env.name, 63 - 'tempo-stack-'.length, 'staging');
    checkDnsLabel(C, `environments[${i}].namespace`, env.namespace, 63, 'tempo');
  });
}

/** What synth warns about in the Argo CD options, in the error format's parts: a repoURL still pointing at the example repository. */
export function argoCdWarnings(options: ArgoCdOptions): ConfigErrorDetail[] {
  return options.repoURL === PLACEHOLDER_REPO_URL
    ? [{
      component: C, prop: 'repoURL', problem: 'is still the example repository', got: describe(PLACEHOLDER_REPO_URL),
      fix: 'point it at the repository (your fork) that holds this dist/, or Argo CD deploys that repository\'s manifests instead of yours',
    }]
    : [];
}

/**
 * One Argo CD Application per environment, each syncing `dist/<env>/` (a kustomize folder) from
 * git. The Namespace is one of the synthesized objects, so there is no CreateNamespace; objects
 * are applied server-side, like deploy.sh does, and pruned last.
 */
export class ArgoCdChart extends Chart {
  /** The Applications, one per environment, in the order given. */
  public readonly applications: argo.Application[];

  constructor(scope: Construct, id: string, props: ArgoCdChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    checkArgoCdProps(props);
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
