package dev.scaleddemo.operator.e2e;

import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.it.LocalCluster;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The metrics stack of {@code hack/e2e/stack.sh} (Prometheus, prometheus-adapter behind the custom metrics
 * APIService, KEDA's operator and metrics server behind the external metrics APIService, the pod runner with one
 * demo-app process per Running pod) around the {@link LocalCluster}. Built by
 * {@code hack/build-e2e.sh} on first use. Throws when it cannot start: the end-to-end tests fail, never skip.
 */
public final class E2EStack {
  private static final Logger LOG = Logger.getLogger(E2EStack.class);

  private final Path root = TestApps.root();
  private final Path state;
  private final LocalCluster cluster;
  private volatile boolean down;

  /** A demo-app process of the pod runner: the local port that serves one pod. */
  /**
   * The stack's Prometheus scrapes only ServiceMonitors with this label (its serviceMonitorSelector, as
   * kube-prometheus-stack's release label), so an app's {@code serviceMonitorLabels} decide whether it is scraped.
   */
  public static final String SERVICE_MONITOR_SELECTOR = "release=prometheus";

  /** System property with the port Prometheus is to listen on (see {@link PrometheusAddress}). */
  static final String PROMETHEUS_PORT_PROPERTY = "sdo.e2e.prometheus-port";

  /**
   * Chooses Prometheus' port before Quarkus boots, so the in-process operator can be configured with the address
   * KEDA's prometheus trigger queries ({@code scaleddemo.keda.prometheus-address}); {@link #up} starts Prometheus
   * there.
   */
  public static class PrometheusAddress implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
      try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        System.setProperty(PROMETHEUS_PORT_PROPERTY, Integer.toString(socket.getLocalPort()));
        return Map.of("scaleddemo.keda.prometheus-address", "http://127.0.0.1:" + socket.getLocalPort());
      } catch (IOException e) {
        throw new IllegalStateException("no free port for Prometheus", e);
      }
    }

    @Override
    public void stop() {}
  }

  public record PodProcess(String namespace, String pod, String app, int port, long pid, boolean serving) {}

  private E2EStack(LocalCluster cluster, Path state) {
    this.cluster = cluster;
    this.state = state;
  }

  public static E2EStack up(LocalCluster cluster) {
    E2EStack stack = new E2EStack(cluster, TestApps.root().resolve("operator/target/sdo-e2e"));
    long t0 = System.nanoTime();
    Result build = stack.run(Duration.ofMinutes(30), "bash", "hack/build-e2e.sh");
    if (build.code != 0) {
      throw new IllegalStateException("hack/build-e2e.sh failed (exit " + build.code + "):\n" + build.out);
    }
    LOG.infof("hack/build-e2e.sh took %d ms", Duration.ofNanos(System.nanoTime() - t0).toMillis());
    Result keda = stack.run(Duration.ofMinutes(40), "bash", "hack/build-keda.sh");
    if (keda.code != 0) {
      throw new IllegalStateException("hack/build-keda.sh failed (exit " + keda.code + "):\n" + keda.out);
    }
    stack.run(Duration.ofSeconds(60), "bash", "hack/e2e/stack.sh", "down"); // leftovers of an aborted run
    Result up = stack.run(Duration.ofMinutes(5), "bash", "hack/e2e/stack.sh", "up");
    if (up.code != 0) {
      stack.down();
      throw new IllegalStateException("hack/e2e/stack.sh up failed (exit " + up.code + "):\n" + up.out);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(stack::down, "e2e-stack-down"));
    LOG.infof("e2e stack up in %d ms (state %s)", Duration.ofNanos(System.nanoTime() - t0).toMillis(), stack.state);
    return stack;
  }

  public synchronized void down() {
    if (down) {
      return;
    }
    down = true;
    Result r = run(Duration.ofSeconds(90), "bash", "hack/e2e/stack.sh", "down");
    if (r.code != 0) {
      System.err.println("hack/e2e/stack.sh down failed:\n" + r.out);
    }
  }

  public void stopPrometheus() {
    control("stop-prometheus");
  }

  public void startPrometheus() {
    control("start-prometheus");
  }

  public void stopAdapter() {
    control("stop-adapter");
  }

  public void startAdapter() {
    control("start-adapter");
  }

  private void control(String command) {
    Result r = run(Duration.ofSeconds(90), "bash", "hack/e2e/stack.sh", command);
    if (r.code != 0) {
      throw new IllegalStateException("hack/e2e/stack.sh " + command + " failed:\n" + r.out);
    }
  }

  /** The demo-app processes of one app, from the pod runner's state file. */
  public List<PodProcess> pods(String namespace, String app) {
    List<PodProcess> result = new ArrayList<>();
    try {
      Path f = state.resolve("pods.tsv");
      if (!Files.exists(f)) {
        return result;
      }
      for (String line : Files.readAllLines(f)) {
        if (line.startsWith("#") || line.isBlank()) continue;
        String[] c = line.split("\t");
        if (c.length >= 6 && c[0].equals(namespace) && c[2].equals(app)) {
          result.add(new PodProcess(c[0], c[1], c[2], Integer.parseInt(c[3]), Long.parseLong(c[4]), "1".equals(c[5])));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return result;
  }

  public Map<String, String> adapterState() {
    Map<String, String> m = new LinkedHashMap<>();
    try {
      Path f = state.resolve("adapter.state");
      if (Files.exists(f)) {
        for (String line : Files.readAllLines(f)) {
          int i = line.indexOf('=');
          if (i > 0) m.put(line.substring(0, i), line.substring(i + 1));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return m;
  }

  /** Prometheus' base URL (its port from {@code $E2E_STATE/ports}). */
  public String prometheusUrl() {
    try {
      for (String line : Files.readAllLines(state.resolve("ports"))) {
        if (line.startsWith("PROM_PORT=")) return "http://127.0.0.1:" + line.substring("PROM_PORT=".length()).trim();
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    throw new IllegalStateException("no PROM_PORT in " + state.resolve("ports"));
  }

  public String adapterConfig() {
    try {
      return Files.readString(state.resolve("adapter/config.yaml"));
    } catch (IOException e) {
      return "";
    }
  }

  public String log(String name) {
    try {
      String s = Files.readString(state.resolve("logs/" + name + ".log"));
      return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
    } catch (IOException e) {
      return "(no " + name + " log)";
    }
  }

  private record Result(int code, String out) {}

  private Result run(Duration timeout, String... cmd) {
    Map<String, String> env = new HashMap<>(Map.of("KUBECONFIG", cluster.kubeconfig().toString(),
        "KUBECTL", cluster.kubectlBinary().toString(), "E2E_STATE", state.toString(),
        "E2E_SERVICE_MONITOR_SELECTOR", SERVICE_MONITOR_SELECTOR,
        "E2E_KEDA", "1")); // KEDA's operator and metrics server, for the Keda backend
    String promPort = System.getProperty(PROMETHEUS_PORT_PROPERTY);
    if (promPort != null) {
      env.put("E2E_PROM_PORT", promPort);
    }
    LocalCluster.Result r = LocalCluster.exec(root, env, timeout, null, cmd);
    LOG.debugf("%s:%n%s", String.join(" ", cmd), r.output());
    return new Result(r.code(), r.output());
  }
}
