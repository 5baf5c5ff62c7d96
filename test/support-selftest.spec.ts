/**
 * Self-tests for the test-support validators: each must accept correct input and, just as
 * importantly, catch the mistakes it exists for. A validator that silently accepts everything
 * would make every test that relies on it worthless.
 */
import * as fs from 'fs';
import * as path from 'path';
import { validateK8sObject, validateK8sObjects } from './support/k8s-schema';
import { unknownTempoKeys } from './support/tempo-keys';

function configMap(): any {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'tempo', namespace: 'tracing', labels: { app: 'tempo' } },
    data: { 'tempo.yaml': 'server:\n  http_listen_port: 3200\n' },
  };
}

function service(): any {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'tempo', namespace: 'tracing' },
    spec: {
      selector: { app: 'tempo' },
      ports: [
        { name: 'http', port: 3200, targetPort: 'http', protocol: 'TCP' },
        { name: 'otlp-grpc', port: 4317, targetPort: 4317 },
      ],
    },
  };
}

function statefulSet(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'tempo', namespace: 'tracing' },
    spec: {
      serviceName: 'tempo',
      replicas: 3,
      selector: { matchLabels: { app: 'tempo' } },
      template: {
        metadata: { labels: { app: 'tempo' } },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'tempo',
              image: 'grafana/tempo:2.6.1',
              args: ['-config.file=/conf/tempo.yaml'],
              ports: [{ name: 'http', containerPort: 3200 }],
              readinessProbe: { httpGet: { path: '/ready', port: 'http' }, initialDelaySeconds: 15 },
              livenessProbe: { tcpSocket: { port: 3200 }, periodSeconds: 10 },
              resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: 2147483648 } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'data', mountPath: '/var/tempo' }],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
        },
      ],
    },
  };
}

describe('Kubernetes 1.28 schema validator', () => {
  it('accepts valid ConfigMap, Service and StatefulSet objects', () => {
    expect(validateK8sObjects([configMap(), service(), statefulSet()])).toEqual([]);
  });

  it('reports an unknown top-level field with its path', () => {
    const errors = validateK8sObject({ ...configMap(), dataa: { a: 'b' } });
    expect(errors).toEqual(['ConfigMap/tempo: /dataa: must NOT have additional properties (dataa)']);
  });

  it('reports an unknown field deep inside a container', () => {
    const sts = statefulSet();
    sts.spec.template.spec.containers[0].foo = 'bar';
    expect(validateK8sObject(sts)).toEqual([
      'StatefulSet/tempo: /spec/template/spec/containers/0/foo: must NOT have additional properties (foo)',
    ]);
  });

  it('reports a misspelled field inside a volumeClaimTemplate', () => {
    const sts = statefulSet();
    sts.spec.volumeClaimTemplates[0].spec.storageClass = 'fast';
    expect(validateK8sObject(sts)).toEqual([
      'StatefulSet/tempo: /spec/volumeClaimTemplates/0/spec/storageClass: must NOT have additional properties (storageClass)',
    ]);
  });

  it('reports a misspelled securityContext field (strictness reaches shared definitions)', () => {
    const sts = statefulSet();
    sts.spec.template.spec.securityContext.runAsNonroot = true;
    expect(validateK8sObject(sts)).toEqual([
      'StatefulSet/tempo: /spec/template/spec/securityContext/runAsNonroot: must NOT have additional properties (runAsNonroot)',
    ]);
  });

  it('reports a wrong type', () => {
    const sts = statefulSet();
    sts.spec.replicas = '3';
    expect(validateK8sObject(sts)).toEqual(['StatefulSet/tempo: /spec/replicas: must be integer']);
  });

  it('reports a missing required field', () => {
    const sts = statefulSet();
    delete sts.spec.template.spec.containers[0].name;
    expect(validateK8sObject(sts)).toEqual([
      "StatefulSet/tempo: /spec/template/spec/containers/0: must have required property 'name'",
    ]);
  });

  it('keeps free-form maps (labels, annotations) open', () => {
    const cm = configMap();
    cm.metadata.annotations = { 'anything.example.com/whatever': 'x' };
    expect(validateK8sObject(cm)).toEqual([]);
  });

  it('concatenates the errors of several objects', () => {
    const bad = { ...service(), extra: 1 };
    expect(validateK8sObjects([configMap(), bad, bad])).toHaveLength(2);
  });

  it('throws for a kind that Kubernetes 1.28 does not have', () => {
    expect(() => validateK8sObject({ apiVersion: 'v1', kind: 'ConfigMapp', metadata: { name: 'x' } })).toThrow(
      /not a Kubernetes 1.28 built-in kind/,
    );
    expect(() => validateK8sObject({ apiVersion: 'apps/v2', kind: 'StatefulSet', metadata: { name: 'x' } })).toThrow();
  });

  // Custom resources are out of scope: this validator only knows the built-in schemas. Prometheus
  // Operator (ServiceMonitor, PodMonitor, PrometheusRule) and Argo CD (Application) objects must be
  // validated against their CRD schemas (later work); throwing keeps them from passing unvalidated.
  it('throws for custom resources instead of silently passing them', () => {
    const serviceMonitor = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'tempo' },
      spec: { selector: {}, endpoints: [{ port: 'http' }] },
    };
    const application = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'tempo' } };
    expect(() => validateK8sObject(serviceMonitor)).toThrow(/custom resources/);
    expect(() => validateK8sObject(application)).toThrow(/custom resources/);
  });
});

