package dev.scaleddemo.operator.it;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class SdaAssertTest {

  private static ScaledDemoApp app(long generation, Long observed, Condition... conditions) {
    var app = new ScaledDemoApp();
    app.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName("a").withGeneration(generation).build());
    var status = new ScaledDemoAppStatus();
    status.setObservedGeneration(observed);
    status.setConditions(List.of(conditions));
    app.setStatus(status);
    return app;
  }

  private static Condition condition(String type, String status, String reason) {
    return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage("m").build();
  }

  @Test
  void passesOnWhatTheAppSays() {
    SdaAssert.assertThat(app(2, 2L, condition("Ready", "True", "Ready"), condition("SpecValid", "True", "Valid")))
        .isReady().hasObservedCurrentGeneration().hasCondition("SpecValid", "True", "Valid");
  }

  @Test
  void failsNamingTheAppAndWhatItSays() {
    assertThatThrownBy(() -> SdaAssert.assertThat(app(2, 1L, condition("Ready", "True", "Ready")))
        .hasObservedCurrentGeneration()).hasMessageContaining("ns/a").hasMessageContaining("observed 1");
    assertThatThrownBy(() -> SdaAssert.assertThat(app(1, 1L, condition("Ready", "False", "InvalidSpec"))).isReady())
        .hasMessageContaining("Ready=True").hasMessageContaining("InvalidSpec");
    assertThatThrownBy(() -> SdaAssert.assertThat(app(1, 1L, condition("SpecValid", "True", "Valid"),
        condition("Ready", "True", "Ready"))).isReady()).hasMessageContaining("Ready first");
    assertThatThrownBy(() -> SdaAssert.assertThat(app(1, 1L, condition("Ready", "True", "Ready")))
        .hasCondition("Ready", "True", "Other")).hasMessageContaining("reason Other");
  }
}
