package dev.scaleddemo.operator.status;

import static dev.scaleddemo.operator.status.Conditions.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppStatus;
import dev.scaleddemo.operator.keda.ScaledObject;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status of an app on the Keda backend: KEDA's conditions mirrored, the figures from KEDA's HPA. */
class KedaStatusTest {
  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  private final ScaledDemoApp app = TestApps.sample("keda-demo-app.yaml");

  static ScaledObject scaledObject(String ready, String active, String fallback, String paused, Integer pausedAt) {
    var so = new ScaledObject();
    so.setStatus(new ScaledObject.Status(List.of(kedaCondition("Ready", ready, "ScaledObjectReady"),
        kedaCondition("Active", active, "ScalerActive"), kedaCondition("Fallback", fallback, "NoFallbackFound"),
        kedaCondition("Paused", paused, "ScaledObjectUnpaused")), "keda-hpa-keda-demo-app", pausedAt));
    return so;
  }

  static Condition kedaCondition(String type, String status, String reason) {
    return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(type + " " + status)
        .build();
  }

  /** KEDA's HPA: its one External metric, AverageValue. */
  static HorizontalPodAutoscaler kedaHpa(int desired, String current) {
    return new HorizontalPodAutoscalerBuilder().withNewStatus().withDesiredReplicas(desired).withCurrentReplicas(2)
        .addNewCondition().withType(SCALING_ACTIVE).withStatus(TRUE).withReason("ValidMetricFound").withMessage("ok")
        .endCondition()
        .addNewCurrentMetric().withType("External").withNewExternal().withNewMetric().withName("s0-clicks")
        .endMetric().withNewCurrent().withAverageValue(new Quantity(current)).endCurrent().endExternal()
        .endCurrentMetric().endStatus().build();
  }

  private Observed observed(KedaState keda, HorizontalPodAutoscaler hpa) {
    return new Observed(List.of(), StatusCalculatorTest.deployment(2, TRUE), hpa, MonitoringState.AVAILABLE,
        AdapterRuleState.failed(AdapterRuleState.NOT_RUN, "not run"), Map.of(), null, keda);
  }

  private static Condition cond(ScaledDemoAppStatus s, String type) {
    return StatusCalculator.condition(s, type).orElseThrow();
  }

  @Test
  void readyScaledObjectMakesTheAppReadyWithTheFiguresOfKedasHpa() {
    var so = scaledObject(TRUE, TRUE, FALSE, FALSE, null);
    var s = StatusCalculator.compute(app, observed(new KedaState(KedaState.Phase.APPLIED, so), kedaHpa(3, "8333m")), T0);
    assertThat(cond(s, READY).getStatus()).isEqualTo(TRUE);
    assertThat(s.getDesiredReplicas()).isEqualTo(3);
    assertThat(s.getCurrentClicksPerSecondPerPod()).isEqualTo("8333m");
    assertThat(s.getScalingMode()).isEqualTo(MODE_AUTO);
    assertThat(cond(s, SCALED_OBJECT_READY).getReason()).isEqualTo("ScaledObjectReady");
    assertThat(cond(s, SCALED_OBJECT_ACTIVE).getStatus()).isEqualTo(TRUE);
    assertThat(cond(s, FALLBACK).getStatus()).isEqualTo(FALSE);
    assertThat(cond(s, PAUSED).getStatus()).isEqualTo(FALSE);
    assertThat(s.getConditions()).extracting(Condition::getType).doesNotContain(ADAPTER_RULE_SYNCED)
        .contains(SCALING_ACTIVE);
  }

