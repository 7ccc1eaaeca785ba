package dev.scaleddemo.operator.config;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * What the operator is configured with (application.properties / environment). A plain record so that pure
 * builders and their tests do not need Quarkus.
 */
public record OperatorSettings(String demoAppImage, AdapterSettings adapter) {

  /** Where the cluster's prometheus-adapter keeps its config, and the Deployment to roll when it changes. */
  public record AdapterSettings(String namespace, String configMapName, String configKey, String deploymentName) {
    public boolean configured() {
      return notBlank(namespace) && notBlank(configMapName) && notBlank(configKey);
    }
  }

  public static final String DEFAULT_IMAGE = "ghcr.io/scaled-demo/demo-app:0.1.0";

  public static OperatorSettings fromConfig() {
    Config c = ConfigProvider.getConfig();
    return new OperatorSettings(
        c.getOptionalValue("scaleddemo.demo-app.image", String.class).orElse(DEFAULT_IMAGE),
        new AdapterSettings(
            c.getOptionalValue("scaleddemo.adapter.namespace", String.class).orElse(""),
            c.getOptionalValue("scaleddemo.adapter.config-map", String.class).orElse(""),
            c.getOptionalValue("scaleddemo.adapter.config-key", String.class).orElse("config.yaml"),
            c.getOptionalValue("scaleddemo.adapter.deployment", String.class).orElse("")));
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
