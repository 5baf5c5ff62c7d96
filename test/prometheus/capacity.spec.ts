import {
  BASE_MEMORY_BYTES, BYTES_PER_ACTIVE_SERIES, BYTES_PER_SAMPLE, MIN_WAL_BYTES, PROMETHEUS_OWN_SERIES, PrometheusLoad, RETENTION_SIZE_FRACTION,
  TEMPO_SERIES_PER_POD, WAL_BYTES_PER_SAMPLE, planPrometheusCapacity,
} from '../../charts/prometheus';

const load: PrometheusLoad = {
  tempoReplicas: 3, tempoScrapeIntervalSeconds: 30, scrapeIntervalSeconds: 15, generatorActiveSeries: 0, additionalActiveSeries: 0,
    retentionSeconds: 15 * 86400,
};

describe('Prometheus capacity plan', () => {
  test('active series: Tempo\'s per pod times replicas, Prometheus\'s own, the generator\'s cap and added jobs', () => {
    expect(planPrometheusCapacity(load).activeSeries).toBe(3 * TEMPO_SERIES_PER_POD + PROMETHEUS_OWN_SERIES);
    expect(planPrometheusCapacity({ ...load, generatorActiveSeries: 50_000, additionalActiveSeries: 2_000 }).activeSeries)
      .toBe(3 * TEMPO_SERIES_PER_POD + PROMETHEUS_OWN_SERIES + 52_000);
  });

  test('samples per second follow each source\'s interval (Tempo 30s, own 15s, generator every 15s)', () => {
    const plan = planPrometheusCapacity({ ...load, generatorActiveSeries: 30_000 });
    expect(plan.samplesPerSecond).toBeCloseTo(3 * TEMPO_SERIES_PER_POD / 30 + PROMETHEUS_OWN_SERIES / 15 + 30_000 / 15);
    const slower = planPrometheusCapacity({ ...load, tempoScrapeIntervalSeconds: 60 });
    expect(slower.samplesPerSecond).toBeCloseTo(3 * TEMPO_SERIES_PER_POD / 60 + PROMETHEUS_OWN_SERIES / 15);
  });

  test('memory is a base plus 3 KiB per active series', () => {
    const plan = planPrometheusCapacity({ ...load, generatorActiveSeries: 100_000 });
    expect(plan.memoryBytes).toBe(BASE_MEMORY_BYTES + plan.activeSeries * BYTES_PER_ACTIVE_SERIES);
    expect(BYTES_PER_ACTIVE_SERIES).toBe(3072);
  });

  test('disk: blocks = samples/s x retention x 2 bytes, plus 3 h of WAL; the PVC leaves room above retention.size', () => {
    const plan = planPrometheusCapacity({ ...load, generatorActiveSeries: 200_000 });
    expect(plan.blockBytes).toBeCloseTo(plan.samplesPerSecond * 15 * 86400 * BYTES_PER_SAMPLE);
    expect(plan.walBytes).toBeCloseTo(plan.samplesPerSecond * 3 * 3600 * WAL_BYTES_PER_SAMPLE);
    expect(plan.storageBytes).toBeCloseTo((plan.blockBytes + plan.walBytes) / RETENTION_SIZE_FRACTION);
  });

  test('a small load still budgets the WAL\'s three 128 MiB segments', () => {
    expect(planPrometheusCapacity({ ...load, tempoReplicas: 1 }).walBytes).toBe(MIN_WAL_BYTES);
  });

  test('disk grows linearly with retention', () => {
    const week = planPrometheusCapacity({ ...load, retentionSeconds: 7 * 86400 });
    const fortnight = planPrometheusCapacity({ ...load, retentionSeconds: 14 * 86400 });
    expect(fortnight.blockBytes).toBeCloseTo(2 * week.blockBytes);
  });
});
