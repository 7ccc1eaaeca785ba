package dev.scaleddemo.operator.manifest;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.config.OperatorSettings.KedaSettings;
import dev.scaleddemo.operator.keda.ScaledObject;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The KEDA ScaledObject of an app on the Keda backend: the same clicks per second per pod as the adapter rule and
 * HPA of the PrometheusAdapter backend. The trigger's query is the rate of the app's counter over its window, summed
 * over the app's pods (the series Prometheus scrapes through the app's ServiceMonitor carry the Service's name); with
 * metricType AverageValue the HPA divides that sum by the current replicas and compares it with the target, which
 * is exactly what the Pods metric of the other backend does.
 */
public final class ScaledObjectManifest {
  /** KEDA's name for the trigger type. */
  public static final String PROMETHEUS_TRIGGER = "prometheus";
  public static final String TRIGGER_NAME = "clicks";

  private ScaledObjectManifest() {}

  public static ScaledObject build(ScaledDemoApp app, KedaSettings keda) {
    var scaling = app.getSpec().getScaling();
    var so = new ScaledObject();
    so.setMetadata(Meta.build(app, Names.scaledObject(app)));
    var behavior = scaling.getBehavior() == null ? null
        : new ScaledObject.Advanced(new ScaledObject.HpaConfig(scaling.getBehavior()));
    so.setSpec(new ScaledObject.Spec(
        new ScaledObject.ScaleTarget("apps/v1", "Deployment", Names.deployment(app)),
        (int) keda.pollingInterval().toSeconds(),
        scaling.getMinReplicas(),
        scaling.getMaxReplicas(),
        behavior,
        List.of(new ScaledObject.Trigger(PROMETHEUS_TRIGGER, TRIGGER_NAME, "AverageValue", metadata(app, keda))),
        null));
    return so;
  }

  /** The PromQL query: the app's clicks per second, all pods together. */
  public static String query(ScaledDemoApp app) {
    var rule = AdapterRules.rule(app.getSpec());
    return "sum(rate(" + rule.counter() + "{namespace=\"" + app.getMetadata().getNamespace() + "\",service=\""
        + Names.service(app) + "\"}[" + rule.window() + "]))";
  }

  /** A quantity as the plain decimal KEDA's threshold takes (10m -> 0.01). */
  public static String decimal(String quantity) {
    return new Quantity(quantity).getNumericalAmount().stripTrailingZeros().toPlainString();
  }

  private static Map<String, String> metadata(ScaledDemoApp app, KedaSettings keda) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("serverAddress", keda.prometheusAddress());
    m.put("query", query(app));
    m.put("threshold", decimal(app.getSpec().getScaling().getTargetClicksPerSecondPerPod()));
    // no series (Prometheus lost the app) is an error, as for the adapter backend's missing metric: the HPA holds
    // its replicas (or KEDA falls back) instead of reading 0 and scaling in
    m.put("ignoreNullValues", "false");
    return m;
  }
}
