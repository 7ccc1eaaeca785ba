package dev.scaleddemo.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.api.v1alpha1.OnMetricLossSpec;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehaviorBuilder;
import java.util.Map;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecValidatorTest {
  private final ScaledDemoAppSpec spec = TestApps.sample("prometheus-demo-app.yaml").getSpec();

  @Test
  void samplesAreValid() {
    assertThat(SpecValidator.validate(spec)).isEmpty();
    assertThat(SpecValidator.validate(TestApps.sample("custom-behavior-demo-app.yaml").getSpec())).isEmpty();
    assertThat(SpecValidator.validate(new ScaledDemoAppSpec())).as("all defaults").isEmpty();
  }

  @Test
  void minAboveMaxNamesBothFields() {
    spec.getScaling().setMinReplicas(5);
    spec.getScaling().setMaxReplicas(2);
    assertThat(SpecValidator.validate(spec)).singleElement().asString()
        .contains("spec.scaling.minReplicas").contains("spec.scaling.maxReplicas");
  }

  @Test
  void targetMustBePositive() {
    for (String bad : new String[] {"0", "0m", "abc", "-1"}) {
      spec.getScaling().setTargetClicksPerSecondPerPod(bad);
      assertThat(SpecValidator.validate(spec)).as(bad).singleElement().asString()
          .contains("spec.scaling.targetClicksPerSecondPerPod");
    }
  }

  @Test
  void windowMustCoverFourScrapes() {
    spec.getScaling().setRateWindow("59s");
    assertThat(SpecValidator.validate(spec)).singleElement().asString().contains("spec.scaling.rateWindow")
        .contains("four times spec.monitoring.interval");
    spec.getScaling().setRateWindow("1m");
    assertThat(SpecValidator.validate(spec)).isEmpty();
  }

  @Test
  void durationsParseLikePrometheusInUnitOrder() {
    assertThat(SpecValidator.duration("1h2m3s")).isEqualTo(Duration.ofSeconds(3723));
    assertThat(SpecValidator.duration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(SpecValidator.duration("1m30s500ms")).isEqualTo(Duration.ofMillis(90_500));
    assertThat(SpecValidator.duration("120s")).isEqualTo(SpecValidator.duration("2m"));
    for (String bad : new String[] {"2d", "", "30s1m", "1m1m", "5", "1.5m", "999999h"}) {
      assertThat(SpecValidator.duration(bad)).as(bad).isNull();
    }
  }

  /** What an older CRD let in: each is reported naming its field, and the validator never throws. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "interval   | 0s          | spec.monitoring.interval",
      "interval   | 2h          | spec.monitoring.interval",
      "window     | 30s1m       | spec.scaling.rateWindow",
      "window     | 4ms         | spec.scaling.rateWindow",
      "window     | 99999h      | spec.scaling.rateWindow",
      "cpu        | abc         | spec.resources.requests.cpu",
      "cpu        | -1          | spec.resources.requests.cpu",
      "counter    | x_created_total | spec.metric.counter",
      "counter    | x_total_total   | spec.metric.counter",
      "counter    | __x_total       | spec.metric.counter",
      "host       | 10.0.0.1    | spec.ingress.host",
      "path       | /a//b       | spec.ingress.path",
      "path       | /x/..       | spec.ingress.path",
      "label      | a b         | spec.monitoring.serviceMonitorLabels",
      "window-up  | 3601        | spec.scaling.behavior.scaleUp.stabilizationWindowSeconds",
  })
  void looserCrdInputIsReportedNamingTheField(String what, String value, String field) {
    switch (what) {
      case "interval" -> spec.getMonitoring().setInterval(value);
      case "window" -> spec.getScaling().setRateWindow(value);
      case "cpu" -> spec.setResources(new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity(value, null))
          .build());
      case "counter" -> spec.getMetric().setCounter(value);
      case "host" -> spec.getIngress().setHost(value);
      case "path" -> spec.getIngress().setPath(value);
      case "label" -> spec.getMonitoring().setServiceMonitorLabels(Map.of("release", value));
      case "window-up" -> spec.getScaling().setBehavior(new HorizontalPodAutoscalerBehaviorBuilder().withNewScaleUp()
          .withStabilizationWindowSeconds(Integer.parseInt(value)).endScaleUp().build());
      default -> throw new IllegalArgumentException(what);
    }
    assertThat(SpecValidator.validate(spec)).as(what + "=" + value).isNotEmpty()
        .anySatisfy(p -> assertThat(p).contains(field));
  }

  @Test
  void namesNoChildCanCarryAreReported() {
    for (String bad : new String[] {"demo.app", "a".repeat(64), "1app", "app-"}) {
      ScaledDemoApp app = TestApps.minimal(bad);
      assertThat(SpecValidator.validate(app)).as(bad).singleElement().asString().startsWith("metadata.name");
    }
    assertThat(SpecValidator.validate(TestApps.minimal("a".repeat(63)))).isEmpty();
  }

  @Test
  void requestsAboveLimitsAreReported() {
    spec.setResources(new ResourceRequirementsBuilder().addToRequests("memory", new Quantity("256Mi"))
        .addToLimits("memory", new Quantity("128Mi")).build());
    assertThat(SpecValidator.validate(spec)).singleElement().asString().contains("spec.resources.requests.memory");
  }

  @Test
  void fallbackNeedsAReplicaCountWithinMax() {
    var loss = spec.getScaling().getOnMetricLoss();
    assertThat(loss.getPolicy()).as("default").isEqualTo(OnMetricLossSpec.Policy.Hold);
    loss.setPolicy(OnMetricLossSpec.Policy.Fallback);
    assertThat(SpecValidator.validate(spec)).singleElement().asString()
        .contains("spec.scaling.onMetricLoss.fallbackReplicas is required");
    spec.getScaling().setMaxReplicas(4);
    loss.setFallbackReplicas(5);
    assertThat(SpecValidator.validate(spec)).singleElement().asString()
        .contains("spec.scaling.onMetricLoss.fallbackReplicas (5)").contains("spec.scaling.maxReplicas (4)");
    loss.setFallbackReplicas(0);
    assertThat(SpecValidator.validate(spec)).singleElement().asString()
        .contains("spec.scaling.onMetricLoss.fallbackReplicas (0) must be from 1");
    loss.setFallbackReplicas(4);
    assertThat(SpecValidator.validate(spec)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"29s, false", "30s, true", "2m, true", "24h, true", "24h1ms, false", "1m1m, false", "2d, false"})
  void fallbackDelayIsADurationFrom30sTo24h(String after, boolean valid) {
    spec.getScaling().getOnMetricLoss().setAfter(after);
    if (valid) {
      assertThat(SpecValidator.validate(spec)).as(after).isEmpty();
    } else {
      assertThat(SpecValidator.validate(spec)).as(after).singleElement().asString()
          .contains("spec.scaling.onMetricLoss.after");
    }
  }

  @Test
  void aMissingMetricLossSectionIsHold() {
    spec.getScaling().setOnMetricLoss(null);
    assertThat(SpecValidator.validate(spec)).isEmpty();
  }
}
