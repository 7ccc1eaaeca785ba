package dev.scaleddemo.operator.manifest;

import dev.scaleddemo.operator.api.v1alpha1.Annotations;
import dev.scaleddemo.operator.api.v1alpha1.OnMetricLossSpec;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.config.OperatorSettings.KedaSettings;
import dev.scaleddemo.operator.keda.ScaledObject;
import dev.scaleddemo.operator.validation.SpecValidator;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Duration;
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
  /** KEDA's fallback behaviour: at least the fallback replicas, more if the app has more. */
  public static final String FALLBACK_BEHAVIOR = "currentReplicasIfHigher";

  private ScaledObjectManifest() {}

  public static ScaledObject build(ScaledDemoApp app, KedaSettings keda) {
    var scaling = app.getSpec().getScaling();
    var so = new ScaledObject();
    so.setMetadata(Meta.of(app, Names.scaledObject(app)).withAnnotations(pauseAnnotations(app)).build());
    var behavior = scaling.getBehavior() == null ? null
        : new ScaledObject.Advanced(new ScaledObject.HpaConfig(scaling.getBehavior()));
    so.setSpec(new ScaledObject.Spec(
        new ScaledObject.ScaleTarget("apps/v1", "Deployment", Names.deployment(app)),
        (int) keda.pollingInterval().toSeconds(),
        scaling.getMinReplicas(),
        scaling.getMaxReplicas(),
        behavior,
        List.of(new ScaledObject.Trigger(PROMETHEUS_TRIGGER, TRIGGER_NAME, "AverageValue", metadata(app, keda))),
        fallback(scaling.getOnMetricLoss(), keda)));
    return so;
  }

  /**
   * onMetricLoss Fallback as KEDA's fallback: after {@code after} of failed polls (rounded up to whole polls), at
   * least fallbackReplicas (currentReplicasIfHigher keeps more if the app has more), released when the metric is
   * back. Hold is KEDA's behaviour without a fallback: the HPA cannot read the metric and keeps the replicas.
   */
  static ScaledObject.Fallback fallback(OnMetricLossSpec loss, KedaSettings keda) {
    if (loss == null || loss.getPolicy() != OnMetricLossSpec.Policy.Fallback || loss.getFallbackReplicas() == null) {
      return null;
    }
    Duration after = SpecValidator.duration(loss.getAfter());
    long poll = Math.max(1, keda.pollingInterval().toMillis());
    int polls = after == null ? 1 : (int) Math.max(1, (after.toMillis() + poll - 1) / poll);
    return new ScaledObject.Fallback(polls, loss.getFallbackReplicas(), FALLBACK_BEHAVIOR);
  }

  /**
   * The app's pause annotations as KEDA's: paused-replicas (a count from 0 to the maximum) wins over paused "true".
   * An unreadable value (the status reports it) pauses at the current replicas: nothing changes until it is fixed.
   */
  static Map<String, String> pauseAnnotations(ScaledDemoApp app) {
    Map<String, String> own = app.getMetadata().getAnnotations() == null ? Map.of() : app.getMetadata().getAnnotations();
    Map<String, String> out = new LinkedHashMap<>();
    String replicas = own.get(Annotations.PAUSED_REPLICAS);
    String paused = own.get(Annotations.PAUSED);
    if (replicas != null && replicas.matches("[0-9]{1,4}") && Integer.parseInt(replicas) <= Annotations.MAX_PAUSED_REPLICAS) {
      out.put(ScaledObject.PAUSED_REPLICAS_ANNOTATION, Integer.toString(Integer.parseInt(replicas)));
    } else if (replicas != null || (paused != null && !"false".equals(paused))) {
      out.put(ScaledObject.PAUSED_ANNOTATION, "true");
    }
    return out; // never null: the SDK adds annotations of its own to the desired object
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
