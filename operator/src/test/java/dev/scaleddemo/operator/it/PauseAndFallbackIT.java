package dev.scaleddemo.operator.it;

import static dev.scaleddemo.operator.it.Apps.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.api.v1alpha1.Annotations;
import dev.scaleddemo.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pause, resume and the metric-loss policy with the packaged operator on the real control plane. This cluster runs
 * no Prometheus, so the real HPA controller cannot read any app's metric (ScalingActive=False, FailedGetPodsMetric):
 * a fallback applies once 'after' elapsed, and the HPA enforces the bounds the operator sets on kwok pods.
 */
class PauseAndFallbackIT {
  private static final Logger LOG = Logger.getLogger(PauseAndFallbackIT.class);
  static final String NS = "sdo-daytwo";
  /** The controller-manager syncs HPAs every 5 s here (hack/cluster.sh); a reconcile and a rollout on top. */
  static final Duration HPA_SLACK = Duration.ofSeconds(25);

  @RegisterExtension
  static final OperatorUnderTest sdo = OperatorUnderTest.process("daytwo").namespaces(NS);

  static HorizontalPodAutoscaler hpa(String name) {
    return sdo.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName(name).get();
  }

  static Deployment deployment(String name) {
    return sdo.client().apps().deployments().inNamespace(NS).withName(name).get();
  }

  static Object status(String name, String field) {
    var status = (Map<?, ?>) sdo.apps().app(name).get().getAdditionalProperties().get("status");
    return status == null ? null : status.get(field);
  }

  static String column(String name, String column) {
    return KubectlTable.firstRow(sdo.cluster().kubectl("-n", NS, "get", "sda", name)).get(column);
  }

  static void annotate(String name, String... annotations) {
    List<String> args = new java.util.ArrayList<>(List.of("-n", NS, "annotate", "--overwrite", "sda", name));
    args.addAll(List.of(annotations));
    sdo.cluster().kubectl(args.toArray(String[]::new));
  }

  static void awaitCondition(String name, String type, String status, String reason) {
    await(name + ": " + type + "=" + status + " " + reason)
        .until(() -> sdo.apps().hasCondition(name, type, status, reason));
  }

  static void awaitBounds(String name, int min, int max, int replicas) {
    await(name + ": HPA " + min + "/" + max + ", Deployment at " + replicas).until(() -> {
      var h = hpa(name);
      var d = deployment(name);
      return h.getSpec().getMinReplicas() == min && h.getSpec().getMaxReplicas() == max
          && d.getSpec().getReplicas() == replicas;
    });
  }

  static String describe(String name) {
    return sdo.cluster().kubectl("-n", NS, "describe", "sda", name);
  }

  @Test
  void fallbackAppliesAfterTheDelayWhileHoldKeepsTheReplicas() {
    sdo.apps().create("fallback", """
        spec:
          scaling:
            minReplicas: 1
            maxReplicas: 5
            onMetricLoss: {policy: Fallback, fallbackReplicas: 3, after: 30s}
        """);
    sdo.apps().create("hold", "spec:\n  scaling: {minReplicas: 1, maxReplicas: 5}\n");
    awaitCondition("fallback", Conditions.FALLBACK, Conditions.TRUE, Conditions.METRIC_MISSING);
    Instant missingSince = Instant.parse((String) ((Map<?, ?>) status("fallback", "metric")).get("missingSince"));
    awaitBounds("fallback", 3, 5, 3);
    Duration reached = Duration.between(missingSince, Instant.now());
    LOG.infof("fallback: 3 replicas %d s after the metric went missing (after: 30s)", reached.toSeconds());
    assertThat(reached).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(30).plus(HPA_SLACK));
    assertThat(status("fallback", "scalingMode")).isEqualTo(Conditions.MODE_FALLBACK);
    assertThat(column("fallback", "MODE")).isEqualTo("Fallback");
    String events = describe("fallback");
    assertThat(events).contains("MetricLost").contains("Rescaled from 1 to 3");
    assertThat(events.lines().filter(l -> l.contains("FallbackEntered"))).as("one event per transition").hasSize(1);
    assertThat(events.lines().filter(l -> l.contains("Rescaled from 1 to 3"))).as("one per lastScaleTime").hasSize(1);

