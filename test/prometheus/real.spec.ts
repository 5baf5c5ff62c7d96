// The generated prometheus.yml and rule files of every environment, loaded by the real programs:
// `promtool check config` (which also checks every rule file it names) and a real Prometheus
// 2.53.3 started on loopback with them. Skipped only outside CI when the tools are missing.
import * as yaml from 'js-yaml';
import { buildEnvironment, renderEnvironment } from '../../charts';
import { ENVIRONMENTS, find, K8sObject } from '../helpers';
import { checkPrometheusConfig, itWith, PROMETHEUS, PROMTOOL, withPrometheus } from '../support/promtool';

const generated = ENVIRONMENTS.map((env) => {
  const objects = [...renderEnvironment(buildEnvironment(env))]
    .filter(([file]) => file.endsWith('.k8s.yaml'))
    .flatMap(([, text]) => yaml.loadAll(text) as K8sObject[]);
  const config: string = find(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml'];
  const rules: Record<string, string> = find(objects, 'ConfigMap', 'prometheus-rules').data;
  return [env.name, config, rules] as const;
});

describe.each(generated)('environment %s', (_name, config, rules) => {
  itWith(PROMTOOL)('promtool 2.53.3 accepts prometheus.yml and every rule file it names', () => {
    const result = checkPrometheusConfig(config, rules);
    expect([result.status, result.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
    for (const file of Object.keys(rules)) expect(result.output).toContain(file);
    expect(result.output).not.toContain('FAILED');
  });

  itWith(PROMETHEUS)('a real Prometheus 2.53.3 starts with it and loads every rule group', async () => {
    const groups = await withPrometheus(config, rules, async (p) => {
      const res = await fetch(`${p.url}/api/v1/rules`);
      const body = (await res.json()) as { data: { groups: Array<{ name: string; rules: unknown[] }> } };
      return body.data.groups.map((g) => [g.name, g.rules.length]);
    });
    const expected = Object.values(rules).flatMap((text) => (yaml.load(text) as { groups: Array<{ name: string; rules: unknown[] }> }).groups)
      .map((g) => [g.name, g.rules.length]);
    expect(groups.sort()).toEqual(expected.sort());
  }, 30_000);
});
