package dev.scaleddemo.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The sampler's failures: what the "stays at N" and "present throughout" checks rely on to be able to fail. */
class SamplerTest {
  private static final Duration TICK = Duration.ofMillis(10);

  @Test
  void holdsFailsOnADipThatRecovers() {
    AtomicInteger n = new AtomicInteger();
    // 3, 3, 2, 3, 3, ...: Awaitility's during() would pass this once the dip is over
    assertThatThrownBy(() -> Sampler.holds("replicas", Duration.ofMillis(200), TICK,
        () -> n.incrementAndGet() == 3 ? 2 : 3, 3)).hasMessageContaining("sample 3").hasMessageContaining("was 2");
    assertThat(Sampler.holds("replicas", Duration.ofMillis(100), TICK, () -> 3, 3)).isGreaterThanOrEqualTo(5);
  }

  @Test
  void watcherReportsGapsAndFailedSamples() throws Exception {
    AtomicInteger n = new AtomicInteger();
    Sampler s = Sampler.watch("rules", TICK, () -> switch (n.incrementAndGet()) {
      case 2 -> List.of("x missing");
      case 4 -> throw new IllegalStateException("ConfigMap gone");
      default -> List.of();
    });
    Thread.sleep(200);
    assertThatThrownBy(() -> s.stopAndAssert(1)).hasMessageContaining("2 violations")
        .hasMessageContaining("x missing").hasMessageContaining("ConfigMap gone");
  }

  @Test
  void watcherThatDiedOrSampledTooLittleFails() throws Exception {
    Sampler dead = Sampler.watch("rules", TICK, () -> {
      throw new StackOverflowError("boom");
    });
    Thread.sleep(100);
    assertThatThrownBy(() -> dead.stopAndAssert(0)).hasMessageContaining("stopped before the end");
    Sampler slow = Sampler.watch("rules", Duration.ofSeconds(5), List::of);
    assertThatThrownBy(() -> slow.stopAndAssert(3)).hasMessageContaining("samples, expected at least 3");
    Sampler fine = Sampler.watch("rules", TICK, List::of);
    Thread.sleep(100);
    fine.stopAndAssert(3);
  }
}
