package dev.scaleddemo.operator.it;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The fixture of an integration test class that runs the packaged operator as a process ({@link OperatorProcess}):
 * the cluster, an admin client, the test namespaces and the operator(s) under test. Before the class it creates the
 * namespaces (and, for {@link #process}, starts the operator); after it, it stops every operator it started (the
 * last started first) and then closes the client; the cluster ends with the JVM (one per class). When a test or a
 * lifecycle method fails, the tail of each operator's log is attached to the failure.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final OperatorUnderTest sdo = OperatorUnderTest.process("gitops").namespaces(NS);
 * }</pre>
 */
public final class OperatorUnderTest implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback, TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
  static final int LOG_TAIL_LINES = 60;

  /** How long the operators that {@link #start} starts live. */
  private enum Scope { CLASS, TEST }

  private final String startedBeforeAll; // null: the tests start the operators
  private final Scope scope;
  private final Map<String, String> properties = new LinkedHashMap<>();
  private List<String> namespaces = List.of();
  private final Deque<OperatorProcess> forClass = new ArrayDeque<>();
  private final Deque<OperatorProcess> forTest = new ArrayDeque<>();
  private boolean inTest;
  private LocalCluster cluster;
  private KubernetesClient client;
  private OperatorProcess operator;

  private OperatorUnderTest(String startedBeforeAll, Scope scope) {
    this.startedBeforeAll = startedBeforeAll;
    this.scope = scope;
  }

  /** One operator process named {@code name}, started before the first test and stopped after the last. */
  public static OperatorUnderTest process(String name) {
    return new OperatorUnderTest(name, Scope.CLASS);
  }

  /** No operator up front: the tests {@link #start} them when they need them; all are stopped after the class. */
  public static OperatorUnderTest startedByTests() {
    return new OperatorUnderTest(null, Scope.CLASS);
  }

  /**
   * No operator up front: each test {@link #start}s its replicas, which are stopped when that test ends (passed or
   * not), so one test's leftover replicas never compete with the next test's.
   */
  public static OperatorUnderTest replicasPerTest() {
    return new OperatorUnderTest(null, Scope.TEST);
  }

  /** The namespaces created before the tests; {@link #apps()} is the first one's. */
  public OperatorUnderTest namespaces(String... names) {
    namespaces = List.of(names);
    return this;
  }

  /** A {@code -D} property for every operator started here (e.g. a shorter max reconciliation interval). */
  public OperatorUnderTest property(String key, String value) {
    properties.put(key, value);
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster = LocalCluster.get();
    client = cluster.newClient();
    namespaces.forEach(cluster::createNamespace);
    if (startedBeforeAll != null) {
      start(startedBeforeAll);
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    inTest = true;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    inTest = false;
    stopAll(forTest);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stopAll(forTest);
    stopAll(forClass);
    if (client != null) {
      client.close();
    }
  }

  private static void stopAll(Deque<OperatorProcess> operators) {
    while (!operators.isEmpty()) {
      operators.pop().stop();
    }
  }

  /** Starts the packaged operator as {@code name} with this fixture's properties; it becomes {@link #operator()}. */
  public OperatorProcess start(String name) {
    return track(() -> OperatorProcess.start(cluster, name, properties));
  }

  /** Same, for another build of the operator (e.g. the previous release) with that build's RBAC. */
  public OperatorProcess start(String name, Path appDir, Path kubernetesYml) {
    return track(() -> OperatorProcess.start(cluster, name, appDir, kubernetesYml, properties));
  }

  /** Stops the current operator (SIGTERM, graceful) and starts another as {@code name}. */
  public OperatorProcess restart(String name) {
    if (operator != null) {
      operator.stop();
    }
    return start(name);
  }

  private OperatorProcess track(Supplier<OperatorProcess> starter) {
    OperatorProcess started = starter.get();
    (scope == Scope.TEST && inTest ? forTest : forClass).push(started);
    operator = started;
    return started;
  }

  public LocalCluster cluster() {
    return cluster;
  }

  public KubernetesClient client() {
    return client;
  }

  /** The operator started last. */
  public OperatorProcess operator() {
    return operator;
  }

  /** The apps of the first namespace. */
  public Apps apps() {
    return apps(namespaces.get(0));
  }

  public Apps apps(String namespace) {
    return new Apps(client, namespace);
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    throw withLogs(failure);
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw withLogs(failure);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw withLogs(failure);
  }

  @Override
  public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw withLogs(failure);
  }

  @Override
  public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw withLogs(failure);
  }

  /** The failure, with the log tail of every operator still tracked attached as suppressed exceptions. */
  private Throwable withLogs(Throwable failure) {
    for (Deque<OperatorProcess> operators : List.of(forTest, forClass)) {
      for (OperatorProcess op : operators) {
        failure.addSuppressed(new OperatorLog(op));
      }
    }
    return failure;
  }

  /** An operator's last log lines, shown with a failure (no stack trace of its own: it is not where it failed). */
  static final class OperatorLog extends RuntimeException {
    OperatorLog(OperatorProcess op) {
      super("operator " + op.name() + (op.isAlive() ? "" : " (exited)") + ", last " + LOG_TAIL_LINES
          + " log lines:\n" + op.logTail(LOG_TAIL_LINES), null, false, false);
    }
  }
}
