import { selectorLabels, standardLabels } from '../../charts/shared/labels';

describe('labels', () => {
  test('selectors carry only name and instance, so they never change on upgrade', () => {
    expect(selectorLabels({ name: 'tempo', instance: 'tempo', component: 'x', version: '2.6.0' }))
      .toEqual({ 'app.kubernetes.io/name': 'tempo', 'app.kubernetes.io/instance': 'tempo' });
  });

  test('standard labels add component, version, part-of and managed-by', () => {
    expect(standardLabels({ name: 'tempo', instance: 't', component: 'tracing-backend', version: '2.6.0' })).toEqual({
      'app.kubernetes.io/name': 'tempo', 'app.kubernetes.io/instance': 't', 'app.kubernetes.io/component': 'tracing-backend',
      'app.kubernetes.io/version': '2.6.0', 'app.kubernetes.io/part-of': 'tempo-stack', 'app.kubernetes.io/managed-by': 'cdk8s',
    });
  });

  test('a tag that is not a valid label value (over 63 characters) is left out rather than breaking the object', () => {
    expect(standardLabels({ name: 'tempo', instance: 't', version: 'v'.repeat(64) })).not.toHaveProperty(['app.kubernetes.io/version']);
    expect(standardLabels({ name: 'tempo', instance: 't', version: 'v'.repeat(63) })).toHaveProperty(['app.kubernetes.io/version'], 'v'.repeat(63));
  });
});