describe('Tempo 2.6 config key checker', () => {
  const validConfig = {
    stream_over_http_enabled: true,
    multitenancy_enabled: false,
    server: { http_listen_port: 3200, log_level: 'info' },
    distributor: {
      receivers: {
        otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } },
        jaeger: { protocols: { thrift_http: { endpoint: '0.0.0.0:14268' } } },
        zipkin: { endpoint: '0.0.0.0:9411' },
      },
    },
    ingester: { max_block_bytes: 1000000, lifecycler: { ring: { replication_factor: 3 } } },
    query_frontend: {
      search: { duration_slo: '5s', throughput_bytes_slo: 1.073741824e9 },
      trace_by_id: { duration_slo: '5s' },
      metrics: { duration_slo: '10s' },
    },
    metrics_generator: {
      registry: { external_labels: { source: 'tempo', cluster: 'prod' } },
      storage: {
        path: '/var/tempo/generator/wal',
        remote_write: [{ url: 'http://prometheus:9090/api/v1/write', send_exemplars: true, headers: { 'X-Scope-OrgID': 'a' } }],
      },
      processor: { service_graphs: { dimensions: ['k8s.namespace.name'] } },
    },
    compactor: { compaction: { block_retention: '336h' } },
    storage: { trace: { backend: 's3', s3: { bucket: 'traces', endpoint: 's3:9000', tags: { team: 'obs' } } } },
    overrides: {
      defaults: {
        ingestion: { max_traces_per_user: 10000, max_global_traces_per_user: 0 },
        global: { max_bytes_per_trace: 5000000 },
        read: { max_search_duration: '168h' },
        compaction: { block_retention: '336h' },
        metrics_generator: { processors: ['service-graphs', 'span-metrics'], max_active_series: 100000 },
      },
    },
    memberlist: { join_members: ['tempo-gossip-ring:7946'] },
  };

  it('accepts a config that uses real Tempo 2.6 keys', () => {
    expect(unknownTempoKeys(validConfig)).toEqual([]);
  });

  it('accepts the defaults dump itself', () => {
    const dump = fs.readFileSync(path.join(__dirname, 'fixtures', 'tempo-2.6.1-config-defaults.yaml'), 'utf8');
    expect(unknownTempoKeys(dump)).toEqual([]);
  });

  it('reports a key placed at the wrong level', () => {
    expect(unknownTempoKeys({ query_frontend: { duration_slo: '5s' } })).toEqual(['query_frontend.duration_slo']);
  });

  it('reports a misspelled key', () => {
    expect(unknownTempoKeys({ ingester: { max_block_byte: 1 } })).toEqual(['ingester.max_block_byte']);
  });

  it('reports keys of the deprecated flat overrides format', () => {
    expect(unknownTempoKeys({ overrides: { max_traces_per_user: 1000 } })).toEqual(['overrides.max_traces_per_user']);
  });

  it('reports a mapping where Tempo expects a scalar', () => {
    expect(unknownTempoKeys({ server: { http_listen_port: { port: 3200 } } })).toEqual([
      'server.http_listen_port (expected a scalar)',
    ]);
  });

  it('reports a scalar where Tempo expects a mapping or a list', () => {
    expect(unknownTempoKeys({ server: 'x', memberlist: { join_members: 'a:7946' } })).toEqual([
      'server (expected a mapping)',
      'memberlist.join_members (expected a list)',
    ]);
  });

  it('reports an unknown key inside a remote_write item', () => {
    expect(
      unknownTempoKeys({ metrics_generator: { storage: { remote_write: [{ url: 'http://p', send_exemplar: true }] } } }),
    ).toEqual(['metrics_generator.storage.remote_write[].send_exemplar']);
  });

  it('reports receiver keys beyond the listed ones', () => {
    expect(
      unknownTempoKeys({ distributor: { receivers: { otlp: { protocol: { grpc: {} } }, kafka: { brokers: ['k:9092'] } } } }),
    ).toEqual(['distributor.receivers.otlp.protocol', 'distributor.receivers.kafka']);
  });

  it('checks free-form string maps for scalar values only', () => {
    expect(unknownTempoKeys({ storage: { trace: { s3: { tags: { a: 'b', nested: { c: 'd' } } } } } })).toEqual([
      'storage.trace.s3.tags.nested (expected a scalar)',
    ]);
  });

  it('accepts YAML text as input', () => {
    expect(unknownTempoKeys('query_frontend:\n  search:\n    duration_slo: 5s\n')).toEqual([]);
  });
});

describe('the Tempo key tree synth checks against', () => {
  test('equals a fresh merge of the two fixtures (run npm run tempo-keys after editing them)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { renderTempoKeys, TEMPO_KEYS_FILE } = require('../scripts/tempo-keys');
    expect(fs.readFileSync(TEMPO_KEYS_FILE, 'utf8')).toBe(renderTempoKeys());
  });
});
