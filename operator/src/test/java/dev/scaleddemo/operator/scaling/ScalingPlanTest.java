package dev.scaleddemo.operator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.api.v1alpha1.Annotations;
import dev.scaleddemo.operator.api.v1alpha1.OnMetricLossSpec;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScalingPlanTest {
  private static final Instant LOST = Instant.parse("2026-12-01T10:00:00Z");
  private final ScaledDemoApp app = TestApps.sample("prometheus-demo-app.yaml");

  /** An HPA whose ScalingActive condition has the given status and reason since {@link #LOST}. */
  private static HorizontalPodAutoscaler hpa(String active, String reason) {
    return new HorizontalPodAutoscalerBuilder().withNewStatus().withCurrentReplicas(2).withDesiredReplicas(2)
        .addNewCondition().withType("ScalingActive").withStatus(active).withReason(reason)
        .withLastTransitionTime(LOST.toString()).endCondition().endStatus().build();
  }

  private static Deployment replicas(int n) {
    return new DeploymentBuilder().withNewSpec().withReplicas(n).endSpec().build();
  }

  private void fallback(int replicas, String after) {
    var loss = app.getSpec().getScaling().getOnMetricLoss();
    loss.setPolicy(OnMetricLossSpec.Policy.Fallback);
    loss.setFallbackReplicas(replicas);
    loss.setAfter(after);
  }

  private ScalingPlan decide(Deployment d, HorizontalPodAutoscaler h, Instant now) {
    return ScalingPlan.decide(app, d, h, now);
  }

  @Test
  void withTheMetricTheSpecBoundsApply() {
    fallback(3, "30s");
    var plan = decide(replicas(2), hpa("True", "ValidMetricFound"), LOST.plusSeconds(3600));
    assertThat(plan.metricMissing()).isFalse();
    assertThat(plan.fallback()).isFalse();
    assertThat(plan.hpaMinReplicas()).isEqualTo(app.getSpec().getScaling().getMinReplicas());
    assertThat(plan.hpaMaxReplicas()).isEqualTo(app.getSpec().getScaling().getMaxReplicas());
    assertThat(plan.recheckIn()).isNull();
  }

  @Test
  void fallbackRaisesTheMinimumOnceTheMetricIsMissingForAfter() {
    fallback(4, "30s");
    var pending = decide(replicas(1), hpa("False", "FailedGetPodsMetric"), LOST.plusSeconds(10));
    assertThat(pending.metricMissingSince()).isEqualTo(LOST.toString());
    assertThat(pending.fallback()).isFalse();
    assertThat(pending.hpaMinReplicas()).isEqualTo(1);
    assertThat(pending.recheckIn()).as("looks again when 'after' elapses").isEqualTo(Duration.ofSeconds(21));

    var due = decide(replicas(1), hpa("False", "FailedGetPodsMetric"), LOST.plusSeconds(30));
    assertThat(due.fallback()).isTrue();
    assertThat(due.hpaMinReplicas()).isEqualTo(4);
    assertThat(due.hpaMaxReplicas()).isEqualTo(app.getSpec().getScaling().getMaxReplicas());
    assertThat(due.recheckIn()).isNull();
  }

  @Test
  void fallbackNeverLowersTheMinimum() {
    app.getSpec().getScaling().setMinReplicas(5);
    fallback(3, "30s");
    assertThat(decide(replicas(6), hpa("False", "FailedGetObjectMetric"), LOST.plusSeconds(60)).hpaMinReplicas())
        .isEqualTo(5);
  }

  @Test
  void holdAndOtherScalingActiveReasonsChangeNothing() {
    var hold = decide(replicas(3), hpa("False", "FailedGetPodsMetric"), LOST.plusSeconds(3600));
    assertThat(hold.metricMissing()).isTrue();
    assertThat(hold.fallback()).isFalse();
    assertThat(hold.hpaMinReplicas()).isEqualTo(1);
    fallback(3, "30s");
    // the HPA disabled because the Deployment was scaled to 0 is no metric loss
    assertThat(decide(replicas(0), hpa("False", "ScalingDisabled"), LOST.plusSeconds(3600)).metricMissing()).isFalse();
  }

  @Test
  void pauseAtTheCurrentReplicasPinsTheHpaAndIsRememberedAcrossRescales() {
    app.getMetadata().setAnnotations(Map.of(Annotations.PAUSED, "true"));
    var plan = decide(replicas(3), hpa("True", "ValidMetricFound"), LOST);
    assertThat(plan.pausedReplicas()).isEqualTo(3);
    assertThat(plan.hpaMinReplicas()).isEqualTo(3);
    assertThat(plan.hpaMaxReplicas()).isEqualTo(3);
    var status = new ScaledDemoAppStatus();
    status.setPausedReplicas(3);
    app.setStatus(status);
    assertThat(decide(replicas(5), hpa("True", "ValidMetricFound"), LOST).pausedReplicas())
        .as("a restart or a rescale by hand does not move the pause").isEqualTo(3);
  }

  @Test
  void pausedReplicasWinsAndPausingSuspendsTheFallback() {
    fallback(3, "30s");
    app.getMetadata().setAnnotations(Map.of(Annotations.PAUSED, "true", Annotations.PAUSED_REPLICAS, "7"));
    var plan = decide(replicas(2), hpa("False", "FailedGetPodsMetric"), LOST.plusSeconds(3600));
    assertThat(plan.pausedReplicas()).isEqualTo(7);
    assertThat(plan.fallback()).isFalse();
    assertThat(plan.hpaMinReplicas()).isEqualTo(7);
    assertThat(plan.hpaMaxReplicas()).isEqualTo(7);
    assertThat(plan.scaleDeploymentTo()).isNull();
  }

  @Test
  void pauseAtZeroScalesTheDeploymentAndResumingScalesItBack() {
    app.getMetadata().setAnnotations(Map.of(Annotations.PAUSED_REPLICAS, "0"));
    var plan = decide(replicas(2), hpa("True", "ValidMetricFound"), LOST);
    assertThat(plan.pausedReplicas()).isZero();
    assertThat(plan.hpaMinReplicas()).as("an HPA's bounds are at least 1").isEqualTo(1);
    assertThat(plan.scaleDeploymentTo()).isZero();
    assertThat(decide(replicas(0), hpa("False", "ScalingDisabled"), LOST).scaleDeploymentTo()).isNull();

    var status = new ScaledDemoAppStatus();
    status.setPausedReplicas(0);
    app.setStatus(status);
    app.getMetadata().setAnnotations(Map.of());
    app.getSpec().getScaling().setMinReplicas(2);
    var resumed = decide(replicas(0), hpa("False", "ScalingDisabled"), LOST);
    assertThat(resumed.paused()).isFalse();
    assertThat(resumed.scaleDeploymentTo()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "1001", "3.0", "1e2", "three", "", "99999999999"})
  void anUnreadablePausedReplicasChangesNothing(String bad) {
    app.getMetadata().setAnnotations(Map.of(Annotations.PAUSED_REPLICAS, bad));
    var plan = decide(replicas(2), hpa("True", "ValidMetricFound"), LOST);
    assertThat(plan.pause().problem()).contains(Annotations.PAUSED_REPLICAS);
    assertThat(plan.paused()).isFalse();
    assertThat(plan.hpaMinReplicas()).isEqualTo(1);

    var status = new ScaledDemoAppStatus();
    status.setPausedReplicas(4);
    app.setStatus(status);
    assertThat(decide(replicas(4), hpa("True", "ValidMetricFound"), LOST).pausedReplicas())
        .as("an app already paused stays paused").isEqualTo(4);
  }

  @Test
  void pausedFlagIsTrueOrFalse() {
    assertThat(PauseRequest.parse(Map.of(Annotations.PAUSED, "false"))).isEqualTo(PauseRequest.NONE);
    assertThat(PauseRequest.parse(Map.of(Annotations.PAUSED, "True")).paused()).isTrue();
    assertThat(PauseRequest.parse(Map.of(Annotations.PAUSED, "yes")).problem()).contains(Annotations.PAUSED);
    assertThat(PauseRequest.parse(Map.of(Annotations.PAUSED_REPLICAS, " 12 ")).replicas()).isEqualTo(12);
    assertThat(PauseRequest.parse(null)).isEqualTo(PauseRequest.NONE);
  }
}
