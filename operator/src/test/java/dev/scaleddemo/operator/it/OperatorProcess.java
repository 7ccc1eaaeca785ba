package dev.scaleddemo.operator.it;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * The packaged operator ({@code quarkus-app/quarkus-run.jar}) as a separate process, the way a cluster runs it:
 * authenticated as the {@code scaled-demo-operator} ServiceAccount with exactly the RBAC that the build generated
 * ({@code target/kubernetes/kubernetes.yml}), so these tests also prove that RBAC is enough. Tests that stop,
 * restart, kill or replace the operator use this instead of the in-process one.
 */
public final class OperatorProcess implements AutoCloseable {
  public static final String NAMESPACE = "scaled-demo-system";
  public static final String SERVICE_ACCOUNT = "scaled-demo-operator";
  /** The user name that the API server's audit log records for the operator's requests. */
  public static final String USER = "system:serviceaccount:" + NAMESPACE + ":" + SERVICE_ACCOUNT;
  private static final Set<String> RBAC_KINDS = Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding",
      "Role", "RoleBinding");

  private final String name;
  private final Process process;
  private final Path log;

  OperatorProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code appDir/quarkus-run.jar} against {@code cluster} and waits until Quarkus reports it started.
   *
   * @param properties extra {@code -D} properties (e.g. a short max reconciliation interval)
   */
  public static OperatorProcess start(LocalCluster cluster, String name, Map<String, String> properties) {
    // the copy made at package time: @QuarkusTest classes re-augment target/quarkus-app with the test profile
    return start(cluster, name, cluster.root().resolve("operator/target/packaged-operator"),
        cluster.root().resolve("operator/target/kubernetes/kubernetes.yml"), properties);
  }

  /** Same, for another build of the operator (e.g. the previous release) with that build's RBAC. */
  public static OperatorProcess start(LocalCluster cluster, String name, Path appDir, Path kubernetesYml,
      Map<String, String> properties) {
    try {
      return start(cluster, name, appDir, serviceAccountKubeconfig(cluster, kubernetesYml), NAMESPACE, Map.of(),
          properties);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the operator " + name, e);
    }
  }

  /**
   * The packaged operator as a replica of an install runs it: authenticated by {@code kubeconfig} (e.g. a token of
   * the chart's ServiceAccount), in {@code namespace} (the Deployment's downward API), with the install's
   * environment ({@code env}, e.g. the chart's {@code app.envs}).
   */
  public static OperatorProcess start(LocalCluster cluster, String name, Path kubeconfig, String namespace,
      Map<String, String> env, Map<String, String> properties) {
    return start(cluster, name, cluster.root().resolve("operator/target/packaged-operator"), kubeconfig, namespace,
        env, properties);
  }

  private static OperatorProcess start(LocalCluster cluster, String name, Path appDir, Path kubeconfig,
      String namespace, Map<String, String> env, Map<String, String> properties) {
    Path jar = appDir.resolve("quarkus-run.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " missing: run the package phase first");
    }
    try {
      Path logDir = cluster.workDir().resolve("operator-logs");
      Files.createDirectories(logDir);
      Path log = logDir.resolve(name + "-" + System.currentTimeMillis() + ".log");
      List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC"));
      Map<String, String> props = new LinkedHashMap<>();
      props.put("quarkus.http.port", "0");
      props.put("quarkus.log.category.\"dev.scaleddemo\".level", "DEBUG");
      props.putAll(properties);
      props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
      cmd.add("-jar");
      cmd.add(jar.toString());
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      pb.environment().put("HOSTNAME", name); // the leader-election identity, the pod name in a cluster
      pb.environment().put("KUBERNETES_NAMESPACE", namespace); // as the Deployment's downward API sets it
      pb.environment().putAll(env);
      OperatorProcess op = new OperatorProcess(name, pb.start(), log);
      op.awaitStarted(Duration.ofSeconds(90));
      return op;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the operator " + name, e);
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private void awaitStarted(Duration timeout) {
    try {
      Wait.await("operator " + name + " started", timeout)
          .failFast("operator " + name + " exited", () -> !process.isAlive())
          .until(() -> log().contains(" started in "));
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      String exit = process.isAlive() ? "" : " (exit " + process.exitValue() + ")";
      stop();
      throw new IllegalStateException(e.getMessage() + exit + ":\n" + log(), e);
    }
  }

  /** Everything the process logged so far. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** The last {@code lines} lines of the log, for failure messages. */
  public String logTail(int lines) {
    List<String> all = log().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** The readiness probe answers 200. */
  public boolean ready() {
    try {
      return http("/q/health/ready").code() == 200;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  /** SIGTERM, and whether the process exited within {@code timeout}. */
  public boolean terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * How many reconciles of ScaledDemoApps whose namespace/name starts with {@code prefix} this process logged (the
   * reconciler's DEBUG line, enabled for every process started here).
   */
  public long reconciles(String prefix) {
    return log().lines().filter(l -> l.contains("Reconciled " + prefix)).count();
  }

  /**
   * When this process logged each reconcile counted by {@link #reconciles}: the timestamps of Quarkus' default
   * console format ({@code yyyy-MM-dd HH:mm:ss,SSS}, local time, as {@link LocalDateTime#now()} in the tests).
   */
  public List<LocalDateTime> reconcileTimes(String prefix) {
    return log().lines().filter(l -> l.contains("Reconciled " + prefix))
        .map(l -> LocalDateTime.parse(l.substring(0, 23), LOG_TIME)).toList();
  }

  private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

  /**
   * GET {@code path} (e.g. {@code /q/health/live}) on the operator's HTTP port, read from its startup log; returns
   * the status code and body.
   */
  public LocalCluster.Result http(String path) {
    Matcher port = Pattern.compile("Listening on: http://[^:]+:([0-9]+)").matcher(log());
    if (!port.find()) {
      throw new IllegalStateException("operator " + name + " logged no HTTP port:\n" + log());
    }
    try {
      var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port.group(1) + path)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new LocalCluster.Result(response.statusCode(), response.body(), "");
    } catch (IOException e) {
      throw new IllegalStateException("GET " + path + " on operator " + name + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String name() {
    return name;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, then wait for a graceful exit (as a rolling update or {@code kubectl delete pod} does). */
  public void stop() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** SIGKILL: no shutdown hook runs, the leader lease is not released (a crashed node or OOM kill). */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Installs the generated ServiceAccount and RBAC and returns a kubeconfig with a token of that ServiceAccount.
   */
  static synchronized Path serviceAccountKubeconfig(LocalCluster cluster, Path generated) throws IOException {
    if (!Files.isRegularFile(generated)) {
      throw new IllegalStateException(generated + " missing: run the package phase first");
    }
    cluster.kubectlStdin(LocalCluster.namespaceYaml(NAMESPACE), "apply", "-f", "-");
    Object parsed = Serialization.unmarshal(Files.readString(generated));
    List<HasMetadata> items = parsed instanceof io.fabric8.kubernetes.api.model.KubernetesList list
        ? list.getItems() : parsed instanceof List<?> l ? l.stream().map(HasMetadata.class::cast).toList()
        : List.of((HasMetadata) parsed);
    StringBuilder rbac = new StringBuilder();
    for (HasMetadata item : items) {
      if (RBAC_KINDS.contains(item.getKind())) {
        rbac.append("---\n").append(Serialization.asYaml(item).replaceFirst("^---\n", ""));
      }
    }
    cluster.kubectlStdin(rbac.toString(), "apply", "--server-side", "--force-conflicts", "-f", "-");
    return cluster.serviceAccountKubeconfig(NAMESPACE, SERVICE_ACCOUNT,
        cluster.workDir().resolve("operator-kubeconfig-" + Integer.toHexString(generated.hashCode())));
  }
}
