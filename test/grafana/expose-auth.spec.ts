import { App } from 'cdk8s';
import { GrafanaChart, GrafanaProps } from '../../charts/grafana';
import { ConfigError } from '../../charts/shared/validate';
import { find, K8sObject, objectsOf } from '../helpers';
import { validateCustomResources } from '../support/crd-schema';
import { validateK8sObjects } from '../support/k8s-schema';

const LINKS = { tempo: { url: 'http://tempo.tempo.svc.cluster.local:3200', metricsGenerator: false },
  prometheus: { url: 'http://prometheus.tempo.svc.cluster.local:9090' } };
const INGRESS = { ingress: { className: 'nginx', host: 'grafana.example.com', tls: { issuer: { name: 'letsencrypt-prod' } } },
  controllerNamespaces: ['ingress-nginx'] };
const SSO = { provider: 'generic_oauth', clientId: 'grafana', clientSecret: { name: 'grafana-oauth', key: 'client-secret' },
  authUrl: 'https://sso.example.com/auth', tokenUrl: 'https://sso.example.com/token', apiUrl: 'https://sso.example.com/userinfo' } as const;

function synth(props: Partial<GrafanaProps>): K8sObject[] {
  return objectsOf(new GrafanaChart(new App(), 'grafana', { namespace: 'tempo', grafana: { ...LINKS, ...props } }));
}
const ini = (objects: K8sObject[]) => find(objects, 'ConfigMap', 'grafana-config').data['grafana.ini'] as string;

describe('Grafana from outside', () => {
  test('an Ingress with cert-manager TLS: the issuer annotation, the TLS Secret, root_url from the host, the policy admitting the controller only',
    () => {
    const objects = synth({ expose: INGRESS });
    const ingress = find(objects, 'Ingress', 'grafana');
    expect((ingress.metadata as any).annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' });
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['grafana.example.com'], secretName: 'grafana-tls' }],
      rules: [{ host: 'grafana.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'grafana',
        port: { number: 3000 } } } }] } }],
    });
    expect(ini(objects)).toContain('root_url = https://grafana.example.com/');
    expect(find(objects, 'NetworkPolicy', 'grafana').spec.ingress).toEqual([{
      ports: [{ port: 'http', protocol: 'TCP' }],
      from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['ingress-nginx'] }] } }],
    }]);
    expect(validateK8sObjects(objects)).toEqual([]);
  });

  test('a sub-path makes Grafana serve from it; an explicit rootUrl wins over the derived one', () => {
    const sub = ini(synth({ expose: { ...INGRESS, ingress: { ...INGRESS.ingress, path: '/grafana' } } }));
    expect(sub).toContain('root_url = https://grafana.example.com/grafana/');
    expect(sub).toContain('serve_from_sub_path = true');
    expect(ini(synth({ expose: INGRESS, rootUrl: 'https://obs.example.com/' }))).toContain('root_url = https://obs.example.com/');
  });

  test('an HTTPRoute on a Gateway, with a Certificate for its listener in the Gateway\'s namespace, both valid for their CRDs', () => {
    const objects = synth({
      expose: {
        route: { parentRefs: [{ name: 'public', namespace: 'gateway-system' }], hostnames: ['grafana.example.com'],
          certificate: { issuer: { kind: 'Issuer', name: 'le' } } },
        controllerNamespaces: ['gateway-system'],
      },
    });
    const route = find(objects, 'HTTPRoute', 'grafana');
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'grafana', port: 3000 }]);
    const certificate = find(objects, 'Certificate', 'grafana');
    expect(certificate.metadata.namespace).toBe('gateway-system');
    expect(certificate.spec).toMatchObject({ secretName: 'grafana-tls', dnsNames: ['grafana.example.com'], issuerRef: { kind: 'Issuer',
      name: 'le' } });
    expect(validateCustomResources([route, certificate])).toEqual([]);
  });
});

