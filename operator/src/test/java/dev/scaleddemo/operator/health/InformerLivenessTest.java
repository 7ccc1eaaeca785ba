package dev.scaleddemo.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.Status;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InformerLivenessTest {
  private record Informer(boolean isRunning) implements InformerHealthIndicator {
    public boolean hasSynced() { return isRunning; }
    public boolean isWatching() { return isRunning; }
    public Status getStatus() { return isRunning ? Status.HEALTHY : Status.UNHEALTHY; }
    public String getTargetNamespace() { return null; }
  }

  @Test
  void anInformerThatRanAndStoppedFailsLivenessOneThatNeverRanDoesNot() {
    Set<String> seen = new HashSet<>();
    // a standby replica: nothing started yet
    assertThat(InformerLiveness.stopped(Map.of("c/apps/all", new Informer(false)), seen)).isEmpty();
    assertThat(InformerLiveness.stopped(Map.of("c/apps/all", new Informer(true),
        "c/deployments/all", new Informer(true)), seen)).isEmpty();
    assertThat(InformerLiveness.stopped(Map.of("c/apps/all", new Informer(false),
        "c/deployments/all", new Informer(true)), seen)).containsExactly("c/apps/all");
  }
}