    // Hold: the same outage, well past 30 s, changes nothing
    awaitCondition("hold", Conditions.FALLBACK, Conditions.FALSE, Conditions.HOLDING);
    assertThat(column("hold", "MODE")).isEqualTo("Holding");
    int samples = Sampler.holds("hold keeps 1 replica and the spec's bounds", Duration.ofSeconds(10),
        Duration.ofSeconds(1), () -> List.of(hpa("hold").getSpec().getMinReplicas(),
            deployment("hold").getSpec().getReplicas()), List.of(1, 1));
    LOG.infof("hold: unchanged in %d samples", samples);

    // pausing in fallback pins the current count; resuming falls back again
    annotate("fallback", Annotations.PAUSED + "=true");
    awaitCondition("fallback", Conditions.PAUSED, Conditions.TRUE, Conditions.PAUSED_BY_ANNOTATION);
    assertThat(status("fallback", "pausedReplicas")).isEqualTo(3);
    awaitBounds("fallback", 3, 3, 3);
    assertThat(sdo.apps().condition("fallback", Conditions.FALLBACK).get("reason"))
        .isEqualTo(Conditions.SUSPENDED_BY_PAUSE);
    annotate("fallback", Annotations.PAUSED + "-");
    awaitCondition("fallback", Conditions.FALLBACK, Conditions.TRUE, Conditions.METRIC_MISSING);
    awaitBounds("fallback", 3, 5, 3);
    assertThat(status("fallback", "pausedReplicas")).isNull();
  }

  @Test
  void pauseAtACountHoldsItRepairsChildrenRefusesGarbageAndResumes() {
    sdo.apps().create("paused", "spec:\n  scaling: {minReplicas: 2, maxReplicas: 6}\n");
    sdo.apps().awaitReady("paused");
    annotate("paused", Annotations.PAUSED_REPLICAS + "=4");
    awaitCondition("paused", Conditions.PAUSED, Conditions.TRUE, Conditions.PAUSED_BY_ANNOTATION);
    awaitBounds("paused", 4, 4, 4);
    assertThat(status("paused", "pausedReplicas")).isEqualTo(4);
    assertThat(column("paused", "MODE")).isEqualTo("Paused");
    sdo.apps().awaitReady("paused"); // a pause is no fault

    // a child deleted by hand while paused comes back paused
    sdo.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("paused").delete();
    await("HPA recreated").until(() -> { var h = hpa("paused"); return h != null && h.getMetadata().getDeletionTimestamp() == null; });
    awaitBounds("paused", 4, 4, 4);

    // an unreadable value: Ready=False naming the annotation, the pause in force stays
    annotate("paused", Annotations.PAUSED_REPLICAS + "=four");
    awaitCondition("paused", Conditions.READY, Conditions.FALSE, Conditions.INVALID_PAUSE_ANNOTATION);
    assertThat(sdo.apps().condition("paused", Conditions.READY).get("message").toString())
        .contains(Annotations.PAUSED_REPLICAS);
    int samples = Sampler.holds("the pause in force is kept", Duration.ofSeconds(6), Duration.ofSeconds(1),
        () -> List.of(hpa("paused").getSpec().getMinReplicas(), hpa("paused").getSpec().getMaxReplicas(),
            deployment("paused").getSpec().getReplicas()), List.of(4, 4, 4));
    LOG.infof("invalid annotation: unchanged in %d samples", samples);

    // pause at 0: the Deployment is scaled to 0 (an HPA never goes below 1) and back on resume
    annotate("paused", Annotations.PAUSED_REPLICAS + "=0");
    awaitCondition("paused", Conditions.PAUSED, Conditions.TRUE, Conditions.PAUSED_BY_ANNOTATION);
    await("Deployment at 0").until(() -> deployment("paused").getSpec().getReplicas() == 0);

    annotate("paused", Annotations.PAUSED_REPLICAS + "-");
    awaitCondition("paused", Conditions.PAUSED, Conditions.FALSE, Conditions.NOT_PAUSED);
    awaitBounds("paused", 2, 6, 2);
    assertThat(column("paused", "MODE")).isIn("Auto", "Holding");
    String events = describe("paused");
    LOG.infof("kubectl describe sda paused:%n%s", events);
    assertThat(events).contains("Paused").contains("Resumed").contains("InvalidPauseAnnotation")
        .containsPattern("Rescaled from [12] to 4 replicas .*: paused at 4 replicas");
  }
}
