package dev.scaleddemo.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.api.v1alpha1.Annotations;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecOrPauseChangedTest {
  private final SpecOrPauseChanged filter = new SpecOrPauseChanged();

  private static ScaledDemoApp app(long generation, Map<String, String> annotations) {
    ScaledDemoApp app = TestApps.sample("prometheus-demo-app.yaml");
    app.getMetadata().setGeneration(generation);
    app.getMetadata().setAnnotations(annotations);
    return app;
  }

  @Test
  void aPauseAnnotationChangeTriggersAReconcileAStatusChangeDoesNot() {
    var before = app(3, Map.of("other", "x"));
    assertThat(filter.accept(app(3, Map.of("other", "x", Annotations.PAUSED, "true")), before)).isTrue();
    assertThat(filter.accept(app(3, Map.of(Annotations.PAUSED_REPLICAS, "2")), app(3, Map.of()))).isTrue();
    assertThat(filter.accept(app(3, Map.of()), app(3, Map.of(Annotations.PAUSED, "true")))).as("resume").isTrue();
    assertThat(filter.accept(app(4, Map.of("other", "x")), before)).as("spec").isTrue();
    var statusOnly = app(3, Map.of("other", "y"));
    statusOnly.setStatus(new ScaledDemoAppStatus());
    assertThat(filter.accept(statusOnly, before)).as("status or other metadata").isFalse();
  }
}
