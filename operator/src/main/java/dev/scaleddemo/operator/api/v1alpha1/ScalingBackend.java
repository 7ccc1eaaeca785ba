package dev.scaleddemo.operator.api.v1alpha1;

/** What turns the app's clicks into replicas. */
public enum ScalingBackend {
  /** A rule in prometheus-adapter's shared config and an autoscaling/v2 HPA on the Pods metric it serves. */
  PrometheusAdapter,
  /** A KEDA ScaledObject with a prometheus trigger; KEDA's metrics server serves the metric, KEDA makes the HPA. */
  Keda
}
