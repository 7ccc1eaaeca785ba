package dev.scaleddemo.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The sampler's failures: what the "stays at N" and "present throughout" checks rely on to be able to fail. Counted
 * in samples, not in time: on a loaded machine a 10 ms tick may take far longer.
 */
class SamplerTest {
  private static final Duration TICK = Duration.ofMillis(10);
  /** A window the dip always falls into, however slow the samples come; the failure ends it early. */
  private static final Duration LONG = Duration.ofMinutes(1);

  @Test
  void holdsFailsOnADipThatRecovers() {
    AtomicInteger n = new AtomicInteger();
    // 3, 3, 2, 3, 3, ...: Awaitility's during() would pass this once the dip is over
    assertThatThrownBy(() -> Sampler.holds("replicas", LONG, TICK,
        () -> n.incrementAndGet() == 3 ? 2 : 3, 3)).hasMessageContaining("sample 3").hasMessageContaining("was 2");
    AtomicInteger calls = new AtomicInteger();
    int samples = Sampler.holds("replicas", Duration.ofMillis(100), TICK, () -> calls.incrementAndGet() > 0 ? 3 : 0, 3);
    assertThat(samples).as("samples taken through the window").isPositive().isEqualTo(calls.get());
  }

  @Test
  void watcherReportsGapsAndFailedSamples() throws Exception {
    AtomicInteger n = new AtomicInteger();
    Sampler s = Sampler.watch("rules", TICK, () -> switch (n.incrementAndGet()) {
      case 2 -> List.of("x missing");
      case 4 -> throw new IllegalStateException("ConfigMap gone");
      default -> List.of();
    });
    awaitSamples(s, 5);
    assertThatThrownBy(() -> s.stopAndAssert(1)).hasMessageContaining("2 violations")
        .hasMessageContaining("x missing").hasMessageContaining("ConfigMap gone");
  }

  @Test
  void watcherThatDiedOrSampledTooLittleFails() throws Exception {
    Sampler dead = Sampler.watch("rules", TICK, () -> {
      throw new StackOverflowError("boom");
    });
    Awaitility.await().atMost(LONG).until(() -> !dead.alive());
    assertThatThrownBy(() -> dead.stopAndAssert(0)).hasMessageContaining("stopped before the end");
    Sampler slow = Sampler.watch("rules", Duration.ofSeconds(5), List::of);
    assertThatThrownBy(() -> slow.stopAndAssert(3)).hasMessageContaining("samples, expected at least 3");
    Sampler fine = Sampler.watch("rules", TICK, List::of);
    awaitSamples(fine, 3);
    fine.stopAndAssert(3);
  }

  private static void awaitSamples(Sampler s, int samples) {
    Awaitility.await().atMost(LONG).until(() -> s.samples() >= samples);
  }
}
