import { App, Chart } from 'cdk8s';
import * as yaml from 'js-yaml';
import * as path from 'path';
// Tempo's folder and the config loader only, not the whole library: most test files need no more.
import { DEFAULT_CONFIG_FILE, loadStackConfig } from '../charts/config/load';
import { TempoChart, TempoProps } from '../charts/tempo';

/** S3-compatible storage as the bundled MinIO offers it. */
export const s3: TempoProps['storage'] = {
  backend: 's3', bucket: 'traces', endpoint: 'minio.tempo.svc.cluster.local:9000', insecure: true, forcePathStyle: true,
  credentials: { accessKeyId: { name: 'minio-credentials', key: 'MINIO_ROOT_USER' }, secretAccessKey: { name: 'minio-credentials',
    key: 'MINIO_ROOT_PASSWORD' } },
};

/** A Prometheus remote-write URL for the metrics-generator. */
export const remoteWrite = 'http://prometheus.tempo.svc.cluster.local:9090/api/v1/write';

/** A synthesized Kubernetes object, as plain JSON. */
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string,
  string> }; [key: string]: any };

/** Synthesizes one Tempo chart in namespace `tempo` and returns its objects. */
export function synthTempo(props: TempoProps = {}, namespace = 'tempo'): { chart: TempoChart; objects: K8sObject[] } {
  const app = new App();
  const chart = new TempoChart(app, 'tempo', { namespace, tempo: props });
  return { chart, objects: chart.toJson() };
}

/** The objects of a chart. */
export function objectsOf(chart: Chart): K8sObject[] {
  return chart.toJson();
}

/** Finds exactly one object by kind and name; fails the test otherwise. */
export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length} among ${objects.map((
    o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found[0];
}

/** All objects of a kind. */
export function allOf(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** Parses the tempo.yaml inside the Tempo ConfigMap. */
export function tempoYaml(objects: K8sObject[], name = 'tempo'): any {
  return yaml.load(find(objects, 'ConfigMap', `${name}-config`).data['tempo.yaml']);
}

/** True when every label of `selector` appears with the same value in `labels`. */
export function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** Every pod template (StatefulSets, Deployments) among the objects, with its owner. */
export function podTemplates(objects: K8sObject[]): Array<{ owner: K8sObject; template: any }> {
  return objects.filter((o) => o.spec?.template?.spec?.containers).map((owner) => ({ owner, template: owner.spec.template }));
}

/** The repository's own config file, as `npm run synth` reads it. */
export const CONFIG = loadStackConfig(path.join(__dirname, '..', DEFAULT_CONFIG_FILE));

/** The environments of the repository's config file. */
export const ENVIRONMENTS = CONFIG.environments;
