// The catalogue of bad input: every invalid configuration is rejected at synth time with a message
// naming the field, the value and the fix, and leaves the previous output byte for byte as it was.
// File cases run through the synth command itself (`tempo-stack synth`, what `npm run synth` runs,
// called in process); API cases through the library, as a platform team's own app would.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import {
  ArgoCdChart, ConfigError, Environment, GrafanaChart, NamespaceChart, synthesizeAll, TempoStack, TempoStackProps,
} from '../charts';
import { main } from '../charts/cli';
import { CONFIG } from './helpers';


/** One environment of the repository's config, changed. */
const envWith = (index: number, change: (env: any) => void): Environment => {
  const env = structuredClone(CONFIG.environments[index]) as any;
  change(env);
  return env;
};
const fileWith = (...environments: unknown[]): string => yaml.dump(JSON.parse(JSON.stringify({ environments })));
/** A config file with one environment `e` in namespace `e`, with these props. */
const fileOf = (props: object): string => fileWith({ name: 'e', namespace: 'e', ...props });

/** An Alertmanager receiver as the config file writes it. */
const slackReceiver = { name: 'chat', type: 'slack', apiUrl: { name: 'alertmanager-receivers', key: 'slack-url' } };

/** [what, config file text, the one-line message synth must print]. */
const FILE_CASES: Array<[string, string, string]> = [
  ['YAML syntax: a tab-broken mapping', 'environments:\n  - name: dev\n   namespace: x\n', 'tempo-stack.yaml:3:'],
  ['YAML syntax: an unclosed flow sequence', 'environments: [{name: dev, namespace: x}\n', 'tempo-stack.yaml:2:'],
  ['not a mapping at the top', '- dev\n', "tempo-stack.yaml: '' must be of type object, got [\"dev\"]; write a mapping (key: value) here"],
  ['no environments key', 'argocd: {repoURL: x}\n', "tempo-stack.yaml: 'environments' is required, got undefined; add it"],
  ['an unknown top-level key', 'environments: []\nenvironmnets: []\n',
    "tempo-stack.yaml: 'environmnets' is not a known key, got []; did you mean 'environments'? allowed keys here: environments, argocd"],
  ['an environment without a name', fileWith({ namespace: 'x' }), "tempo-stack.yaml: 'environments[0].name' is required, got undefined"],
  ['an environment without a namespace', fileWith({ name: 'x' }), "tempo-stack.yaml: 'environments[0].namespace' is required, got undefined"],
  ['two environments with one name', fileWith(CONFIG.environments[0], CONFIG.environments[0]),
    "tempo-stack.yaml: 'environments[1].name' is already used by environments[0], got 'dev'; give every environment its own name"],
  ['a namespace that is not a DNS label', fileWith(envWith(0, (e) => { e.namespace = 'Tempo_Dev'; })),
    "tempo-stack.yaml: 'environments[0].namespace' must be a DNS label (lower-case letters, digits and '-', starting with a letter, at most 63 "
      + "characters), got 'Tempo_Dev'"],
  ['a misspelt Tempo prop', fileWith(envWith(0, (e) => { e.tempo.replica = 2; })),
    "tempo-stack.yaml: 'environments[0].tempo.replica' is not a known key, got 2; did you mean 'replicas'?"],
  ['replicas as text', fileWith(envWith(2, (e) => { e.tempo.replicas = 'three'; })),
    "tempo-stack.yaml: 'environments[0].tempo.replicas' must be of type number, got 'three'; write a number here"],
  ['an unknown Tempo mode', fileWith(envWith(0, (e) => { e.tempo.mode = 'ha'; })),
    "tempo-stack.yaml: 'environments[0].tempo.mode' must be one of 'single-node', 'cluster', 'distributed', got 'ha'; pick one of them"],
  ['an unknown preset', fileWith(envWith(0, (e) => { e.tempo.preset = 'huge'; })),
    "tempo-stack.yaml: 'environments[0].tempo.preset' must be one of 'basic', 'single-node', 'with-metrics', got 'huge'; pick one of them"],
  ['three replicas in single-node mode', fileWith(envWith(0, (e) => { e.tempo.replicas = 3; })),
    "tempo-stack.yaml: 'environments[0].tempo.replicas' must be 1 in single-node mode, got 3; use mode 'cluster' for more replicas"],
  ['a cluster on local storage', fileWith(envWith(2, (e) => { delete e.minio; })),
    "tempo-stack.yaml: 'environments[0].tempo.storage.backend' must be object storage (s3, gcs or azure) in cluster mode, got 'local'"],
  ['an unknown storage backend', fileWith(envWith(0, (e) => { e.tempo.storage = { backend: 'ftp' }; })),
    "tempo-stack.yaml: 'environments[0].tempo.storage.backend' must be one of 'local', 's3', 'gcs', 'azure', got 'ftp'; pick one of them"],
  ['an S3 endpoint with a scheme',
    fileWith(envWith(0, (e) => { e.tempo.storage = { backend: 's3', bucket: 'traces', endpoint: 'https://s3:9000' }; })),
    "tempo-stack.yaml: 'environments[0].tempo.storage.endpoint' must be host:port without a scheme or path, got 'https://s3:9000'"],
  ['the bundled MinIO together with an own store', fileWith(envWith(2, (e) => { e.tempo.storage = { backend: 'gcs', bucket: 'traces' }; })),
    "tempo-stack.yaml: 'environments[0].minio' cannot be combined with tempo.storage, got 'gcs'"],
  ['an unpinned Tempo image', fileWith(envWith(0, (e) => { e.tempo.image = { repository: 'grafana/tempo', tag: 'latest' }; })),
    "tempo-stack.yaml: 'environments[0].tempo.image.tag' must be a pinned image tag, got 'latest'"],
  ['a memory limit below the declared load',
    fileWith(envWith(1, (e) => { e.tempo.resources = { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '600Mi' } }; })),
    "tempo-stack.yaml: 'environments[0].tempo.resources.limits.memory' cannot hold what the rate limit admits"],
  ['a MinIO bucket name S3 refuses', fileWith(envWith(2, (e) => { e.minio = { bucket: 'Traces_1' }; })),
    "tempo-stack.yaml: 'environments[0].minio.bucket' must be"],
  ['a Prometheus retention in a unit Prometheus does not know', fileOf({ prometheus: { retentionTime: '15days' } }),
    "tempo-stack.yaml: 'environments[0].prometheus.retentionTime' must be a positive Prometheus duration such as '30s', '5m', '15d', got '15days'"],
  ['a Prometheus volume too small for its retention', fileOf({ prometheus: { storageSize: '100Mi' } }),
    "tempo-stack.yaml: 'environments[0].prometheus.storageSize' is too small for 15d of"],
  ['a Prometheus memory limit below its series',
    fileOf({ prometheus: { resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } } } }),
    "tempo-stack.yaml: 'environments[0].prometheus.resources.limits.memory' is too small for"],
  // The cluster's 70 000 series (docs/prometheus.md, "Capacity model": two tenants, each with 3 generators x 10 000) plus its
  // two Alertmanagers' 500 each: the generator's cap is Tempo's prop in the stack.
  ['a Prometheus memory limit below the metrics-generator\'s series', fileWith(envWith(2,
    (e) => { e.prometheus = { resources: { limits: { memory: '128Mi' } } }; })),
    "tempo-stack.yaml: 'environments[0].prometheus.resources.limits.memory' is too small for 71000 active series (Prometheus needs about 465Mi), got "
      + "'128Mi'; raise it to at least 465Mi, or lower the series (tempo.metricsGeneratorMaxActiveSeries, tempo.replicas)"],
  ['an Alertmanager address without a scheme', fileWith({ name: 'e', namespace: 'e', prometheus: { alertmanagerUrl: 'alertmanager:9093' } }),
    "tempo-stack.yaml: 'environments[0].prometheus.alertmanagerUrl' must be an http(s) URL without query or fragment, got 'alertmanager:9093'"],
  ['an Alertmanager receiver of an unknown type', fileWith({ name: 'e', namespace: 'e', alertmanager: { receivers: [{ name: 'x', type: 'sms' }] } }),
    "tempo-stack.yaml: 'environments[0].alertmanager.receivers[0].type' must be one of 'webhook', 'slack', 'pagerduty', 'email', 'msteams', "
      + "'opsgenie', 'telegram', 'discord', got 'sms'; pick one of them"],
  ['an Alertmanager route naming a missing receiver', fileWith({ name: 'e', namespace: 'e', alertmanager: { receivers: [slackReceiver],
    criticalReceiver: 'pagr' } }),
    "tempo-stack.yaml: 'environments[0].alertmanager.criticalReceiver' names no receiver, got 'pagr'; name one of 'null', 'chat', or add a receiver "
      + "of that name to receivers"],
  ['an Alertmanager route naming a receiver when none is configured', fileWith({ name: 'e', namespace: 'e',
    alertmanager: { deadMansSwitchReceiver: 'healthchecks' } }),
    "tempo-stack.yaml: 'environments[0].alertmanager.deadMansSwitchReceiver' names no receiver, got 'healthchecks'; add a receiver named "
      + "'healthchecks' to receivers (none is configured)"],
  ['two Alertmanager receivers of one name', fileWith({ name: 'e', namespace: 'e', alertmanager: { receivers: [slackReceiver, { ...slackReceiver,
    type: 'discord', apiUrl: undefined, webhookUrl: slackReceiver.apiUrl }] } }),
    "tempo-stack.yaml: 'environments[0].alertmanager.receivers[1].name' is already the name of receivers[0], got 'chat'; give every receiver its own "
      + "name"],
  ['an Alertmanager receiver named null', fileWith({ name: 'e', namespace: 'e', alertmanager: { receivers: [{ ...slackReceiver, name: 'null' }] } }),
    "tempo-stack.yaml: 'environments[0].alertmanager.receivers[0].name' is the built-in receiver that drops alerts, got 'null'"],
  ['an Alertmanager group wait that is no duration', fileWith({ name: 'e', namespace: 'e', alertmanager: { groupWait: '30sec' } }),
    "tempo-stack.yaml: 'environments[0].alertmanager.groupWait' must be a duration such as '30s', '5m' or '4h', got '30sec'"],
  ['an Alertmanager repeat interval shorter than its group interval', fileWith({ name: 'e', namespace: 'e', alertmanager: { groupInterval: '10m',
    repeatInterval: '5m' } }),
    "tempo-stack.yaml: 'environments[0].alertmanager.repeatInterval' must not be shorter than groupInterval (10m), got '5m'"],
  ['an Alertmanager receiver Secret name Kubernetes refuses', fileWith({ name: 'e', namespace: 'e', alertmanager: { receivers: [{ ...slackReceiver,
    apiUrl: { name: 'Slack_Secret', key: 'url' } }] } }),
    "tempo-stack.yaml: 'environments[0].alertmanager.receivers[0].apiUrl.name' must be the name of a Secret (lower-case letters, digits, '-' and "
      + "'.'), got 'Slack_Secret'"],
  ['an Alertmanager receiver Secret key with a slash', fileWith({ name: 'e', namespace: 'e', alertmanager: { receivers: [{ ...slackReceiver,
    apiUrl: { name: 'slack', key: 'a/b' } }] } }),
    "tempo-stack.yaml: 'environments[0].alertmanager.receivers[0].apiUrl.key' must be a Secret key (letters, digits, '-', '_', '.'), got 'a/b'"],
  // A credential written in place of its Secret reference is never echoed back (it may sit in a CI log).
  ['an Alertmanager webhook URL written where its Secret reference belongs',
    fileOf({ alertmanager: { receivers: [{ ...slackReceiver, apiUrl: 'https://hooks.slack.com/services/T0/B0/s3cr3t' }] } }),
    "tempo-stack.yaml: 'environments[0].alertmanager.receivers[0].apiUrl' must be of type object, got '<redacted>'; "
      + 'write a mapping (key: value) here'],
  ['a Grafana database password written where its Secret reference belongs',
    fileOf({ grafana: { database: { type: 'postgres', host: 'db:5432', name: 'grafana', user: 'grafana', password: 'hunter2' } } }),
    "tempo-stack.yaml: 'environments[0].grafana.database.password' must be of type object, got '<redacted>'; "
      + 'write a mapping (key: value) here'],
  ['a misspelt Alertmanager receiver key', fileWith({ name: 'e', namespace: 'e', alertmanager: { receivers: [{ ...slackReceiver,
    chanel: '#ops' }] } }),
    "tempo-stack.yaml: 'environments[0].alertmanager.receivers[0].chanel' is not a known key, got '#ops'; did you mean 'channel'?"],
  ['an SMTP server without a port', fileWith({ name: 'e', namespace: 'e', alertmanager: { receivers: [{ name: 'mail', type: 'email',
    to: 'oncall@example.com', from: 'am@example.com', smarthost: 'smtp.example.com' }] } }),
    "tempo-stack.yaml: 'environments[0].alertmanager.receivers[0].smarthost' must be host:port, got 'smtp.example.com'; write e.g. "
      + "'smtp.example.com:587'"],
  ['no Alertmanager replicas', fileWith({ name: 'e', namespace: 'e', alertmanager: { replicas: 0 } }),
    "tempo-stack.yaml: 'environments[0].alertmanager.replicas' must be a whole number from 1 to 9, got 0"],
  ['an Alertmanager without the stack\'s Prometheus', fileWith({ name: 'e', namespace: 'e', prometheus: false, grafana: false, alertmanager: {} }),
    "tempo-stack.yaml: 'environments[0].alertmanager' needs the stack's own Prometheus to send it alerts, got false; remove prometheus: false, or "
      + "remove alertmanager"],
  ['the stack\'s Alertmanager and an Alertmanager URL together', fileWith({ name: 'e', namespace: 'e', prometheus: { alertmanagerUrl: 'http://am:9093' }, alertmanager: {} }),
    "tempo-stack.yaml: 'environments[0].prometheus.alertmanagerUrl' cannot be combined with alertmanagers (the stack's own Alertmanager), got 'http://am:9093'"],
  ['our own Prometheus and the Prometheus Operator together', fileWith({ name: 'e', namespace: 'e', prometheus: {},
    prometheusOperator: { release: 'kps' } }),
    "tempo-stack.yaml: 'environments[0].prometheusOperator' replaces our own Prometheus and cannot be combined with prometheus, got 'kps'"],
  ['no Prometheus for Grafana to query', fileOf({ prometheus: false }),
    "tempo-stack.yaml: 'environments[0].grafana.prometheusUrl' is required when the stack deploys no Prometheus of its own, got undefined"],
  ['two Grafana replicas on SQLite', fileOf({ grafana: { replicas: 2 } }),
    "tempo-stack.yaml: 'environments[0].grafana.replicas' must be 1 with the built-in SQLite database, got 2"],
  ['an unpinned Grafana image', fileOf({ grafana: { image: { repository: 'grafana/grafana', tag: 'latest' } } }),
    "tempo-stack.yaml: 'environments[0].grafana.image.tag' must be a pinned image tag, got 'latest'"],
  ['a ServiceAccount annotation key Kubernetes refuses', fileOf({ tempo: { serviceAccountAnnotations: { 'role arn': 'arn:aws:iam::1:role/t' } } }),
    "tempo-stack.yaml: 'environments[0].tempo.serviceAccountAnnotations.role arn' is not a valid annotation key, got 'role arn'"],
  ['a pod label that would replace the stack\'s own', fileOf({ grafana: { podLabels: { 'app.kubernetes.io/name': 'mine' } } }),
    "tempo-stack.yaml: 'environments[0].grafana.podLabels.app.kubernetes.io/name' would replace a label the stack sets itself"
      + " (selectors and tools rely on them), got 'mine'"],
  ['a pod label value Kubernetes refuses', fileOf({ prometheus: { podLabels: { team: 'platform team' } } }),
    "tempo-stack.yaml: 'environments[0].prometheus.podLabels.team' must be a label value"],
  ['a Grafana root URL without a scheme', fileOf({ grafana: { rootUrl: 'grafana.example.com' } }),
    "tempo-stack.yaml: 'environments[0].grafana.rootUrl' must be an http(s) URL, got 'grafana.example.com'"],
  ['OTLP open to a namespace name that cannot exist', fileOf({ tempo: { otlpFromNamespaces: ['Shop'] } }),
    "tempo-stack.yaml: 'environments[0].tempo.otlpFromNamespaces' must be 'all' or a list of namespace names"],
  ['a tenant id that is not a valid X-Scope-OrgID value', fileWith({ name: 'e', namespace: 'e', tempo: { tenants: [{ id: 'team a' }] } }),
    "tempo-stack.yaml: 'environments[0].tempo.tenants[0].id' must be a tenant id Tempo accepts in the X-Scope-OrgID header"],
  ['two tenants with one id', fileWith({ name: 'e', namespace: 'e', tempo: { tenants: [{ id: 'shop' }, { id: 'shop' }] } }),
    "tempo-stack.yaml: 'environments[0].tempo.tenants[1].id' is already used by tenants[0], got 'shop'; give every tenant its own id"],
  ['a tenant limit above the ingesters\' memory', fileWith({ name: 'e', namespace: 'e', tempo: { tenants: [{ id: 'shop' }, { id: 'big',
    ingestionRateLimitBytes: 100000000 }] } }),
    "tempo-stack.yaml: 'environments[0].tempo.tenants[1]' does not fit: tenants 'shop', 'big' together admit"],
  ['a cross-tenant datasource with one tenant', fileWith({ name: 'e', namespace: 'e', tempo: { tenants: [{ id: 'shop' }] },
    grafana: { crossTenantDatasource: true } }),
    "tempo-stack.yaml: 'environments[0].grafana.crossTenantDatasource' needs at least two Tempo tenants, got [\"shop\"]"],
  ['fewer ingesters than the replication factor', fileWith({ name: 'e', namespace: 'e', minio: {}, tempo: { mode: 'distributed',
    components: { ingester: { replicas: 2 } } } }),
    "tempo-stack.yaml: 'environments[0].tempo.components.ingester.replicas' must be at least the replication factor (3), got 2"],
  ['fewer ingester zones than the replication factor', fileWith({ name: 'e', namespace: 'e', minio: {}, tempo: { mode: 'distributed',
    components: { ingester: { zones: ['a', 'b'] } } } }),
    "tempo-stack.yaml: 'environments[0].tempo.components.ingester.zones' must name at least as many zones as the replication factor (3), got "
      + "[\"a\",\"b\"]"],
  ['components outside distributed mode', fileWith({ name: 'e', namespace: 'e', tempo: { components: { querier: { replicas: 2 } } } }),
    "tempo-stack.yaml: 'environments[0].tempo.components' is only for mode 'distributed', got [\"querier\"]"],
  ['an OTLP gateway without credentials', fileWith({ name: 'e', namespace: 'e', gateway: { auth: { type: 'none' } } }),
    "tempo-stack.yaml: 'environments[0].gateway.auth.type' must be one of 'basic', 'bearer', got 'none'; pick one of them"],
  ['a token Secret without senders', fileWith({ name: 'e', namespace: 'e', gateway: { auth: { type: 'bearer', secretName: 'otlp-tokens',
    senders: {} } } }),
    "tempo-stack.yaml: 'environments[0].gateway.auth.senders' must list every sender whose token the Secret holds, got {}"],
  ['a gateway user mapped to a tenant id Tempo refuses', fileWith({ name: 'e', namespace: 'e', gateway: { auth: { type: 'basic', secretName: 'h',
    tenants: { alice: 'team a' } } } }),
    "tempo-stack.yaml: 'environments[0].gateway.auth.tenants.alice' must be a Tempo tenant id"],
  // The stack passes Tempo's tenants to the gateway: a credential writing as any other tenant would be refused by Tempo at run time.
  ['a gateway credential mapped to a tenant Tempo does not know', fileWith({ name: 'e', namespace: 'e', tempo: { tenants: [{ id: 'team-a' }] },
    gateway: { auth: { type: 'basic', secretName: 'h', tenants: { alice: 'team-a', bob: 'team-c' } } } }),
    "tempo-stack.yaml: 'environments[0].gateway.auth.tenants.bob' names a tenant Tempo does not know (known: team-a), got 'team-c'; "
      + 'add the tenant to tempo.tenants, or map the credential to a known tenant'],
  ['a gateway Ingress host that is not a DNS name', fileWith({ name: 'e', namespace: 'e', gateway: { auth: { type: 'basic', secretName: 'h' },
    expose: { ingress: { host: 'otlp.example.com/v1' } } } }),
    "tempo-stack.yaml: 'environments[0].gateway.expose.ingress.host' must be a DNS name"],
  ['gateway TLS without a Secret or an issuer', fileWith({ name: 'e', namespace: 'e', gateway: { auth: { type: 'basic', secretName: 'h' },
    tls: { dnsNames: ['otlp.example.com'] } } }),
    "tempo-stack.yaml: 'environments[0].gateway.tls' needs a secretName or an issuer"],
  ['a gateway LoadBalancer in clear text', fileWith({ name: 'e', namespace: 'e', gateway: { auth: { type: 'basic', secretName: 'h' },
    expose: { serviceType: 'LoadBalancer' } } }),
    "tempo-stack.yaml: 'environments[0].gateway.expose.serviceType' LoadBalancer needs tls (credentials would cross the network in clear text)"],
  ['a Grafana Ingress host that is not a DNS name', fileWith({ name: 'e', namespace: 'e', grafana: { expose: { ingress: { host: 'grafana_example' },
    controllerNamespaces: ['ingress-nginx'] } } }),
    "tempo-stack.yaml: 'environments[0].grafana.expose.ingress.host' must be a DNS name"],
  ['Grafana Ingress TLS without a Secret or an issuer', fileWith({ name: 'e', namespace: 'e',
    grafana: { expose: { ingress: { host: 'grafana.example.com', tls: {} }, controllerNamespaces: ['ingress-nginx'] } } }),
    "tempo-stack.yaml: 'environments[0].grafana.expose.ingress.tls' needs a secretName or an issuer"],
  ['a Grafana SSO provider without its client secret', fileWith({ name: 'e', namespace: 'e', grafana: { rootUrl: 'https://g.example.com/',
    auth: { provider: 'github', clientId: 'abc' } } }),
    "tempo-stack.yaml: 'environments[0].grafana.auth.clientSecret' is required"],
  ['a Grafana SSO provider Grafana does not have', fileWith({ name: 'e', namespace: 'e', grafana: { rootUrl: 'https://g.example.com/',
    auth: { provider: 'keycloak', clientId: 'abc', clientSecret: { name: 's', key: 'k' } } } }),
    "tempo-stack.yaml: 'environments[0].grafana.auth.provider' must be one of 'generic_oauth', 'github', 'gitlab', 'google', 'azuread', 'okta', got "
      + "'keycloak'"],
  ['an Argo CD section without a repository', 'environments: []\nargocd: {project: default}\n',
    "tempo-stack.yaml: 'argocd.repoURL' is required, got undefined"],
  ['an environment named like the Argo CD folder',
    fileWith(envWith(0, (e) => { e.name = 'argocd'; })) + 'argocd: {repoURL: https://example.com/r.git}\n',
    "tempo-stack.yaml: 'environments[0].name' collides with the Argo CD folder dist/argocd/, got 'argocd'; rename the environment"],
  // Names that become folders, Application names and labels.
  ['an environment name that climbs out of dist/', fileWith({ name: '../etc', namespace: 'e' }),
    "tempo-stack.yaml: 'environments[0].name' must be a DNS label (lower-case letters, digits and '-', starting with a letter, at most 63 "
      + "characters), got '../etc'"],
  ['an environment name in upper case', fileWith({ name: 'Staging', namespace: 'staging' }),
    "tempo-stack.yaml: 'environments[0].name' must be a DNS label (lower-case letters, digits and '-', starting with a letter, at most 63 "
      + "characters), got 'Staging'"],
  ['an environment name too long for its Argo CD Application label',
    `${fileWith({ name: `e${'x'.repeat(51)}`, namespace: 'e' })}argocd: {repoURL: https://example.com/r.git}\n`,
    "tempo-stack.yaml: 'environments[0].name' must be at most 51 characters with Argo CD (its Application 'tempo-stack-<name>' becomes a label), "
      + `got 'e${'x'.repeat(51)}'`],
  ['two environments in one namespace', fileWith({ name: 'a', namespace: 'shared' }, { name: 'b', namespace: 'shared' }),
    "tempo-stack.yaml: 'environments[1].namespace' is already used by environments[0] ('a'), got 'shared'; give every environment its own namespace"],
  ['a namespace Kubernetes owns', fileWith({ name: 'e', namespace: 'kube-system' }),
    "tempo-stack.yaml: 'environments[0].namespace' must be a namespace of the stack's own, not one Kubernetes creates, got 'kube-system'"],
  ['the default namespace', fileWith({ name: 'e', namespace: 'default' }),
    "tempo-stack.yaml: 'environments[0].namespace' must be a namespace of the stack's own, not one Kubernetes creates, got 'default'"],
  // Misspelt keys inside the `Props | false` unions get the allowed keys, like Tempo's.
  ['a misspelt Prometheus prop', fileOf({ prometheus: { retentionTme: '3d' } }),
    "tempo-stack.yaml: 'environments[0].prometheus.retentionTme' is not a known key, got '3d'; did you mean 'retentionTime'? allowed keys "
      + "here: name, image,"],
  ['a misspelt Grafana prop', fileOf({ grafana: { anonymus: true } }),
    "tempo-stack.yaml: 'environments[0].grafana.anonymus' is not a known key, got true; did you mean 'anonymous'? allowed keys here: name, image,"],
  ['a misspelt key of the Grafana database', fileOf({ grafana: { database: { typ: 'postgres' } } }),
    "tempo-stack.yaml: 'environments[0].grafana.database.typ' is not a known key, got 'postgres'; did you mean 'type'? allowed keys here: "
      + "type, host,"],
  ['prometheus: true', fileOf({ prometheus: true }),
    "tempo-stack.yaml: 'environments[0].prometheus' must be a mapping (key: value) or false, got true; write one of them here"],
  // Names and paths handed to Kubernetes, registries and object stores.
  ['an image repository with the tag in it', fileOf({ tempo: { image: { repository: 'grafana/tempo:2.6.1', tag: '2.6.1' } } }),
    "tempo-stack.yaml: 'environments[0].tempo.image.repository' must be an image repository without tag or digest (lower-case path, optional "
      + "registry host), got 'grafana/tempo:2.6.1'"],
  ['a Grafana image repository in upper case', fileOf({ grafana: { image: { repository: 'Grafana/Grafana', tag: '12.3.11' } } }),
    "tempo-stack.yaml: 'environments[0].grafana.image.repository' must be an image repository without tag or digest"],
  ['an S3 bucket name S3 refuses', fileOf({ tempo: { storage: { backend: 's3', bucket: 'Acme_Traces', region: 'eu-west-1' } } }),
    "tempo-stack.yaml: 'environments[0].tempo.storage.bucket' must be an S3 bucket name"],
  ['an S3 region with a typo', fileOf({ tempo: { storage: { backend: 's3', bucket: 'acme-traces', region: 'EU West 1' } } }),
    "tempo-stack.yaml: 'environments[0].tempo.storage.region' must be a region name (lower-case letters, digits and '-'), got 'EU West 1'"],
  ['a GCS bucket name Cloud Storage refuses', fileOf({ tempo: { storage: { backend: 'gcs', bucket: 'gs://acme-traces' } } }),
    "tempo-stack.yaml: 'environments[0].tempo.storage.bucket' must be a Cloud Storage bucket name"],
  ['an Azure container name Azure refuses', fileOf({ tempo: { storage: { backend: 'azure', container: 'Traces', storageAccountName: 'acme' } } }),
    "tempo-stack.yaml: 'environments[0].tempo.storage.container' must be an Azure blob container name"],
  ['an Azure storage account name with dashes',
    fileOf({ tempo: { storage: { backend: 'azure', container: 'traces', storageAccountName: 'acme-traces' } } }),
    "tempo-stack.yaml: 'environments[0].tempo.storage.storageAccountName' must be an Azure storage account name (3 to 24 lower-case letters "
      + "and digits), got 'acme-traces'"],
  ['an Azure endpoint suffix with a scheme',
    fileOf({ tempo: { storage: { backend: 'azure', container: 'traces', storageAccountName: 'acme', endpointSuffix: 'https://blob.core.windows.net' } } }),
    "tempo-stack.yaml: 'environments[0].tempo.storage.endpointSuffix' must be a DNS name without scheme or path, got "
      + "'https://blob.core.windows.net'"],
  ['an object-store prefix that climbs out', fileOf({ tempo: { storage: { backend: 'gcs', bucket: 'acme-traces', prefix: '../other-team' } } }),
    "tempo-stack.yaml: 'environments[0].tempo.storage.prefix' must be a relative key path"],
  ['an object-store prefix with a leading slash',
    fileOf({ tempo: { storage: { backend: 's3', bucket: 'acme-traces', region: 'eu-west-1', prefix: '/tempo' } } }),
    "tempo-stack.yaml: 'environments[0].tempo.storage.prefix' must be a relative key path"],
  ['a StorageClass name that is no DNS subdomain', fileOf({ prometheus: { storageClassName: 'Fast SSD' } }),
    "tempo-stack.yaml: 'environments[0].prometheus.storageClassName' must be a DNS subdomain (lower-case letters, digits, '-' and '.', "
      + "starting and ending alphanumeric, at most 253 characters), got 'Fast SSD'"],
  ['a MinIO Secret name with an underscore', fileWith(envWith(2, (e) => { e.minio = { credentialsSecret: 'minio_credentials' }; })),
    "tempo-stack.yaml: 'environments[0].minio.credentialsSecret' must be a DNS subdomain"],
  // Rule options are located under `rules`, where the user wrote them.
  ['a runbook URL that is a path', fileOf({ prometheus: { rules: { runbookBaseUrl: 'docs/runbook.md' } } }),
    "tempo-stack.yaml: 'environments[0].prometheus.rules.runbookBaseUrl' must be an absolute http(s) URL without a fragment, got 'docs/runbook.md'"],
  // Argo CD's fields.
  ['an Argo CD repoURL that is not a git URL', 'environments: []\nargocd: {repoURL: github.com/acme/tracing}\n',
    "tempo-stack.yaml: 'argocd.repoURL' must be a git repository URL (https://, ssh:// or git@host:path), got 'github.com/acme/tracing'"],
  ['an Argo CD revision with a space', 'environments: []\nargocd: {repoURL: https://example.com/r.git, targetRevision: release 1}\n',
    "tempo-stack.yaml: 'argocd.targetRevision' must be a branch, tag or commit, got 'release 1'"],
  ['an Argo CD project that is no object name', 'environments: []\nargocd: {repoURL: https://example.com/r.git, project: Platform Team}\n',
    "tempo-stack.yaml: 'argocd.project' must be a DNS subdomain"],
  ['an Argo CD namespace that is no DNS label', 'environments: []\nargocd: {repoURL: https://example.com/r.git, namespace: Argo_CD}\n',
    "tempo-stack.yaml: 'argocd.namespace' must be a DNS label"],
  ['an Argo CD destination that is no URL', 'environments: []\nargocd: {repoURL: https://example.com/r.git, destinationServer: in-cluster}\n',
    "tempo-stack.yaml: 'argocd.destinationServer' must be the API server's http(s) URL, got 'in-cluster'"],
];

