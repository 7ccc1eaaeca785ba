package dev.scaleddemo.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.api.v1alpha1.MetricStatus;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppStatus;
import dev.scaleddemo.operator.reconciler.StatusEvents.Event;
import dev.scaleddemo.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusEventsTest {
  private static ScaledDemoAppStatus status(String mode, String paused, String fallback, String missingSince) {
    var s = new ScaledDemoAppStatus();
    s.setScalingMode(mode);
    s.setTargetClicksPerSecondPerPod("100m");
    s.setCurrentClicksPerSecondPerPod(missingSince == null ? "250m" : null);
    s.setDesiredReplicas(1);
    s.setConditions(new ArrayList<>(List.of(
        new ConditionBuilder().withType(Conditions.PAUSED).withStatus(paused).withReason("r").withMessage("paused msg")
            .build(),
        new ConditionBuilder().withType(Conditions.FALLBACK).withStatus(fallback).withReason("r")
            .withMessage("fallback msg").build())));
    if (missingSince != null) {
      var m = new MetricStatus();
      m.setMissingSince(missingSince);
      s.setMetric(m);
    }
    return s;
  }

  private static HorizontalPodAutoscaler scaled(int from, int to, String at) {
    return new HorizontalPodAutoscalerBuilder().withNewStatus().withCurrentReplicas(from).withDesiredReplicas(to)
        .withLastScaleTime(at).endStatus().build();
  }

  private static List<String> reasons(List<Event> events) {
    return events.stream().map(Event::reason).toList();
  }

  @Test
  void oneRescaleEventPerLastScaleTimeWithFromToAndWhy() {
    var before = status(Conditions.MODE_AUTO, "False", "False", null);
    var after = status(Conditions.MODE_AUTO, "False", "False", null);
    var events = StatusEvents.derive(before, after, scaled(1, 3, "2026-12-01T10:00:00Z"));
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.reason()).isEqualTo(StatusEvents.RESCALED);
      assertThat(e.note()).contains("from 1 to 3").contains("250m").contains("100m");
    });
    after.setLastScaleTime("2026-12-01T10:00:00Z");
    assertThat(StatusEvents.derive(after, after, scaled(3, 3, "2026-12-01T10:00:00Z"))).as("no duplicate").isEmpty();
  }

  @Test
  void missedIntermediateStateTakesFromThePreviousDesiredCount() {
    var before = status(Conditions.MODE_AUTO, "False", "False", null);
    before.setDesiredReplicas(2);
    var events = StatusEvents.derive(before, status(Conditions.MODE_AUTO, "False", "False", null),
        scaled(5, 5, "2026-12-01T10:00:00Z"));
    assertThat(events).singleElement().extracting(Event::note).asString().contains("from 2 to 5");
  }

  @Test
  void operatorTransitionsEachGiveOneEvent() {
    var auto = status(Conditions.MODE_AUTO, "False", "False", null);
    var holding = status(Conditions.MODE_HOLDING, "False", "False", "2026-12-01T10:00:00Z");
    var fallback = status(Conditions.MODE_FALLBACK, "False", "True", "2026-12-01T10:00:00Z");
    var paused = status(Conditions.MODE_PAUSED, "True", "False", null);
    paused.setPausedReplicas(2);
    assertThat(reasons(StatusEvents.derive(auto, holding, null))).containsExactly(StatusEvents.METRIC_LOST);
    assertThat(reasons(StatusEvents.derive(holding, fallback, null))).containsExactly(StatusEvents.FALLBACK_ENTERED);
    assertThat(reasons(StatusEvents.derive(fallback, fallback, null))).isEmpty();
    assertThat(reasons(StatusEvents.derive(fallback, auto, null)))
        .containsExactly(StatusEvents.METRIC_BACK, StatusEvents.FALLBACK_RELEASED);
    assertThat(reasons(StatusEvents.derive(auto, paused, null))).containsExactly(StatusEvents.PAUSED);
    assertThat(reasons(StatusEvents.derive(paused, auto, null))).containsExactly(StatusEvents.RESUMED);
  }

  /** A new app waiting for its pods gets no Warning; one that cannot progress does, and every later change. */
  @Test
  void aNewAppWaitingForItsPodsIsNoNews() {
    var waiting = ready(Conditions.FALSE, Conditions.DEPLOYMENT_UNAVAILABLE);
    assertThat(StatusEvents.derive(null, waiting, null)).isEmpty();
    assertThat(reasons(StatusEvents.derive(waiting, ready(Conditions.TRUE, "Ready"), null))).containsExactly("ReadyTrue");
    assertThat(reasons(StatusEvents.derive(null, ready(Conditions.FALSE, "MonitoringUnavailable"), null)))
        .containsExactly("ReadyFalse");
    assertThat(reasons(StatusEvents.derive(ready(Conditions.TRUE, "Ready"), waiting, null)))
        .containsExactly("ReadyFalse");
  }

  private static ScaledDemoAppStatus ready(String status, String reason) {
    var s = new ScaledDemoAppStatus();
    s.setConditions(List.of(new ConditionBuilder().withType(Conditions.READY).withStatus(status).withReason(reason)
        .withMessage("m").build()));
    return s;
  }

  @Test
  void budgetAllowsABurstThenOnePerRefill() {
    var budget = new EventBudget(3, Duration.ofSeconds(30));
    Instant t = Instant.parse("2026-12-01T10:00:00Z");
    assertThat(List.of(budget.allow("a", t), budget.allow("a", t), budget.allow("a", t), budget.allow("a", t)))
        .containsExactly(true, true, true, false);
    assertThat(budget.allow("b", t)).as("per app").isTrue();
    assertThat(budget.allow("a", t.plusSeconds(29))).isFalse();
    assertThat(budget.allow("a", t.plusSeconds(31))).isTrue();
  }
}
