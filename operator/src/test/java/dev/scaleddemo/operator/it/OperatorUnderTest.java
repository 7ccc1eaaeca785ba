package dev.scaleddemo.operator.it;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The fixture of an integration test class that runs the packaged operator as a process ({@link OperatorProcess}):
 * the cluster, an admin client, the test namespaces and the operator(s) under test. Before the class it creates the
 * namespaces (and, for {@link #process}, starts the operator); after it, it stops every operator it started (the
 * last started first) and then closes the client; the cluster ends with the JVM (one per class). When a test fails,
 * the tail of each operator's log is attached to the failure.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final OperatorUnderTest sdo = OperatorUnderTest.process("gitops").namespaces(NS);
 * }</pre>
 */
public final class OperatorUnderTest implements BeforeAllCallback, AfterAllCallback, AfterEachCallback,
    TestExecutionExceptionHandler {
  static final int LOG_TAIL_LINES = 60;

  private final String startedBeforeAll; // null: the tests start the operators
  private final boolean stopAfterEachTest;
  private final Map<String, String> properties = new LinkedHashMap<>();
  private List<String> namespaces = List.of();
  private final Deque<OperatorProcess> started = new ArrayDeque<>();
  private LocalCluster cluster;
  private KubernetesClient client;
  private OperatorProcess operator;

  private OperatorUnderTest(String startedBeforeAll, boolean stopAfterEachTest) {
    this.startedBeforeAll = startedBeforeAll;
    this.stopAfterEachTest = stopAfterEachTest;
  }

  /** One operator process named {@code name}, started before the first test and stopped after the last. */
  public static OperatorUnderTest process(String name) {
    return new OperatorUnderTest(name, false);
  }

  /** No operator up front: the tests {@link #start} them when they need them; all are stopped after the class. */
  public static OperatorUnderTest startedByTests() {
    return new OperatorUnderTest(null, false);
  }

  /**
   * No operator up front: each test {@link #start}s its replicas, which are stopped when that test ends (passed or
   * not), so one test's leftover replicas never compete with the next test's.
   */
  public static OperatorUnderTest replicasPerTest() {
    return new OperatorUnderTest(null, true);
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
  public void afterEach(ExtensionContext context) {
    if (stopAfterEachTest) {
      stopAll();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stopAll();
    if (client != null) {
      client.close();
    }
  }

  private void stopAll() {
    while (!started.isEmpty()) {
      started.pop().stop();
    }
  }

  /** Starts the packaged operator as {@code name} with this fixture's properties; it becomes {@link #operator()}. */
  public OperatorProcess start(String name) {
    return track(OperatorProcess.start(cluster, name, properties));
  }

  /** Same, for another build of the operator (e.g. the previous release) with that build's RBAC. */
  public OperatorProcess start(String name, Path appDir, Path kubernetesYml) {
    return track(OperatorProcess.start(cluster, name, appDir, kubernetesYml, properties));
  }

  OperatorProcess track(OperatorProcess op) {
    started.push(op);
    operator = op;
    return op;
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

  /**
   * The shared wait policy, which fails at once when the operator started last has exited (a leader leaves when
   * the API server does not answer a lease renewal in time, as on a starved machine) instead of waiting out the bound.
   */
  public ConditionFactory await(String what) {
    OperatorProcess op = operator;
    return Wait.await(what).failFast("operator " + (op == null ? "" : op.name()) + " exited",
        () -> op != null && !op.isAlive());
  }

  /** The apps of the first namespace. */
  public Apps apps() {
    return apps(namespaces.get(0));
  }

  public Apps apps(String namespace) {
    return new Apps(client, namespace);
  }

  /** Attaches the log tail of every operator started and not yet cleaned up to the failure. */
  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    started.forEach(op -> failure.addSuppressed(new OperatorLog(op)));
    throw failure;
  }

  /** An operator's last log lines, shown with a failure (no stack trace of its own: it is not where it failed). */
  static final class OperatorLog extends RuntimeException {
    OperatorLog(OperatorProcess op) {
      super("operator " + op.name() + (op.isAlive() ? "" : " (exited)") + ", last " + LOG_TAIL_LINES
          + " log lines:\n" + op.logTail(LOG_TAIL_LINES), null, false, false);
    }
  }
}