/** [what, stack props, message]: the same rules through the TypeScript API. */
const API_CASES: Array<[string, TempoStackProps, string]> = [
  ['API: a Grafana datasource link without a Prometheus', { namespace: 'x', prometheus: false, grafana: {} },
    "stack: 'grafana.prometheusUrl' is required"],
  ['API: Grafana open to a namespace list with a bad name', { namespace: 'x', grafana: { fromNamespaces: ['Ingress_NGINX'] } },
    "grafana: 'fromNamespaces' must be 'all' or a list of namespace names"],
  ['API: a namespace that is not a DNS label', { namespace: 'Bad_NS' }, "stack: 'namespace' must be a DNS label"],
  ['API: replicas in single-node mode', { namespace: 'x', tempo: { replicas: 2 } }, "tempo: 'replicas' must be 1 in single-node mode, got 2"],
  ['API: an Alertmanager credential written as a value', { namespace: 'x', alertmanager: { receivers: [{ name: 'chat', type: 'slack', apiUrl: 'https://hooks.slack.com/x' as never }] } },
    "alertmanager: 'receivers[0].apiUrl' must name a Secret and a key, got '<redacted>'"],
  ['API: an Alertmanager with the Prometheus Operator', { namespace: 'x', prometheus: false, prometheusOperator: { release: 'kps' }, grafana: false,
    alertmanager: {} },
    "stack: 'alertmanager' needs the stack's own Prometheus to send it alerts, got 'prometheusOperator'"],
  ['API: a namespace Kubernetes owns', { namespace: 'kube-public' },
    "stack: 'namespace' must be a namespace of the stack's own, not one Kubernetes creates, got 'kube-public'"],
  ['API: an image repository with a digest', { namespace: 'x', prometheus: { image: { repository: 'prom/prometheus@sha256', tag: 'v3.5.5' } } },
    "prometheus: 'image.repository' must be an image repository without tag or digest"],
];

