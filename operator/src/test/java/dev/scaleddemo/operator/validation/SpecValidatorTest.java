package dev.scaleddemo.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

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
  void durationsParseLikePrometheus() {
    assertThat(SpecValidator.duration("1h2m3s")).isEqualTo(Duration.ofSeconds(3723));
    assertThat(SpecValidator.duration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(SpecValidator.duration("2d")).isNull();
    assertThat(SpecValidator.duration("")).isNull();
  }

  @Test
  void requestsAboveLimitsAreReported() {
    spec.setResources(new ResourceRequirementsBuilder().addToRequests("memory", new Quantity("256Mi"))
        .addToLimits("memory", new Quantity("128Mi")).build());
    assertThat(SpecValidator.validate(spec)).singleElement().asString().contains("spec.resources.requests.memory");
  }
}
