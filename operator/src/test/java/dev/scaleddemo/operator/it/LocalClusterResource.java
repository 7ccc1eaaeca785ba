package dev.scaleddemo.operator.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts (or reuses) the {@link LocalCluster} before Quarkus boots and points Quarkus' Kubernetes client, and so
 * the in-process operator, at it: the {@code kubeconfig} system property is what fabric8's auto-configuration
 * reads first (before {@code $KUBECONFIG} and {@code ~/.kube/config}), and the API server URL is pinned as well.
 */
public class LocalClusterResource implements QuarkusTestResourceLifecycleManager {
  private LocalCluster cluster;
  /** Operator settings of the test class ({@code initArgs}), e.g. a shorter adapter roll interval. */
  private Map<String, String> settings = Map.of();

  @Override
  public void init(Map<String, String> initArgs) {
    settings = Map.copyOf(initArgs);
  }

  @Override
  public Map<String, String> start() {
    cluster = LocalCluster.get();
    System.setProperty("kubeconfig", cluster.kubeconfig().toString());
    Map<String, String> config = new java.util.HashMap<>(settings);
    config.putAll(Map.of(
        "quarkus.kubernetes-client.api-server-url", cluster.serverUrl(),
        "quarkus.kubernetes-client.devservices.enabled", "false",
        // the generated RBAC/manifests are irrelevant here; the test cluster must not be touched by the build
        "quarkus.operator-sdk.crd.apply", "false"));
    return config;
  }

  @Override
  public void stop() {
    if (cluster != null) {
      cluster.stop();
    }
  }
}
