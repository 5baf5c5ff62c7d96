// Two real Alertmanager 0.28.1 replicas started with the mesh flags the construct generates for
// two replicas, moved onto loopback (pod IP and peer DNS names replaced by 127.0.0.1 and free
// ports): they find each other, and a silence set on one holds on the other.
import { alertmanagerArgs, buildAlertmanagerConfig, resolveAlertmanagerSettings } from '../../charts/alertmanager';
import { toYaml } from '../../charts/shared/render';
import { ALERTMANAGER, StartedAlertmanager, startAlertmanager, until } from '../support/amtool';
import { freePort, itWith } from '../support/promtool';

const settings = resolveAlertmanagerSettings({ namespace: 'tempo', replicas: 2 });

/** The generated mesh flags of replica `i`, with every address moved onto loopback port `meshPorts[j]`. */
function loopbackMeshArgs(i: number, meshPorts: number[]): string[] {
  const pod = (j: number) => `${settings.name}-${j}.${settings.name}-headless.${settings.namespace}.svc.cluster.local:9094`;
  return alertmanagerArgs(settings)
    .filter((a) => a.startsWith('--cluster.') || a.startsWith('--data.'))
    .map((a) => a
      .replace('0.0.0.0:9094', `127.0.0.1:${meshPorts[i]}`)
      .replace('[$(POD_IP)]:9094', `[127.0.0.1]:${meshPorts[i]}`)
      .replace(/--cluster\.peer=(.+)$/, (_, peer: string) => `--cluster.peer=127.0.0.1:${meshPorts[[0, 1].find((j) => pod(j) === peer)!]}`));
}


describe('the HA mesh, live on loopback', () => {
  test('the generated flags for two replicas name both peers, the advertised pod IP and the cluster label', () => {
    expect(loopbackMeshArgs(0, [1000, 1001])).toEqual([
      '--data.retention=120h', '--cluster.listen-address=127.0.0.1:1000', '--cluster.advertise-address=[127.0.0.1]:1000',
      '--cluster.peer=127.0.0.1:1000', '--cluster.peer=127.0.0.1:1001', '--cluster.label=tempo/alertmanager',
    ]);
  });

  itWith(ALERTMANAGER)('two replicas form one mesh and share a silence', async () => {
    const meshPorts = [await freePort(), await freePort()];
    const config = toYaml(buildAlertmanagerConfig(settings));
    const replicas: StartedAlertmanager[] = [];
    try {
      // Both at once, as the StatefulSet starts them (Parallel); one that fails to start must not leave the other running.
      const started = await Promise.allSettled([0, 1].map((i) => startAlertmanager(config, {}, loopbackMeshArgs(i, meshPorts))));
      for (const r of started) if (r.status === 'fulfilled') replicas.push(r.value);
      const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      const members = async (am: StartedAlertmanager) => {
        const text = await (await fetch(`${am.url}/metrics`)).text();
        return Number(/^alertmanager_cluster_members (\d+)$/m.exec(text)?.[1]);
      };
      await until('both replicas to see two members', 15_000,
        async () => ((await members(replicas[0])) === 2 && (await members(replicas[1])) === 2 ? true : undefined));

      const silence = {
        matchers: [{ name: 'alertname', value: 'TempoDown', isRegex: false, isEqual: true }],
        startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), createdBy: 'test', comment: 'mesh test',
      };
      const created = await fetch(`${replicas[0].url}/api/v2/silences`, { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify(silence) });
      expect(created.status).toBe(200);
      const { silenceID } = await created.json() as { silenceID: string };
      const onOther = await until('the silence on the other replica', 10_000, async () => {
        const list = await (await fetch(`${replicas[1].url}/api/v2/silences`)).json() as Array<{ id: string; comment: string }>;
        return list.find((s) => s.id === silenceID);
      });
      expect(onOther.comment).toBe('mesh test');
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
  }, 40_000);
});
