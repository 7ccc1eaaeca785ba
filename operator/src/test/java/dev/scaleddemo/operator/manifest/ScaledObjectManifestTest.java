package dev.scaleddemo.operator.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.api.v1alpha1.OnMetricLossSpec;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.config.OperatorSettings.KedaSettings;
import dev.scaleddemo.operator.keda.ScaledObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ScaledObject builder against literal expected values. */
class ScaledObjectManifestTest {
  private static final KedaSettings KEDA = new KedaSettings("http://prom.example:9090", Duration.ofSeconds(20));
  private final ScaledDemoApp app = TestApps.sample("keda-demo-app.yaml");

  @Test
  void scalesTheDeploymentOnThePrometheusRateWithTheSamePerPodTarget() {
    var so = ScaledObjectManifest.build(app, KEDA);
    assertThat(so.getApiVersion()).isEqualTo("keda.sh/v1alpha1");
    assertThat(so.getKind()).isEqualTo("ScaledObject");
    assertThat(so.getMetadata().getName()).isEqualTo("keda-demo-app");
    assertThat(so.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getUid()).isEqualTo(app.getMetadata().getUid());
      assertThat(o.getController()).isTrue();
    });
    var spec = so.getSpec();
    assertThat(spec.scaleTargetRef().apiVersion()).isEqualTo("apps/v1");
    assertThat(spec.scaleTargetRef().kind()).isEqualTo("Deployment");
    assertThat(spec.scaleTargetRef().name()).isEqualTo("keda-demo-app");
    assertThat(spec.minReplicaCount()).isEqualTo(1);
    assertThat(spec.maxReplicaCount()).isEqualTo(8);
    assertThat(spec.pollingInterval()).isEqualTo(20);
    // the sample's onMetricLoss: Fallback to 2 after 1m, i.e. after 3 failed polls of 20 s
    assertThat(spec.fallback()).isEqualTo(new ScaledObject.Fallback(3, 2, "currentReplicasIfHigher"));
    assertThat(spec.triggers()).singleElement().satisfies(t -> {
      assertThat(t.type()).isEqualTo("prometheus");
      // AverageValue: the HPA divides the sum over the pods by the replicas, as the Pods metric of the adapter
      assertThat(t.metricType()).isEqualTo("AverageValue");
      assertThat(t.metadata()).containsEntry("serverAddress", "http://prom.example:9090")
          .containsEntry("query",
              "sum(rate(demo_app_button_clicks_total{namespace=\"demo\",service=\"keda-demo-app\"}[2m]))")
          .containsEntry("threshold", "0.01")
          .containsEntry("ignoreNullValues", "false");
    });
    assertThat(spec.advanced().horizontalPodAutoscalerConfig().behavior().getScaleDown()
        .getStabilizationWindowSeconds()).isEqualTo(60);
  }

  @Test
  void followsTheCounterWindowAndTarget() {
    app.getSpec().getMetric().setCounter("orders_total");
    app.getSpec().getScaling().setRateWindow("90s");
    app.getSpec().getScaling().setTargetClicksPerSecondPerPod("1500m");
    app.getSpec().getScaling().setBehavior(null);
    var so = ScaledObjectManifest.build(app, KEDA);
    assertThat(so.getSpec().triggers().get(0).metadata())
        .containsEntry("query", "sum(rate(orders_total{namespace=\"demo\",service=\"keda-demo-app\"}[1m30s]))")
        .containsEntry("threshold", "1.5");
    assertThat(so.getSpec().advanced()).as("no behavior: KEDA's defaults").isNull();
  }

  @Test
  void onMetricLossFallbackBecomesKedasFallbackCountedInPolls() {
    var loss = app.getSpec().getScaling().getOnMetricLoss();
    loss.setPolicy(OnMetricLossSpec.Policy.Fallback);
    loss.setFallbackReplicas(4);
    loss.setAfter("1m30s");
    var fallback = ScaledObjectManifest.build(app, KEDA).getSpec().fallback();
    // 90 s of failed polls every 20 s: 5 polls (rounded up)
    assertThat(fallback.failureThreshold()).isEqualTo(5);
    assertThat(fallback.replicas()).isEqualTo(4);
    assertThat(fallback.behavior()).isEqualTo("currentReplicasIfHigher");

    loss.setPolicy(OnMetricLossSpec.Policy.Hold);
    assertThat(ScaledObjectManifest.build(app, KEDA).getSpec().fallback()).as("Hold: no fallback").isNull();
  }

  @Test
  void pauseAnnotationsBecomeKedasAnnotations() {
    assertThat(ScaledObjectManifest.build(app, KEDA).getMetadata().getAnnotations()).isEmpty();
    app.getMetadata().setAnnotations(Map.of("scaleddemo.dev/paused", "true"));
    assertThat(ScaledObjectManifest.build(app, KEDA).getMetadata().getAnnotations())
        .isEqualTo(Map.of("autoscaling.keda.sh/paused", "true"));
    app.getMetadata().setAnnotations(Map.of("scaleddemo.dev/paused", "false"));
    assertThat(ScaledObjectManifest.build(app, KEDA).getMetadata().getAnnotations()).isEmpty();
    app.getMetadata().setAnnotations(Map.of("scaleddemo.dev/paused", "true", "scaleddemo.dev/paused-replicas", "0"));
    assertThat(ScaledObjectManifest.build(app, KEDA).getMetadata().getAnnotations())
        .as("paused-replicas wins").isEqualTo(Map.of("autoscaling.keda.sh/paused-replicas", "0"));
    app.getMetadata().setAnnotations(Map.of("scaleddemo.dev/paused-replicas", "three"));
    assertThat(ScaledObjectManifest.build(app, KEDA).getMetadata().getAnnotations())
        .as("unreadable: hold the current replicas").isEqualTo(Map.of("autoscaling.keda.sh/paused", "true"));
    app.getMetadata().setAnnotations(Map.of("scaleddemo.dev/paused-replicas", "1001"));
    assertThat(ScaledObjectManifest.build(app, KEDA).getMetadata().getAnnotations())
        .isEqualTo(Map.of("autoscaling.keda.sh/paused", "true"));
  }

  @Test
  void thresholdIsThePlainDecimalOfTheQuantity() {
    assertThat(ScaledObjectManifest.decimal("10m")).isEqualTo("0.01");
    assertThat(ScaledObjectManifest.decimal("2")).isEqualTo("2");
    assertThat(ScaledObjectManifest.decimal("2k")).isEqualTo("2000");
    assertThat(ScaledObjectManifest.decimal("0.250")).isEqualTo("0.25");
  }
}