describe('bad input is rejected at synth time and leaves dist/ as it was', () => {
  let tmp: string;
  let dist: string;
  let before: Record<string, string>;
  const tree = (dir: string): Record<string, string> => Object.fromEntries(
    fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
      .map((e) => { const file = path.join(e.parentPath, e.name); return [path.relative(dir, file), fs.readFileSync(file, 'utf8')]; }),
  );
  const results = new Map<string, { code: number; stderr: string }>();

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tempo-stack-catalogue-'));
    dist = path.join(tmp, 'dist');
    synthesizeAll(CONFIG, dist);
    before = tree(dist);
    // The synth command on every case, in process (bin/tempo-stack.js runs the same main()).
    for (const [i, [what, text]] of FILE_CASES.entries()) {
      const dir = path.join(tmp, `case-${i}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'tempo-stack.yaml'), text);
      let stderr = '';
      const io = { out: () => undefined, err: (t: string) => { stderr += t; }, cwd: dir, env: {} };
      const code = await main(['synth', '--config', 'tempo-stack.yaml', '--outdir', dist], io);
      results.set(what, { code, stderr });
    }
  }, 60_000);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('the catalogue holds at least twenty-five cases', () => {
    expect(FILE_CASES.length + API_CASES.length).toBeGreaterThanOrEqual(25);
  });

  test.each(FILE_CASES)('%s', (what, _text, message) => {
    const result = results.get(what)!;
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^synth failed, .*dist\/ left as it was:$/);
    expect(lines[1].trim().startsWith(message)).toBe(true);
    // Every message ends with a fix after the value.
    expect(lines[1]).toMatch(/, got .+; .+$|^ *tempo-stack\.yaml:\d+:\d+: .+; fix the YAML/);
  });

  test.each(API_CASES)('%s', (_what, props, message) => {
    expect(() => new TempoStack(new App(), 'x', props)).toThrow(message);
    // Synthesized from a config object, the same error names its place in the environments list.
    expect(() => synthesizeAll({ environments: [{ name: 'x', ...props }] }, dist)).toThrow(ConfigError);
  });

  test('the previous output is byte for byte what it was after every case', () => {
    expect(results.size).toBe(FILE_CASES.length);
    expect(tree(dist)).toEqual(before);
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('.dist-'))).toEqual([]);
  });
});

/** [what, build, message]: props that only the TypeScript API takes (no config file reaches them). */
const CONSTRUCT_CASES: Array<[string, () => unknown, string]> = [
  ['API: a stack id that cannot be a label value', () => new TempoStack(new App(), 'Prod Stack', { namespace: 'x' }),
    "stack: 'id' must be a label value (at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric), got 'Prod Stack'; use "
      + "e.g. 'prod'"],
  ['API: a namespace instance label that cannot be a label value', () => new NamespaceChart(new App(), 'ns', { namespace: 'x', instance: 'a/b' }),
    "stack: 'instance' must be a label value"],
  ['API: an Argo CD folder that climbs out of the repository',
    () => new ArgoCdChart(new App(), 'argocd', { options: { repoURL: 'https://example.com/r.git' }, environments: [], distPath: '../dist' }),
    "argocd: 'distPath' must be a folder relative to the repository root (no leading or trailing '/', no '.' or '..'), got '../dist'"],
  ['API: an Argo CD target whose name cannot be a folder',
    () => new ArgoCdChart(new App(), 'argocd', { options: { repoURL: 'https://example.com/r.git' }, environments: [{ name: '../x', namespace: 'x' }] }),
    "argocd: 'environments[0].name' must be a DNS label"],
  ['API: a Prometheus version Grafana cannot compare',
    () => new GrafanaChart(new App(), 'grafana', {
      namespace: 'x',
      grafana: { tempo: { url: 'http://tempo.x.svc:3200', metricsGenerator: false }, prometheus: { url: 'http://prometheus.x.svc:9090', version: 'v3.5' } },
    }),
    "grafana: 'prometheus.version' must be a release number major.minor.patch, got 'v3.5'; write e.g. '3.5.5' (no leading v)"],
];

describe('bad props that only the TypeScript API takes are refused at construction', () => {
  test.each(CONSTRUCT_CASES)('%s', (_what, build, message) => {
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(message);
  });
});
