package dev.scaleddemo.operator.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clicks at a fixed total rate, round-robin over the serving demo-app processes of one app (loopback only), as a
 * Service would spread the load over its pods. Bounded: it stops by itself after {@code maxDuration} (and so
 * after at most rate x maxDuration clicks).
 */
public final class ClickDriver implements AutoCloseable {
  private final E2EStack stack;
  private final String namespace;
  private final String app;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "click-driver");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Map<Integer, Sent> perProcess = new ConcurrentHashMap<>();
  private final AtomicInteger errors = new AtomicInteger();
  private final AtomicLong next = new AtomicLong();
  private volatile List<E2EStack.PodProcess> targets = List.of();
  private volatile long targetsRead;
  private volatile long firstClickNanos;

  private ClickDriver(E2EStack stack, String namespace, String app) {
    this.stack = stack;
    this.namespace = namespace;
    this.app = app;
  }

  public static ClickDriver start(E2EStack stack, String namespace, String app, double clicksPerSecond,
      Duration maxDuration) {
    ClickDriver d = new ClickDriver(stack, namespace, app);
    long periodNanos = (long) (1_000_000_000L / clicksPerSecond);
    d.timer.scheduleAtFixedRate(d::click, 0, periodNanos, TimeUnit.NANOSECONDS);
    d.timer.schedule(d::close, maxDuration.toMillis(), TimeUnit.MILLISECONDS);
    return d;
  }

  private void click() {
    long now = System.nanoTime();
    if (now - targetsRead > 300_000_000L) {
      targets = stack.pods(namespace, app).stream().filter(E2EStack.PodProcess::serving).toList();
      targetsRead = now;
    }
    List<E2EStack.PodProcess> t = targets;
    if (t.isEmpty()) {
      errors.incrementAndGet();
      return;
    }
    E2EStack.PodProcess p = t.get((int) (next.getAndIncrement() % t.size()));
    Sent sent = perProcess.computeIfAbsent(p.port(),
        port -> new Sent(p.pod(), new AtomicInteger(), new AtomicInteger()));
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.port() + "/click-button"))
          .timeout(Duration.ofSeconds(1)).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() == 200) {
        if (firstClickNanos == 0) firstClickNanos = System.nanoTime();
        sent.ok.incrementAndGet();
      } else {
        errors.incrementAndGet();
        sent.failed.incrementAndGet();
      }
    } catch (Exception e) {
      errors.incrementAndGet();
      sent.failed.incrementAndGet();
    }
  }

  /** Successful clicks per pod so far. */
  public Map<String, Integer> clicksPerPod() {
    Map<String, Integer> m = new java.util.TreeMap<>();
    perProcess.values().stream().filter(s -> s.ok().get() > 0)
        .forEach(s -> m.merge(s.pod(), s.ok().get(), Integer::sum));
    return m;
  }

  /**
   * Clicks sent to one demo-app process (its port): {@code ok} answered 200; {@code failed} did not, though the
   * app may have counted some of them (a timeout after the count).
   */
  public record Sent(String pod, AtomicInteger ok, AtomicInteger failed) {}

  /** Clicks per demo-app process, by its port (Prometheus' {@code instance} is 127.0.0.1:port). */
  public Map<Integer, Sent> clicksPerProcess() {
    return new java.util.TreeMap<>(perProcess);
  }

  public int errors() {
    return errors.get();
  }

  public long firstClickNanos() {
    return firstClickNanos;
  }

  /** Stops clicking; a click in flight completes, so the counts match what the app counted. */
  @Override
  public void close() {
    timer.shutdown();
    if (Thread.currentThread().getName().equals("click-driver")) {
      return; // the time limit, from the timer's own thread
    }
    try {
      if (!timer.awaitTermination(3, TimeUnit.SECONDS)) {
        timer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      timer.shutdownNow();
    }
  }

  /** Successful clicks in all. */
  public int clicks() {
    return perProcess.values().stream().mapToInt(s -> s.ok().get()).sum();
  }
}
