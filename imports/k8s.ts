// The typed Kubernetes 1.28 objects. `cdk8s import k8s@1.28.0` would generate exactly these
// classes, but it downloads the schema; cdk8s-plus-28 ships the same generated file, so this
// module re-exports it and every chart imports Kubernetes types from here.
export * from 'cdk8s-plus-28/lib/imports/k8s';
