package dev.scaleddemo.operator.scaling;

import dev.scaleddemo.operator.api.v1alpha1.OnMetricLossSpec;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppStatus;
import dev.scaleddemo.operator.validation.SpecValidator;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/**
 * How the app scales right now, decided from the pause annotations, the metric-loss policy and what the HPA reports.
 * The operator never fights the HPA: it only sets the HPA's bounds (min=max=N while paused, min raised to the
 * fallback count while in fallback); the HPA enforces bounds even without a metric. Pure: no clock or client.
 *
 * @param pause what the annotations ask for
 * @param pausedReplicas the count the app is paused at, null while not paused
 * @param metricMissingSince when the HPA lost the metric (its ScalingActive transition), null while it has it
 * @param fallback whether the fallback count is in force
 * @param hpaMinReplicas the HPA's minReplicas to apply
 * @param hpaMaxReplicas the HPA's maxReplicas to apply
 * @param scaleDeploymentTo a count to write through the Deployment's scale subresource (the HPA never scales from or
 *     to 0), null for none
 * @param recheckIn when to look again without an event (the moment the fallback delay elapses), null for never
 */
public record ScalingPlan(PauseRequest pause, Integer pausedReplicas, String metricMissingSince, boolean fallback,
    int hpaMinReplicas, int hpaMaxReplicas, Integer scaleDeploymentTo, Duration recheckIn) {

  public static final String KEY = "scaling-plan";

  /** HPA ScalingActive=False reasons that mean the metric could not be read. */
  public static final Set<String> METRIC_FAILURES = Set.of("FailedGetPodsMetric", "FailedGetObjectMetric",
      "FailedGetExternalMetric", "FailedGetResourceMetric", "FailedGetContainerResourceMetric");

  public boolean paused() {
    return pausedReplicas != null;
  }

  public boolean metricMissing() {
    return metricMissingSince != null;
  }

  /** The plan of an app that scales on its metric alone (spec bounds). */
  public static ScalingPlan auto(ScaledDemoApp app) {
    var scaling = app.getSpec().getScaling();
    return new ScalingPlan(PauseRequest.NONE, null, null, false, scaling.getMinReplicas(), scaling.getMaxReplicas(),
        null, null);
  }

  public static ScalingPlan decide(ScaledDemoApp app, Deployment deployment, HorizontalPodAutoscaler hpa,
      Instant now) {
    var scaling = app.getSpec().getScaling();
    ScaledDemoAppStatus previous = app.getStatus();
    Integer wasPausedAt = previous == null ? null : previous.getPausedReplicas();
    Integer current = deployment == null || deployment.getSpec() == null ? null : deployment.getSpec().getReplicas();

    PauseRequest pause = PauseRequest.parse(app.getMetadata().getAnnotations());
    Integer pausedAt;
    if (pause.problem() != null) {
      pausedAt = wasPausedAt; // an unreadable annotation changes nothing: keep whatever was in force
    } else if (!pause.paused()) {
      pausedAt = null;
    } else if (pause.replicas() != null) {
      pausedAt = pause.replicas();
    } else if (wasPausedAt != null) {
      pausedAt = wasPausedAt; // recorded when the pause began, so a restart or a rescale does not drift
    } else {
      pausedAt = current != null ? current : hpa != null && hpa.getStatus() != null
          && hpa.getStatus().getCurrentReplicas() != null ? hpa.getStatus().getCurrentReplicas() : scaling.getMinReplicas();
    }

    String missingSince = metricMissingSince(hpa);
    OnMetricLossSpec loss = scaling.getOnMetricLoss() == null ? new OnMetricLossSpec() : scaling.getOnMetricLoss();
    boolean fallback = false;
    Duration recheckIn = null;
    if (pausedAt == null && missingSince != null && loss.getPolicy() == OnMetricLossSpec.Policy.Fallback
        && loss.getFallbackReplicas() != null) {
      Duration after = Optional.ofNullable(SpecValidator.duration(loss.getAfter())).orElse(Duration.ofMinutes(2));
      Instant due = parse(missingSince).plus(after);
      fallback = !now.isBefore(due);
      recheckIn = fallback ? null : Duration.between(now, due).plusSeconds(1);
    }

    int min = scaling.getMinReplicas();
    int max = scaling.getMaxReplicas();
    Integer scaleTo = null;
    if (pausedAt != null) {
      // the HPA's bounds are at least 1: at 0 it keeps 1/1 and the Deployment is scaled to 0, which disables the HPA
      min = Math.max(1, pausedAt);
      max = min;
      if (current != null && (pausedAt == 0 ? current != 0 : current == 0)) scaleTo = pausedAt;
    } else if (fallback) {
      min = Math.min(max, Math.max(min, loss.getFallbackReplicas()));
    }
    if (pausedAt == null && wasPausedAt != null && wasPausedAt == 0 && current != null && current == 0) {
      scaleTo = Math.max(1, scaling.getMinReplicas()); // resumed from 0: the HPA takes over from here
    }
    return new ScalingPlan(pause, pausedAt, missingSince, fallback, min, max, scaleTo, recheckIn);
  }

  /** The lastTransitionTime of the HPA's ScalingActive=False when its reason is a metric failure, else null. */
  public static String metricMissingSince(HorizontalPodAutoscaler hpa) {
    if (hpa == null || hpa.getStatus() == null || hpa.getStatus().getConditions() == null) return null;
    return hpa.getStatus().getConditions().stream()
        .filter(c -> "ScalingActive".equals(c.getType()) && "False".equals(c.getStatus())
            && METRIC_FAILURES.contains(c.getReason()) && c.getLastTransitionTime() != null)
        .map(HorizontalPodAutoscalerCondition::getLastTransitionTime).findFirst().orElse(null);
  }

  private static Instant parse(String time) {
    try {
      return Instant.parse(time);
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }
}
