package dev.scaleddemo.operator.reconciler;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per app for the events the operator records (client-go's EventRecorder limits the same way): a burst
 * of {@code burst} events, then one per {@code refill}. A flapping app cannot flood etcd with events.
 */
final class EventBudget {
  private record Bucket(double tokens, Instant at) {}

  private final int burst;
  private final Duration refill;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  EventBudget(int burst, Duration refill) {
    this.burst = burst;
    this.refill = refill;
  }

  /** Takes one token for the key if there is one. */
  boolean allow(String key, Instant now) {
    boolean[] allowed = {false};
    buckets.compute(key, (k, b) -> {
      double tokens = b == null ? burst : Math.min(burst,
          b.tokens() + (double) Duration.between(b.at(), now).toMillis() / refill.toMillis());
      allowed[0] = tokens >= 1;
      return new Bucket(allowed[0] ? tokens - 1 : tokens, now);
    });
    return allowed[0];
  }

  void forget(String key) {
    buckets.remove(key);
  }
}
