package dev.scaleddemo.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Every {@code scaleddemo.*} key of the operator, read once at startup. The defaults of the keys an install can
 * override live in application.properties as {@code ${ENV_VAR:default}}: the Kubernetes extension turns those into
 * the env of the generated Deployment (install.yaml, Helm chart, OLM CSV). Keys no install overrides carry their
 * default here. Pure code gets {@link #settings()}, a plain record.
 */
@ConfigMapping(prefix = "scaleddemo")
public interface OperatorConfig {
  String DEFAULT_LEASE_NAME = "scaled-demo-operator-lease";

  DemoApp demoApp();

  Adapter adapter();

  Lease leaderElection();

  Keda keda();

  /**
   * Whether the JVM's crypto, the TLS to the API server's above all, comes from AWS-LC when it loads here
   * ({@link NativeCrypto}). {@code SCALEDDEMO_NATIVE_CRYPTO=false} keeps the JDK's own providers.
   */
  @WithDefault("true")
  boolean nativeCrypto();

  interface DemoApp {
    /** Image of the demo app when a ScaledDemoApp sets no spec.image ({@code DEMO_APP_IMAGE}). */
    String image();
  }

  /** prometheus-adapter's shared config; unset namespace or ConfigMap means "no adapter" (a condition). */
  interface Adapter {
    Optional<String> namespace();

    Optional<String> configMap();

    String configKey();

    Optional<String> deployment();

    Duration rollInterval();

    int maxRulesPerNamespace();

    int maxConfigBytes();
  }

  /** For apps on the Keda backend ({@code KEDA_PROMETHEUS_ADDRESS}, {@code KEDA_POLLING_INTERVAL}). */
  interface Keda {
    /** The Prometheus server the ScaledObjects' prometheus trigger queries, as KEDA's pods reach it. */
    String prometheusAddress();

    /** The ScaledObjects' pollingInterval; onMetricLoss' {@code after} is counted in polls of this length. */
    Duration pollingInterval();
  }

  interface Lease {
    @WithDefault(DEFAULT_LEASE_NAME)
    String leaseName();

    /** Unset: the operator's own namespace (the pod's, as the Kubernetes client knows it). */
    Optional<String> leaseNamespace();

    /** This replica's name in the Lease: the pod name, which Kubernetes puts in HOSTNAME. */
    @WithDefault("${HOSTNAME:}")
    Optional<String> identity();
  }

  default OperatorSettings settings() {
    Adapter a = adapter();
    return new OperatorSettings(demoApp().image(), new OperatorSettings.AdapterSettings(a.namespace().orElse(""),
        a.configMap().orElse(""), a.configKey(), a.deployment().orElse(""), a.rollInterval(),
        a.maxRulesPerNamespace(), a.maxConfigBytes()),
        new OperatorSettings.KedaSettings(keda().prometheusAddress(), keda().pollingInterval()));
  }
}
