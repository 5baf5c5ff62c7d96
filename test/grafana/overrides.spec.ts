import { CONFIG_HASH_ANNOTATION } from '../../charts/shared/restricted-workload';
import { App } from 'cdk8s';
import { GrafanaChart, GrafanaProps, resolveGrafanaSettings } from '../../charts/grafana';
import { find, K8sObject } from '../helpers';

const links = {
  tempo: { url: 'http://tempo.tempo.svc.cluster.local:3200', metricsGenerator: true },
  prometheus: { url: 'http://prometheus.tempo.svc.cluster.local:9090' },
};
function synth(props: Partial<GrafanaProps> = {}): K8sObject[] {
  return new GrafanaChart(new App(), 'grafana', { namespace: 'tempo', grafana: { ...links, ...props } }).toJson();
}
const deployment = (objects: K8sObject[]) => find(objects, 'Deployment', 'grafana');
const iniText = (objects: K8sObject[]): string => find(objects, 'ConfigMap', 'grafana-config').data['grafana.ini'];
const hashOf = (objects: K8sObject[]) => deployment(objects).spec.template.metadata.annotations[CONFIG_HASH_ANNOTATION];
const messageOf = (fn: () => unknown): string => {
  try { fn(); } catch (e) { return (e as Error).message; }
  return 'did not throw';
};

/** The lines of one `[section]` of grafana.ini, as written. */
function section(text: string, name: string): string[] {
  const block = text.split('\n\n').find((b) => b.startsWith(`[${name}]\n`));
  return block ? block.split('\n').slice(1).filter((l) => l !== '') : [];
}

describe('Grafana partial resources', () => {
  test('a memory limit alone keeps the default requests and CPU limit', () => {
    expect(deployment(synth({ resources: { limits: { memory: '1Gi' } } })).spec.template.spec.containers[0].resources)
      .toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } });
  });

  test('a memory limit alone below the default request is refused naming it', () => {
    expect(messageOf(() => resolveGrafanaSettings({ ...links, resources: { limits: { memory: '128Mi' } } }))).toBe(
      "grafana: 'resources.limits.memory' must not be below the memory request ('256Mi', from the default), got '128Mi'; "
      + "also set resources.requests.memory to at most '128Mi', or raise the limit to at least '256Mi'");
  });
});

describe('Grafana iniOverrides', () => {
  test('applied last in the rendered grafana.ini: a generated key is replaced, a prop\'s value too, new sections are added', () => {
    const text = iniText(synth({
      anonymous: true,
      iniOverrides: { 'auth.anonymous': { org_role: 'Editor' }, log: { level: 'debug' }, 'auth.generic_oauth': { enabled: true,
        client_secret: '$__file{/etc/grafana/oauth/secret}' } },
    }));
    expect(section(text, 'auth.anonymous')).toEqual(['enabled = true', 'org_role = Editor']);
    expect(section(text, 'log')).toEqual(['mode = console', 'level = debug']);
    expect(section(text, 'auth.generic_oauth')).toEqual(['enabled = true', 'client_secret = $__file{/etc/grafana/oauth/secret}']);
  });

  test('the config hash changes when an override changes', () => {
    const base = hashOf(synth());
    const one = hashOf(synth({ iniOverrides: { log: { level: 'debug' } } }));
    expect(one).not.toBe(base);
    expect(hashOf(synth({ iniOverrides: { log: { level: 'warn' } } }))).not.toBe(one);
  });

  test.each([
    ['a section name go-ini would misread', { 'auth generic': { enabled: true } },
      "grafana: 'iniOverrides['auth generic']' is not a grafana.ini section name go-ini reads back (letters, digits, '_', '.', ':', '-'), got 'auth "
        + "generic'; "
      + "write the section as Grafana names it, e.g. 'auth.generic_oauth'"],
    ['a key name with \'=\'', { server: { 'root_url=': 'x' } },
      "grafana: 'iniOverrides.server['root_url=']' is not a grafana.ini key name go-ini reads back (letters, digits, '_', '.', '-'), got "
        + "'root_url='; "
      + "write the key as Grafana names it, e.g. 'root_url'"],
    ['a nested mapping', { server: { root: { url: 'x' } } },
      "grafana: 'iniOverrides.server.root' must be a string, number or boolean (grafana.ini has no nesting or lists), got {\"url\":\"x\"}; "
      + "write one value; a list is a comma-separated string in grafana.ini, e.g. 'a,b'"],
    ['a multi-line value', { server: { root_url: 'https://a/\nhttps://b/' } },
      "grafana: 'iniOverrides.server.root_url' must fit on one line (go-ini ends a value at the line break), got 'https://a/\\nhttps://b/'; write the value on one line"],
    ['a backtick in a value that needs quoting', { server: { root_url: '`a;b' } },
      "grafana: 'iniOverrides.server.root_url' cannot hold a backtick together with spaces at its ends, ';', '#' or '\"' (such values are quoted "
        + "with backticks), got '`a;b'; "
      + 'remove the backtick, or the characters that need quoting'],
    ['a credential written in', { 'auth.generic_oauth': { client_secret: 'hunter2' } },
      "grafana: 'iniOverrides.auth.generic_oauth.client_secret' must not hold a credential (it would land in the ConfigMap and in dist/), got "
        + "'<redacted>'; "
      + 'reference it instead: $__file{<path>} of a file mounted from a Secret, or $__env{<VAR>} of a variable filled from a Secret'],
  ])('refuses %s at synth', (_label, iniOverrides, message) => {
    expect(messageOf(() => synth({ iniOverrides: iniOverrides as any }))).toBe(message);
  });
});
