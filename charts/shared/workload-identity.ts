import { checkAnnotations, checkExtraLabels } from './labels';

/**
 * The props every workload component takes for how its pods appear to the cluster: cloud workload
 * identity (a ServiceAccount annotation, and on Azure a pod label) and labels other tools select on.
 */
export interface WorkloadIdentityProps {
  /**
   * Annotations on the component's ServiceAccount, for cloud workload identity:
   * `eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/tempo` (AWS IRSA),
   * `iam.gke.io/gcp-service-account: tempo@my-project.iam.gserviceaccount.com` (GKE Workload
   * Identity), `azure.workload.identity/client-id: <client id>` (Azure Workload Identity, with the
   * pod label `azure.workload.identity/use: 'true'`). The pod's API token stays unmounted: these
   * providers project a token of their own.
   * @default - none
   */
  readonly serviceAccountAnnotations?: Readonly<Record<string, string>>;
  /**
   * Labels added to the component's pods only, never to selectors (which are immutable), e.g.
   * `azure.workload.identity/use: 'true'` or a cost-allocation label; `app.kubernetes.io/*` keys are
   * the stack's own.
   * @default - none
   */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** WorkloadIdentityProps checked, defaults (none) applied. */
export type WorkloadIdentity = Required<WorkloadIdentityProps>;

/** Checks WorkloadIdentityProps (valid annotation keys; valid label keys and values, none of the stack's own). */
export function resolveWorkloadIdentity(component: string, props: WorkloadIdentityProps): WorkloadIdentity {
  return {
    serviceAccountAnnotations: checkAnnotations(component, 'serviceAccountAnnotations', props.serviceAccountAnnotations) ?? {},
    podLabels: checkExtraLabels(component, 'podLabels', props.podLabels) ?? {},
  };
}
