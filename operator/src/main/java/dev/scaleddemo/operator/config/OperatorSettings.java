package dev.scaleddemo.operator.config;

import java.time.Duration;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * What the operator is configured with (application.properties / environment). A plain record so that pure
 * builders and their tests do not need Quarkus.
 */
public record OperatorSettings(String demoAppImage, AdapterSettings adapter, KedaSettings keda) {

  public OperatorSettings(String demoAppImage, AdapterSettings adapter) {
    this(demoAppImage, adapter, KedaSettings.DEFAULT);
  }

  /**
   * For apps on the Keda backend: the Prometheus server KEDA's prometheus trigger queries (as KEDA's operator and
   * metrics server reach it), and how often KEDA polls it.
   */
  public record KedaSettings(String prometheusAddress, Duration pollingInterval) {
    public static final KedaSettings DEFAULT = new KedaSettings(DEFAULT_PROMETHEUS_ADDRESS, DEFAULT_POLLING_INTERVAL);
  }

  /**
   * Where the cluster's prometheus-adapter keeps its config, the Deployment to roll when it changes, how often it
   * may be rolled, and what the tenants of the shared config may claim.
   */
  public record AdapterSettings(String namespace, String configMapName, String configKey, String deploymentName,
      Duration rollInterval, int maxRulesPerNamespace, int maxConfigBytes) {
    public AdapterSettings(String namespace, String configMapName, String configKey, String deploymentName) {
      this(namespace, configMapName, configKey, deploymentName, DEFAULT_ROLL_INTERVAL, DEFAULT_MAX_RULES_PER_NAMESPACE,
          DEFAULT_MAX_CONFIG_BYTES);
    }

    public boolean configured() {
      return notBlank(namespace) && notBlank(configMapName) && notBlank(configKey);
    }
  }

  public static final String DEFAULT_IMAGE = "ghcr.io/scaled-demo/demo-app:0.1.0";
  /** The Service Prometheus Operator makes for every Prometheus, in kube-prometheus-stack's namespace. */
  public static final String DEFAULT_PROMETHEUS_ADDRESS = "http://prometheus-operated.monitoring.svc:9090";
  /** The HPA controller's sync period: KEDA polls no more often than the HPA asks. */
  public static final Duration DEFAULT_POLLING_INTERVAL = Duration.ofSeconds(15);
  public static final Duration DEFAULT_ROLL_INTERVAL = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_RULES_PER_NAMESPACE = 20;
  /** Well below the 1 MiB object limit, leaving room for the ownership record and other keys. */
  public static final int DEFAULT_MAX_CONFIG_BYTES = 512 * 1024;

  public static OperatorSettings fromConfig() {
    Config c = ConfigProvider.getConfig();
    return new OperatorSettings(
        c.getOptionalValue("scaleddemo.demo-app.image", String.class).orElse(DEFAULT_IMAGE),
        new AdapterSettings(
            c.getOptionalValue("scaleddemo.adapter.namespace", String.class).orElse(""),
            c.getOptionalValue("scaleddemo.adapter.config-map", String.class).orElse(""),
            c.getOptionalValue("scaleddemo.adapter.config-key", String.class).orElse("config.yaml"),
            c.getOptionalValue("scaleddemo.adapter.deployment", String.class).orElse(""),
            c.getOptionalValue("scaleddemo.adapter.roll-interval", Duration.class).orElse(DEFAULT_ROLL_INTERVAL),
            c.getOptionalValue("scaleddemo.adapter.max-rules-per-namespace", Integer.class)
                .orElse(DEFAULT_MAX_RULES_PER_NAMESPACE),
            c.getOptionalValue("scaleddemo.adapter.max-config-bytes", Integer.class).orElse(DEFAULT_MAX_CONFIG_BYTES)),
        new KedaSettings(
            c.getOptionalValue("scaleddemo.keda.prometheus-address", String.class).orElse(DEFAULT_PROMETHEUS_ADDRESS),
            c.getOptionalValue("scaleddemo.keda.polling-interval", Duration.class).orElse(DEFAULT_POLLING_INTERVAL)));
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