describe('Grafana single sign-on', () => {
  test('generic OAuth: the client secret only as $__file of the mounted Secret key, never its value', () => {
    const objects = synth({ expose: INGRESS, auth: { ...SSO, roleAttributePath: "contains(groups[*], 'sre') && 'Editor' || 'Viewer'",
      roleAttributeStrict: true, disableLoginForm: true } });
    const text = ini(objects);
    expect(text).toContain('[auth.generic_oauth]');
    expect(text).toContain('client_secret = $__file{/etc/grafana/secrets/oauth/client-secret}');
    expect(text).toContain("role_attribute_path = contains(groups[*], 'sre') && 'Editor' || 'Viewer'");
    expect(text).toContain('role_attribute_strict = true');
    expect(text).toMatch(/\[auth\]\ndisable_login_form = true/);
    const pod = find(objects, 'Deployment', 'grafana').spec.template.spec;
    expect(pod.volumes.find((v: any) => v.name === 'oauth').secret).toEqual({
      secretName: 'grafana-oauth', items: [{ key: 'client-secret', path: 'client-secret' }], defaultMode: 0o440,
    });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'oauth', mountPath: '/etc/grafana/secrets/oauth', readOnly: true });
  });

  test('Entra ID endpoints and allowed tenant from the tenant id; Google gets its role sync switched on for a mapping', () => {
    const tenantId = '8bab1c86-8fba-33e5-2089-1d1c80ec267d';
    const entra = ini(synth({ expose: INGRESS, auth: { provider: 'azuread', clientId: 'app', clientSecret: SSO.clientSecret, tenantId,
      allowedGroups: ['g1'] } }));
    expect(entra).toContain(`auth_url = https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/authorize`);
    expect(entra).toContain(`allowed_organizations = ${tenantId}`);
    expect(entra).toContain('allowed_groups = g1');
    const google = ini(synth({ expose: INGRESS, auth: { provider: 'google', clientId: 'app', clientSecret: SSO.clientSecret,
      roleAttributePath: "'Viewer'", allowedDomains: ['example.com'] } }));
    expect(google).toContain('skip_org_role_sync = false');
    expect(google).toContain('allowed_domains = example.com');
  });

  test.each<[string, Partial<GrafanaProps>, string]>([
    ['a provider without its client secret', { expose: INGRESS, auth: { ...SSO, clientSecret: undefined as any } },
      "grafana: 'auth.clientSecret' is required"],
    ['SSO without a public URL', { auth: SSO }, "grafana: 'auth' needs Grafana's public URL for the OAuth redirect"],
    ['generic OAuth without its endpoints', { expose: INGRESS, auth: { ...SSO, authUrl: undefined } },
      "grafana: 'auth.authUrl' is required with provider 'generic_oauth'"],
    ['a role mapping Entra ID never reads', { expose: INGRESS, auth: { provider: 'azuread', clientId: 'a', clientSecret: SSO.clientSecret,
      tenantId: '8bab1c86-8fba-33e5-2089-1d1c80ec267d', roleAttributePath: "'Admin'" } },
      "grafana: 'auth.roleAttributePath' is not read by Entra ID"],
    ['strict role mapping without a mapping', { expose: INGRESS, auth: { ...SSO, roleAttributeStrict: true } },
      "grafana: 'auth.roleAttributeStrict' refuses every login without roleAttributePath"],
    ['groups on GitHub', { expose: INGRESS, auth: { provider: 'github', clientId: 'a', clientSecret: SSO.clientSecret, allowedGroups: ['x'] } },
      "grafana: 'auth.allowedGroups' is not supported by provider 'github'"],
    ['an Ingress host with a scheme', { expose: { ...INGRESS, ingress: { host: 'https://grafana.example.com' } } },
      "grafana: 'expose.ingress.host' must be a DNS name"],
    ['Ingress TLS without a Secret or an issuer', { expose: { ...INGRESS, ingress: { host: 'grafana.example.com', tls: {} } } },
      "grafana: 'expose.ingress.tls' needs a secretName or an issuer"],
    ['both an Ingress and a route', { expose: { ...INGRESS, route: { parentRefs: [{ name: 'p' }], hostnames: ['g.example.com'] } } },
      "grafana: 'expose' takes exactly one of ingress and route"],
    ['fromNamespaces beside expose', { expose: INGRESS, fromNamespaces: ['x'] }, "grafana: 'fromNamespaces' is set by expose.controllerNamespaces"],
  ])('refuses %s', (_what, props, message) => {
    expect(() => synth(props)).toThrow(ConfigError);
    expect(() => synth(props)).toThrow(message);
  });
});
