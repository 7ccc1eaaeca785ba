package dev.scaleddemo.operator.config;

import java.time.Duration;

/**
 * What the pure builders and the adapter sync need of {@link OperatorConfig}: a plain record, so that they and their
 * tests do not need Quarkus.
 */
public record OperatorSettings(String demoAppImage, AdapterSettings adapter, KedaSettings keda) {

  /**
   * For apps on the Keda backend: the Prometheus server KEDA's prometheus trigger queries (as KEDA's operator and
   * metrics server reach it), and how often KEDA polls it.
   */
  public record KedaSettings(String prometheusAddress, Duration pollingInterval) {}

  /**
   * Where the cluster's prometheus-adapter keeps its config, the Deployment to roll when it changes, how often it
   * may be rolled, and what the tenants of the shared config may claim.
   */
  public record AdapterSettings(String namespace, String configMapName, String configKey, String deploymentName,
      Duration rollInterval, int maxRulesPerNamespace, int maxConfigBytes) {

    public boolean configured() {
      return notBlank(namespace) && notBlank(configMapName) && notBlank(configKey);
    }
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
