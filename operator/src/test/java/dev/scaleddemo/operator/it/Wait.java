package dev.scaleddemo.operator.it;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * The one wait policy of the integration tests: poll every half second, up to {@link #TIMEOUT} unless a step says
 * how long it may take, and treat an exception while polling (an object not there yet, a kubectl that failed) as
 * "not yet". The timeout names what was awaited.
 */
public final class Wait {
  public static final Duration TIMEOUT = Duration.ofSeconds(90);
  public static final Duration POLL = Duration.ofMillis(500);

  private Wait() {}

  public static ConditionFactory await(String what) {
    return await(what, TIMEOUT);
  }

  public static ConditionFactory await(String what, Duration atMost) {
    return Awaitility.await(what).atMost(atMost).pollInterval(POLL).ignoreExceptions();
  }
}
