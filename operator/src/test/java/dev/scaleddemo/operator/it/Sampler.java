package dev.scaleddemo.operator.it;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Negative claims checked by sampling: "stays at N" fails on the first deviation (unlike Awaitility's
 * {@code during()}, which starts over after a violation, so a dip that recovers passes), and a background watcher
 * counts its samples, records every violation and every failed sample, and is itself checked to have kept running.
 */
public final class Sampler implements AutoCloseable {
  private final String what;
  private final Thread thread;
  private final AtomicInteger samples = new AtomicInteger();
  private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
  private final AtomicReference<Throwable> died = new AtomicReference<>();
  private volatile boolean running = true;

  private Sampler(String what, Duration interval, Callable<List<String>> check) {
    this.what = what;
    this.thread = new Thread(() -> {
      try {
        while (running) {
          try {
            check.call().forEach(v -> violations.add(v + " at " + Instant.now()));
          } catch (Exception e) {
            if (!running) {
              break; // interrupted by close()
            }
            violations.add("sample failed at " + Instant.now() + ": " + e);
          }
          samples.incrementAndGet();
          Thread.sleep(interval.toMillis());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Throwable t) {
        died.set(t);
      }
    }, "sampler: " + what);
    thread.setDaemon(true);
  }

  /**
   * Starts calling {@code check} every {@code interval} on its own thread; {@code check} returns the violations it
   * saw (empty when all is well). A sample that throws counts as a violation.
   */
  public static Sampler watch(String what, Duration interval, Callable<List<String>> check) {
    Sampler s = new Sampler(what, interval, check);
    s.thread.start();
    return s;
  }

  public int samples() {
    return samples.get();
  }

  /** Whether the watcher still samples. */
  public boolean alive() {
    return thread.isAlive();
  }

  public List<String> violations() {
    return List.copyOf(violations);
  }

  /** Stops the watcher and waits for it. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops the watcher, then fails when it died before it was stopped, took fewer than {@code minSamples} samples,
   * or saw a violation.
   */
  public void stopAndAssert(int minSamples) {
    boolean aliveUntilStopped = thread.isAlive();
    close();
    if (!aliveUntilStopped || died.get() != null) {
      throw new AssertionError(what + ": the watcher stopped before the end after " + samples() + " samples",
          died.get());
    }
    if (samples() < minSamples) {
      throw new AssertionError(what + ": only " + samples() + " samples, expected at least " + minSamples);
    }
    if (!violations.isEmpty()) {
      throw new AssertionError(what + ": " + violations.size() + " violations in " + samples() + " samples: "
          + violations());
    }
  }

  /**
   * Samples {@code value} every {@code interval} for {@code window} and fails at the first sample that differs
   * from {@code expected} (or throws). Returns the number of samples taken.
   */
  public static <T> int holds(String what, Duration window, Duration interval, Callable<T> value, T expected) {
    long end = System.nanoTime() + window.toNanos();
    int n = 0;
    do {
      T actual;
      try {
        actual = value.call();
      } catch (Exception e) {
        throw new AssertionError(what + ": sample " + (n + 1) + " failed", e);
      }
      n++;
      if (!Objects.equals(actual, expected)) {
        throw new AssertionError(what + ": sample " + n + " at " + Instant.now() + " was " + actual + ", expected "
            + expected + " throughout " + window);
      }
      sleep(interval.toMillis());
    } while (System.nanoTime() < end);
    return n;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