  /** status.metric means the same as on the adapter backend: KEDA's HPA's last value, when seen, since when lost. */
  @Test
  void metricLastValueComesFromKedasHpaAndItsLossIsDated() {
    var so = scaledObject(TRUE, TRUE, FALSE, FALSE, null);
    var seen = StatusCalculator.compute(app, observed(new KedaState(KedaState.Phase.APPLIED, so), kedaHpa(3, "8333m")), T0);
    assertThat(seen.getMetric()).as("status.metric").isNotNull();
    assertThat(seen.getMetric().getLastValue()).isEqualTo("8333m");
    assertThat(seen.getMetric().getLastSeenTime()).isEqualTo(T0.toString());
    assertThat(seen.getMetric().getMissingSince()).isNull();
    app.setStatus(seen);
    assertThat(StatusCalculator.compute(app, observed(new KedaState(KedaState.Phase.APPLIED, so), kedaHpa(3, "8333m")),
        T0.plusSeconds(30))).as("an unchanged value changes nothing (no status churn)").isEqualTo(seen);

    Instant lost = T0.plusSeconds(60);
    var hpa = kedaHpa(3, "0");
    hpa.getStatus().setCurrentMetrics(null);
    hpa.getStatus().getConditions().forEach(c -> {
      c.setStatus(FALSE);
      c.setReason("FailedGetExternalMetric");
      c.setLastTransitionTime(lost.toString());
    });
    var missing = StatusCalculator.compute(app, observed(new KedaState(KedaState.Phase.APPLIED, so), hpa),
        T0.plusSeconds(90));
    assertThat(missing.getMetric().getLastValue()).isEqualTo("8333m");
    assertThat(missing.getMetric().getMissingSince()).isEqualTo(lost.toString());
    assertThat(missing.getMetric().getLastSeenTime()).isEqualTo(lost.toString());
  }

  @Test
  void kedasFallbackAndPauseShowInTheModeAndConditions() {
    var fallback = StatusCalculator.compute(app, observed(new KedaState(KedaState.Phase.APPLIED,
        scaledObject(TRUE, FALSE, TRUE, FALSE, null)), kedaHpa(3, "0")), T0);
    assertThat(fallback.getScalingMode()).isEqualTo(MODE_FALLBACK);
    assertThat(cond(fallback, FALLBACK).getMessage()).isEqualTo("Fallback True");

    var paused = StatusCalculator.compute(app, observed(new KedaState(KedaState.Phase.APPLIED,
        scaledObject(TRUE, FALSE, FALSE, TRUE, 2)), null), T0);
    assertThat(paused.getScalingMode()).isEqualTo(MODE_PAUSED);
    assertThat(paused.getPausedReplicas()).isEqualTo(2);
  }

  @Test
  void scaledObjectKedaHasNotReportedOnIsNotReadyButNotStalled() {
    var s = StatusCalculator.compute(app, observed(new KedaState(KedaState.Phase.APPLIED, new ScaledObject()), null), T0);
    assertThat(cond(s, READY).getStatus()).isEqualTo(FALSE);
    assertThat(cond(s, READY).getReason()).isEqualTo(SCALED_OBJECT_NOT_READY);
    assertThat(cond(s, SCALED_OBJECT_ACTIVE).getStatus()).isEqualTo(UNKNOWN);
    assertThat(cond(s, STALLED).getStatus()).isEqualTo(FALSE);
    assertThat(cond(s, RECONCILING).getStatus()).isEqualTo(TRUE);
  }

  @Test
  void missingKedaCrdIsStalledWithWhy() {
    var s = StatusCalculator.compute(app, observed(new KedaState(KedaState.Phase.CRD_MISSING, null), null), T0);
    assertThat(cond(s, READY).getReason()).isEqualTo(KEDA_CRD_MISSING);
    assertThat(cond(s, SCALED_OBJECT_READY).getMessage()).contains("keda.sh/v1alpha1 ScaledObject CRD");
    assertThat(cond(s, STALLED).getStatus()).isEqualTo(TRUE);
    assertThat(cond(s, STALLED).getReason()).isEqualTo(KEDA_CRD_MISSING);
  }

  @Test
  void handoverIsNotReadyAndNotStalled() {
    var s = StatusCalculator.compute(app, observed(new KedaState(KedaState.Phase.HANDOVER, null), null), T0);
    assertThat(cond(s, READY).getReason()).isEqualTo(AUTOSCALER_HANDOVER);
    assertThat(cond(s, STALLED).getStatus()).isEqualTo(FALSE);
  }
}
