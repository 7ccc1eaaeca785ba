package dev.scaleddemo.operator.status;

import static dev.scaleddemo.operator.status.Conditions.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppStatus;
import dev.scaleddemo.operator.scaling.ScalingPlan;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusCalculatorTest {
  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-29T10:05:00Z");
  private final ScaledDemoApp app = TestApps.sample("prometheus-demo-app.yaml");

  static Deployment deployment(int ready, String available) {
    return new DeploymentBuilder().withNewStatus().withReplicas(Math.max(ready, 1)).withReadyReplicas(ready)
        .withUpdatedReplicas(Math.max(ready, 1))
        .addNewCondition().withType("Available").withStatus(available)
        .withReason(TRUE.equals(available) ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
        .withMessage("Deployment does not have minimum availability.").endCondition()
        .endStatus().build();
  }

  static HorizontalPodAutoscaler hpa(int desired, String current, String scalingActive, String reason) {
    var b = new HorizontalPodAutoscalerBuilder().withNewStatus().withDesiredReplicas(desired).withCurrentReplicas(1)
        .addNewCondition().withType(ABLE_TO_SCALE).withStatus(TRUE).withReason("ReadyForNewScale").withMessage("ok")
        .endCondition()
        .addNewCondition().withType(SCALING_ACTIVE).withStatus(scalingActive).withReason(reason).withMessage(reason)
        .endCondition()
        .addNewCondition().withType(SCALING_LIMITED).withStatus(FALSE).withReason("DesiredWithinRange")
        .withMessage("within range").endCondition();
    if (current != null) {
      b.addNewCurrentMetric().withType("Pods").withNewPods().withNewMetric()
          .withName("demo_app_button_clicks_per_second").endMetric().withNewCurrent()
          .withAverageValue(new Quantity(current)).endCurrent().endPods().endCurrentMetric();
    }
    return b.endStatus().build();
  }

  private Observed healthy() {
    return new Observed(List.of(), deployment(2, TRUE), hpa(3, "25m", TRUE, "ValidMetricFound"),
        MonitoringState.AVAILABLE, AdapterRuleState.ok("served"), Map.of());
  }

  private static Condition cond(ScaledDemoAppStatus s, String type) {
    return StatusCalculator.condition(s, type).orElseThrow();
  }

  /** The message names when a pending adapter roll happens; the app is looked at again just after, not in 10 min. */
  @Test
  void looksAgainJustAfterAPendingAdapterRoll() {
    var h = healthy();
    assertThat(StatusCalculator.recheckIn(h, Duration.ofSeconds(15))).as("settled: the periodic interval").isEmpty();
    var pending = new AdapterRuleState(true, AdapterRuleState.SYNCED, "served; rereads it at ...", Duration.ofSeconds(7));
    assertThat(StatusCalculator.recheckIn(new Observed(h.specProblems(), h.deployment(), h.hpa(), h.monitoring(),
        pending, Map.of()), Duration.ofSeconds(15)))
        .contains(Duration.ofSeconds(7).plus(StatusCalculator.AFTER_ROLL));
    var waiting = new Observed(h.specProblems(), h.deployment(), h.hpa(), MonitoringState.CRD_MISSING,
        new AdapterRuleState(true, AdapterRuleState.SYNCED, "served; rereads it at ...", Duration.ofSeconds(40)),
        Map.of());
    assertThat(StatusCalculator.recheckIn(waiting, Duration.ofSeconds(15))).as("the sooner of the two")
        .contains(Duration.ofSeconds(15));
  }

  @Test
  void waitsOnOthersOnlyForAValidAppMissingSomethingOutsideItsSpec() {
    var h = healthy();
    assertThat(StatusCalculator.waitingOnOthers(h)).isFalse();
    assertThat(StatusCalculator.waitingOnOthers(new Observed(h.specProblems(), h.deployment(), h.hpa(),
        MonitoringState.CRD_MISSING, h.adapterRule(), Map.of()))).isTrue();
    assertThat(StatusCalculator.waitingOnOthers(new Observed(h.specProblems(), h.deployment(), h.hpa(),
        h.monitoring(), AdapterRuleState.failed(AdapterRuleState.CONFIG_NOT_FOUND, "no adapter"), Map.of()))).isTrue();
    assertThat(StatusCalculator.waitingOnOthers(new Observed(h.specProblems(), h.deployment(), h.hpa(),
        h.monitoring(), h.adapterRule(), Map.of("ingress", "refused")))).isTrue();
    assertThat(StatusCalculator.waitingOnOthers(new Observed(List.of("spec.x is bad"), h.deployment(), h.hpa(),
        MonitoringState.NOT_RECONCILED, AdapterRuleState.failed(AdapterRuleState.NOT_RUN, "invalid"), Map.of())))
        .isFalse();
  }

  @Test
  void healthyAppIsReadyAndShowsTheScalingFigures() {
    var s = StatusCalculator.compute(app, healthy(), T0);
    assertThat(cond(s, READY).getStatus()).isEqualTo(TRUE);
    assertThat(s.getConditions().get(0).getType()).as("Ready first").isEqualTo(READY);
    assertThat(s.getObservedGeneration()).isEqualTo(1L);
    assertThat(s.getReplicas()).isEqualTo(2);
    assertThat(s.getDesiredReplicas()).isEqualTo(3);
    assertThat(s.getCurrentClicksPerSecondPerPod()).isEqualTo("25m");
    assertThat(s.getTargetClicksPerSecondPerPod()).isEqualTo("10m");
    assertThat(cond(s, SCALING_ACTIVE).getReason()).isEqualTo("ValidMetricFound");
    assertThat(s.getConditions()).extracting(Condition::getType).containsExactly(READY, SPEC_VALID,
        DEPLOYMENT_AVAILABLE, MONITORING_AVAILABLE, ADAPTER_RULE_SYNCED, ABLE_TO_SCALE, SCALING_ACTIVE, SCALING_LIMITED,
        RECONCILING, STALLED);
    assertThat(s.getConditions()).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(1L));
  }

  @Test
  void firstReconcileReportsReadyFalseWithAReason() {
    var s = StatusCalculator.compute(app, new Observed(List.of(), null, null, MonitoringState.AVAILABLE,
        AdapterRuleState.ok("served"), Map.of()), T0);
    assertThat(cond(s, READY).getStatus()).isEqualTo(FALSE);
    assertThat(cond(s, READY).getReason()).isEqualTo("DeploymentUnavailable");
    assertThat(cond(s, ABLE_TO_SCALE).getStatus()).isEqualTo(UNKNOWN);
    assertThat(s.getReplicas()).isNull();
    assertThat(s.getDesiredReplicas()).isNull();
  }

  @Test
  void hpaThatCannotGetTheMetricIsMirroredButAppStaysReady() {
    var o = new Observed(List.of(), deployment(1, TRUE), hpa(1, null, FALSE, "FailedGetPodsMetric"),
        MonitoringState.AVAILABLE, AdapterRuleState.ok("served"), Map.of());
    var s = StatusCalculator.compute(app, o, T0);
    assertThat(cond(s, SCALING_ACTIVE).getStatus()).isEqualTo(FALSE);
    assertThat(cond(s, SCALING_ACTIVE).getReason()).isEqualTo("FailedGetPodsMetric");
    assertThat(s.getCurrentClicksPerSecondPerPod()).isNull();
    assertThat(cond(s, READY).getStatus()).isEqualTo(TRUE);
  }

  @Test
  void missingServiceMonitorCrdMakesReadyFalseWithWhy() {
    var o = new Observed(List.of(), deployment(1, TRUE), null, MonitoringState.CRD_MISSING,
        AdapterRuleState.ok("served"), Map.of());
    var s = StatusCalculator.compute(app, o, T0);
    assertThat(cond(s, MONITORING_AVAILABLE).getStatus()).isEqualTo(FALSE);
    assertThat(cond(s, MONITORING_AVAILABLE).getReason()).isEqualTo("ServiceMonitorCRDMissing");
    assertThat(cond(s, READY).getReason()).isEqualTo("MonitoringUnavailable");
    assertThat(cond(s, READY).getMessage()).contains("ServiceMonitor CRD is not installed");
  }

  @Test
  void adapterProblemsAreReported() {
    var o = new Observed(List.of(), deployment(1, TRUE), null, MonitoringState.AVAILABLE,
        AdapterRuleState.failed(AdapterRuleState.CONFIG_NOT_FOUND, "no ConfigMap"), Map.of());
    var s = StatusCalculator.compute(app, o, T0);
    assertThat(cond(s, ADAPTER_RULE_SYNCED).getReason()).isEqualTo("AdapterConfigNotFound");
    assertThat(cond(s, READY).getReason()).isEqualTo("AdapterRuleNotSynced");
  }

  @Test
  void invalidSpecWinsAndKeepsReportingRunningChildren() {
    var o = new Observed(List.of("spec.x is bad"), deployment(2, TRUE), hpa(2, "1", TRUE, "ValidMetricFound"),
        MonitoringState.NOT_RECONCILED, AdapterRuleState.failed(AdapterRuleState.NOT_RUN, "skipped"), Map.of());
    var s = StatusCalculator.compute(app, o, T0);
    assertThat(cond(s, SPEC_VALID).getStatus()).isEqualTo(FALSE);
    assertThat(cond(s, READY).getReason()).isEqualTo("InvalidSpec");
    assertThat(cond(s, READY).getMessage()).isEqualTo("spec.x is bad");
    assertThat(s.getReplicas()).isEqualTo(2);
  }

  @Test
  void childErrorsAreNamed() {
    var o = new Observed(List.of(), deployment(1, TRUE), null, MonitoringState.AVAILABLE,
        AdapterRuleState.ok("served"), Map.of("hpa", "forbidden"));
    var s = StatusCalculator.compute(app, o, T0);
    assertThat(cond(s, READY).getReason()).isEqualTo("ReconcileError");
    assertThat(cond(s, READY).getMessage()).isEqualTo("hpa: forbidden");
  }

  @Test
  void aFailedReconcileTurnsReadyFalseAndKeepsEverythingElse() {
    var healthy = StatusCalculator.compute(app, healthy(), T0);
    app.setStatus(healthy);
    app.getMetadata().setGeneration(2L);
    var s = StatusCalculator.failed(app, "Service \"x\" is invalid", T1);
    assertThat(cond(s, READY).getStatus()).isEqualTo(FALSE);
    assertThat(cond(s, READY).getReason()).isEqualTo(RECONCILE_ERROR);
    assertThat(cond(s, READY).getMessage()).isEqualTo("Service \"x\" is invalid");
    assertThat(cond(s, READY).getObservedGeneration()).as("the generation it describes").isEqualTo(2L);
    assertThat(cond(s, READY).getLastTransitionTime()).isEqualTo("2026-11-29T10:05:00Z");
    assertThat(s.getConditions()).extracting(Condition::getType).containsExactly(READY, SPEC_VALID,
        DEPLOYMENT_AVAILABLE, MONITORING_AVAILABLE, ADAPTER_RULE_SYNCED, ABLE_TO_SCALE, SCALING_ACTIVE, SCALING_LIMITED,
        RECONCILING, STALLED);
    assertThat(cond(s, RECONCILING).getStatus()).as("retried: reconciling").isEqualTo(TRUE);
    assertThat(cond(s, RECONCILING).getReason()).isEqualTo(RECONCILE_ERROR);
    assertThat(cond(s, STALLED).getStatus()).isEqualTo(FALSE);
    assertThat(cond(s, DEPLOYMENT_AVAILABLE)).isEqualTo(cond(healthy, DEPLOYMENT_AVAILABLE));
    assertThat(s.getReplicas()).isEqualTo(2);

    app.setStatus(null);
    assertThat(StatusCalculator.failed(app, "boom", T1).getConditions()).extracting(Condition::getType)
        .as("no status yet").containsExactly(READY, RECONCILING, STALLED);
  }

  @Test
  void childErrorsCarryTheApiServersMessageNotJavaTypes() {
    var status = new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(422)
        .withMessage("Service \"demo.app\" is invalid: metadata.name: Invalid value: \"demo.app\"").build();
    var rejected = new io.fabric8.kubernetes.client.KubernetesClientException(status);
    assertThat(ChildErrors.message(new IllegalStateException("wrapped", rejected)))
        .isEqualTo("Service \"demo.app\" is invalid: metadata.name: Invalid value: \"demo.app\"");
    assertThat(ChildErrors.message(new io.javaoperatorsdk.operator.AggregatedOperatorException("workflow failed",
        Map.of("service", rejected, "hpa", new IllegalStateException("plain")))))
        .isEqualTo("hpa: plain; service: Service \"demo.app\" is invalid: metadata.name: Invalid value: \"demo.app\"");
    assertThat(ChildErrors.message(new IllegalStateException("plain"))).isEqualTo("plain");
    assertThat(ChildErrors.message(new NullPointerException())).isEqualTo("NullPointerException");
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenStatusChanges() {
    var first = StatusCalculator.compute(app, healthy(), T0);
    app.setStatus(first);
    var same = StatusCalculator.compute(app, healthy(), T1);
    assertThat(same).as("nothing changed: nothing to patch").isEqualTo(first);

    var degraded = new Observed(List.of(), deployment(0, FALSE), healthy().hpa(), MonitoringState.AVAILABLE,
        AdapterRuleState.ok("served"), Map.of());
    var changed = StatusCalculator.compute(app, degraded, T1);
    assertThat(cond(changed, READY).getLastTransitionTime()).isEqualTo("2026-11-29T10:05:00Z");
    assertThat(cond(changed, DEPLOYMENT_AVAILABLE).getLastTransitionTime()).isEqualTo("2026-11-29T10:05:00Z");
    assertThat(cond(changed, SCALING_ACTIVE).getLastTransitionTime()).isEqualTo("2026-11-29T10:00:00Z");
    assertThat(changed).isNotEqualTo(first);
  }

  // ---------------------------------------------------------------------------------- Reconciling and Stalled (kstatus)

  /** {@code reason}: Stalled's when it is True, else Reconciling's. */
  private static void assertProgress(ScaledDemoAppStatus s, String reconciling, String stalled, String reason) {
    assertThat(cond(s, RECONCILING).getStatus()).as("Reconciling").isEqualTo(reconciling);
    assertThat(cond(s, STALLED).getStatus()).as("Stalled").isEqualTo(stalled);
    assertThat(cond(s, TRUE.equals(stalled) ? STALLED : RECONCILING).getReason()).isEqualTo(reason);
  }

  @Test
  void readyAppIsNeitherReconcilingNorStalled() {
    var s = StatusCalculator.compute(app, healthy(), T0);
    assertProgress(s, FALSE, FALSE, CONVERGED);
    assertThat(cond(s, STALLED).getReason()).isEqualTo(NOT_STALLED);
  }

  /**
   * While the HPA scales 1 -> 3, the Deployment controller reports Available=False (MinimumReplicasUnavailable) until
   * 3 - maxUnavailable (25 %, rounded down: 0) pods are available: no outage while the app's minimum is ready.
   */
  @Test
  void scalingUpIsNoOutageWhileTheMinimumIsReady() {
    Deployment scalingUp = new DeploymentBuilder().withNewStatus().withReplicas(3).withReadyReplicas(1)
        .withAvailableReplicas(1).withUpdatedReplicas(3)
        .addNewCondition().withType("Available").withStatus(FALSE).withReason("MinimumReplicasUnavailable")
        .withMessage("Deployment does not have minimum availability.").endCondition().endStatus().build();
    var s = StatusCalculator.compute(app, new Observed(List.of(), scalingUp, hpa(3, "2", TRUE, "ValidMetricFound"),
        MonitoringState.AVAILABLE, AdapterRuleState.ok("served"), Map.of()), T0);
    assertThat(app.getSpec().getScaling().getMinReplicas()).isEqualTo(1);
    assertThat(cond(s, READY).getStatus()).isEqualTo(TRUE);
    assertThat(cond(s, DEPLOYMENT_AVAILABLE).getStatus()).isEqualTo(TRUE);
    assertThat(cond(s, DEPLOYMENT_AVAILABLE).getMessage())
        .isEqualTo("1/3 replicas ready. Scaling up; the minimum of 1 is ready.");
    assertThat(s.getReplicas()).isEqualTo(1);

    app.getSpec().getScaling().setMinReplicas(2);
    var underMinimum = StatusCalculator.compute(app, new Observed(List.of(), scalingUp,
        hpa(3, "2", TRUE, "ValidMetricFound"), MonitoringState.AVAILABLE, AdapterRuleState.ok("served"), Map.of()), T0);
    assertThat(cond(underMinimum, READY).getStatus()).isEqualTo(FALSE);
    assertThat(cond(underMinimum, READY).getReason()).isEqualTo(DEPLOYMENT_UNAVAILABLE);
  }

  /**
   * The Deployment controller fills in a new Deployment's status in steps (the conditions, then the pod counted, then
   * ready): the app's status stays the same until the first replica is ready, so a new app is patched twice, not
   * once per step.
   */
  @Test
  void aNewAppsStatusChangesOnlyWhenItsFirstReplicaIsReady() {
    app.getMetadata().setGeneration(1L);
    var applied = new DeploymentBuilder().withNewStatus().endStatus().build();
    var progressing = new DeploymentBuilder().withNewStatus().withObservedGeneration(1L)
        .addNewCondition().withType("Available").withStatus(FALSE).withReason("MinimumReplicasUnavailable")
        .withMessage("Deployment does not have minimum availability.").endCondition()
        .addNewCondition().withType("Progressing").withStatus(TRUE).withReason("ReplicaSetUpdated")
        .withMessage("ReplicaSet \"x\" is progressing.").endCondition().endStatus().build();
    var podCreated = new DeploymentBuilder(progressing).editStatus().withReplicas(1).withUpdatedReplicas(1)
        .withUnavailableReplicas(1).endStatus().build();
    var ready = new DeploymentBuilder(podCreated).editStatus().withReadyReplicas(1).withAvailableReplicas(1)
        .withUnavailableReplicas(null).editFirstCondition().withStatus(TRUE).withReason("MinimumReplicasAvailable")
        .withMessage("Deployment has minimum availability.").endCondition().endStatus().build();
    List<ScaledDemoAppStatus> statuses = new java.util.ArrayList<>();
    Instant t = T0;
    for (Deployment d : List.of(applied, progressing, podCreated, ready)) {
      var s = StatusCalculator.compute(app, new Observed(List.of(), d, null, MonitoringState.AVAILABLE,
          AdapterRuleState.ok("served"), Map.of()), t);
      statuses.add(s);
      app.setStatus(s);
      t = t.plusSeconds(1);
    }
    assertThat(statuses.get(1)).isEqualTo(statuses.get(0));
    assertThat(statuses.get(2)).isEqualTo(statuses.get(0));
    assertThat(cond(statuses.get(0), READY).getReason()).isEqualTo(DEPLOYMENT_UNAVAILABLE);
    assertThat(cond(statuses.get(0), DEPLOYMENT_AVAILABLE).getReason()).isEqualTo(NO_READY_REPLICAS);
    assertThat(cond(statuses.get(0), READY).getMessage()).isEqualTo("No replica is ready yet; the app needs 1.");
    assertThat(statuses.get(0).getReplicas()).isZero();
    assertThat(cond(statuses.get(3), READY).getStatus()).isEqualTo(TRUE);
    assertThat(statuses.get(3).getReplicas()).isEqualTo(1);
  }

  /** A pod the API server refuses (a quota) or the progress deadline is in the message while no replica is ready. */
  @Test
  void whyNoReplicaIsReadyIsInTheMessage() {
    var refused = new DeploymentBuilder().withNewStatus().withObservedGeneration(1L)
        .addNewCondition().withType("ReplicaFailure").withStatus(TRUE).withReason("FailedCreate")
        .withMessage("pods \"x\" is forbidden: exceeded quota: q").endCondition().endStatus().build();
    var s = StatusCalculator.compute(app, new Observed(List.of(), refused, null, MonitoringState.AVAILABLE,
        AdapterRuleState.ok("served"), Map.of()), T0);
    assertThat(cond(s, READY).getMessage()).isEqualTo(
        "No replica is ready yet; the app needs 1. FailedCreate: pods \"x\" is forbidden: exceeded quota: q");

    var stuck = new DeploymentBuilder().withNewStatus().withObservedGeneration(1L).withReplicas(1)
        .addNewCondition().withType("Progressing").withStatus(FALSE).withReason("ProgressDeadlineExceeded")
        .withMessage("ReplicaSet \"x\" has timed out progressing.").endCondition().endStatus().build();
    var late = StatusCalculator.compute(app, new Observed(List.of(), stuck, null, MonitoringState.AVAILABLE,
        AdapterRuleState.ok("served"), Map.of()), T0);
    assertThat(cond(late, DEPLOYMENT_AVAILABLE).getMessage()).isEqualTo("No replica is ready yet; the app needs 1."
        + " ProgressDeadlineExceeded: ReplicaSet \"x\" has timed out progressing.");
  }

  @Test
  void appWaitingForItsPodsIsReconcilingWithReadysReason() {
    var s = StatusCalculator.compute(app, new Observed(List.of(), deployment(0, FALSE), null,
        MonitoringState.AVAILABLE, AdapterRuleState.ok("served"), Map.of()), T0);
    assertProgress(s, TRUE, FALSE, "DeploymentUnavailable");
    assertThat(cond(s, RECONCILING).getMessage()).isEqualTo(cond(s, READY).getMessage());
  }

  @Test
  void transientErrorsAreReconcilingNotStalled() {
    var childError = StatusCalculator.compute(app, new Observed(List.of(), deployment(1, TRUE), null,
        MonitoringState.AVAILABLE, AdapterRuleState.ok("served"), Map.of("HpaDependent", "conflict")), T0);
    assertProgress(childError, TRUE, FALSE, "ReconcileError");
    var adapterApiError = StatusCalculator.compute(app, new Observed(List.of(), deployment(1, TRUE), null,
        MonitoringState.AVAILABLE, AdapterRuleState.failed(AdapterRuleState.ERROR, "timeout"), Map.of()), T0);
    assertProgress(adapterApiError, TRUE, FALSE, "AdapterRuleNotSynced");
  }

  @Test
  void invalidSpecIsStalledNotReconciling() {
    var s = StatusCalculator.compute(app, new Observed(List.of("spec.x is bad"), deployment(2, TRUE), null,
        MonitoringState.NOT_RECONCILED, AdapterRuleState.failed(AdapterRuleState.NOT_RUN, "skipped"), Map.of()), T0);
    assertProgress(s, FALSE, TRUE, INVALID_SPEC);
    assertThat(cond(s, STALLED).getMessage()).isEqualTo("spec.x is bad");
  }

  @Test
  void whatOnlyAnAdminCanFixIsStalled() {
    var crd = StatusCalculator.compute(app, new Observed(List.of(), deployment(1, TRUE), null,
        MonitoringState.CRD_MISSING, AdapterRuleState.ok("served"), Map.of()), T0);
    assertProgress(crd, FALSE, TRUE, SERVICE_MONITOR_CRD_MISSING);
    assertThat(cond(crd, STALLED).getMessage()).contains("ServiceMonitor CRD is not installed");
    for (String reason : List.of(AdapterRuleState.NOT_CONFIGURED, AdapterRuleState.CONFIG_NOT_FOUND,
        AdapterRuleState.CONFIG_INVALID, AdapterRuleState.RULE_LIMIT, AdapterRuleState.CONFIG_TOO_LARGE,
        AdapterRuleState.CONFIG_REJECTED, AdapterRuleState.DEPLOYMENT_NOT_FOUND)) {
      var s = StatusCalculator.compute(app, new Observed(List.of(), deployment(1, TRUE), null,
          MonitoringState.AVAILABLE, AdapterRuleState.failed(reason, "why: " + reason), Map.of()), T0);
      assertProgress(s, FALSE, TRUE, reason);
      assertThat(cond(s, STALLED).getMessage()).isEqualTo("why: " + reason);
    }
  }

  @Test
  void readyAppWhoseOldPodsAreStillBeingReplacedIsReconciling() {
    Deployment rolling = deployment(3, TRUE);
    rolling.getStatus().setReplicas(4);
    rolling.getStatus().setUpdatedReplicas(1);
    var s = StatusCalculator.compute(app, new Observed(List.of(), rolling, healthy().hpa(),
        MonitoringState.AVAILABLE, AdapterRuleState.ok("served"), Map.of()), T0);
    assertThat(cond(s, READY).getStatus()).isEqualTo(TRUE);
    assertProgress(s, TRUE, FALSE, ROLLING_OUT);
    assertThat(cond(s, RECONCILING).getMessage()).isEqualTo("1/4 pods run the current pod template.");
  }

  @Test
  void rolloutPastItsProgressDeadlineIsStalled() {
    Deployment stuck = deployment(0, FALSE);
    stuck.getStatus().getConditions().add(new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder()
        .withType("Progressing").withStatus(FALSE).withReason(PROGRESS_DEADLINE_EXCEEDED)
        .withMessage("ReplicaSet \"x\" has timed out progressing.").build());
    var s = StatusCalculator.compute(app, new Observed(List.of(), stuck, null, MonitoringState.AVAILABLE,
        AdapterRuleState.ok("served"), Map.of()), T0);
    assertProgress(s, FALSE, TRUE, PROGRESS_DEADLINE_EXCEEDED);
    assertThat(cond(s, STALLED).getMessage()).isEqualTo("ReplicaSet \"x\" has timed out progressing.");
  }

  /** The observation of a reconcile that planned the scaling from the given HPA at the given time. */
  private Observed planned(HorizontalPodAutoscaler hpa, Instant now) {
    return new Observed(List.of(), deployment(2, TRUE), hpa, MonitoringState.AVAILABLE, AdapterRuleState.ok("served"),
        Map.of(), ScalingPlan.decide(app, deployment(2, TRUE), hpa, now), KedaState.NOT_USED);
  }

  private static HorizontalPodAutoscaler metricLostAt(Instant since) {
    var h = hpa(2, null, FALSE, "FailedGetPodsMetric");
    h.getStatus().getConditions().forEach(c -> c.setLastTransitionTime(since.toString()));
    return h;
  }

  @Test
  void metricLossUnderHoldSaysHoldingAndKeepsTheLastValue() {
    var before = StatusCalculator.compute(app, planned(hpa(2, "25m", TRUE, "ValidMetricFound"), T0), T0);
    assertThat(before.getScalingMode()).isEqualTo(MODE_AUTO);
    assertThat(cond(before, FALLBACK).getReason()).isEqualTo(METRIC_AVAILABLE);
    assertThat(cond(before, PAUSED).getReason()).isEqualTo(NOT_PAUSED);
    assertThat(before.getMetric().getLastValue()).isEqualTo("25m");
    assertThat(before.getMetric().getLastSeenTime()).isEqualTo(T0.toString());
    assertThat(before.getMetric().getMissingSince()).isNull();
    app.setStatus(before);
    assertThat(StatusCalculator.compute(app, planned(hpa(2, "25m", TRUE, "ValidMetricFound"), T1), T1))
        .as("an unchanged value changes nothing (no status churn)").isEqualTo(before);

    Instant lost = T0.plusSeconds(60);
    var s = StatusCalculator.compute(app, planned(metricLostAt(lost), T1), T1);
    assertThat(s.getScalingMode()).isEqualTo(MODE_HOLDING);
    assertThat(cond(s, FALLBACK).getStatus()).isEqualTo(FALSE);
    assertThat(cond(s, FALLBACK).getReason()).isEqualTo(HOLDING);
    assertThat(s.getMetric().getLastValue()).isEqualTo("25m");
    assertThat(s.getMetric().getMissingSince()).isEqualTo(lost.toString());
    assertThat(s.getMetric().getLastSeenTime()).isEqualTo(lost.toString());
    assertThat(cond(s, READY).getStatus()).as("the app itself still serves").isEqualTo(TRUE);
  }

  @Test
  void fallbackIsPendingThenInForceAndNamedInStatus() {
    var loss = app.getSpec().getScaling().getOnMetricLoss();
    loss.setPolicy(dev.scaleddemo.operator.api.v1alpha1.OnMetricLossSpec.Policy.Fallback);
    loss.setFallbackReplicas(4);
    loss.setAfter("2m");
    var pending = StatusCalculator.compute(app, planned(metricLostAt(T0), T0.plusSeconds(60)), T0.plusSeconds(60));
    assertThat(cond(pending, FALLBACK).getReason()).isEqualTo(FALLBACK_PENDING);
    assertThat(pending.getScalingMode()).isEqualTo(MODE_HOLDING);
    var s = StatusCalculator.compute(app, planned(metricLostAt(T0), T1), T1);
    assertThat(cond(s, FALLBACK).getStatus()).isEqualTo(TRUE);
    assertThat(cond(s, FALLBACK).getReason()).isEqualTo(METRIC_MISSING);
    assertThat(cond(s, FALLBACK).getMessage()).contains("at least 4 replicas");
    assertThat(s.getScalingMode()).isEqualTo(MODE_FALLBACK);
  }

  @Test
  void pausedAppSaysPausedWithItsCount() {
    app.getMetadata().setAnnotations(Map.of(dev.scaleddemo.operator.api.v1alpha1.Annotations.PAUSED_REPLICAS, "3"));
    var s = StatusCalculator.compute(app, planned(hpa(3, "25m", TRUE, "ValidMetricFound"), T0), T0);
    assertThat(s.getScalingMode()).isEqualTo(MODE_PAUSED);
    assertThat(s.getPausedReplicas()).isEqualTo(3);
    assertThat(cond(s, PAUSED).getStatus()).isEqualTo(TRUE);
    assertThat(cond(s, PAUSED).getReason()).isEqualTo(PAUSED_BY_ANNOTATION);
    assertThat(cond(s, FALLBACK).getReason()).isEqualTo(SUSPENDED_BY_PAUSE);
    assertThat(cond(s, READY).getStatus()).isEqualTo(TRUE);
    assertProgress(s, FALSE, FALSE, CONVERGED);
  }

  @Test
  void unreadablePauseAnnotationIsNotReadyAndStalledNamingTheAnnotation() {
    app.getMetadata().setAnnotations(Map.of(dev.scaleddemo.operator.api.v1alpha1.Annotations.PAUSED, "yes"));
    var s = StatusCalculator.compute(app, planned(hpa(3, "25m", TRUE, "ValidMetricFound"), T0), T0);
    assertThat(cond(s, READY).getStatus()).isEqualTo(FALSE);
    assertThat(cond(s, READY).getReason()).isEqualTo(INVALID_PAUSE_ANNOTATION);
    assertThat(cond(s, READY).getMessage()).contains(dev.scaleddemo.operator.api.v1alpha1.Annotations.PAUSED);
    assertThat(s.getScalingMode()).isEqualTo(MODE_AUTO);
    assertProgress(s, FALSE, TRUE, INVALID_PAUSE_ANNOTATION);
  }
}
