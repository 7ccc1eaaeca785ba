package dev.scaleddemo.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.cache.PrunedItemStore;
import dev.scaleddemo.operator.dependent.WorkflowConditions;
import dev.scaleddemo.operator.manifest.Labels;
import dev.scaleddemo.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CI-sized variant of {@code hack/bench/scale.sh}: 100 apps in 5 namespaces (one counter each) applied at
 * once to the packaged operator, a regression guard on what it costs the API server, counted in the audit log,
 * never on wall-clock time: writes and reads per app, 409 conflicts, adapter ConfigMap writes, reconciles per app,
 * no status patch that repeats the app's previous one, no write in steady state and none after a restart. While the
 * apps come up, a foreign client (a GitOps tool, a user's label) keeps annotating them: a status patch that carried
 * the reconciled copy's resourceVersion then failed with 409 for no reason.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleIT {
  static final int APPS = 100;
  static final int NAMESPACES = 5;
  static final String PREFIX = "sdo-scale-" + UUID.randomUUID().toString().substring(0, 6) + "-";
  /**
   * Writes per app the design needs (README "Scale"): the finalizer, one apply per child (Deployment, Service,
   * Ingress, ServiceMonitor, HPA, dashboard), the status when created and when Ready, and the Event for Ready (a new
   * app waiting for its pods is no Event). The shared adapter ConfigMap is counted apart.
   */
  static final int FINALIZER = 1;
  static final int CHILDREN = 6;
  static final int STATUS_PATCHES = 2;
  static final int EVENTS = 1;
  static final int DESIGN_MINIMUM = FINALIZER + CHILDREN + STATUS_PATCHES + EVENTS;
  /**
   * The HPA controller's first conditions after Ready: one more status patch and its Event; kwok's pods serve no
   * metrics, so here that report is ScalingActive=False, which is also the metric lost: a second Event (MetricLost).
   */
  static final int HPA_REPORT = 3;
  /** A status change the HPA or the Deployment makes in between costs one more status patch and Event now and then. */
  static final double WRITES_PER_APP_SLACK = 1.0;
  /**
   * Reconciles per app: one per event on it or its children that can change something, none for other apps' events
   * (no fan-out): its creation, its finalizer, its Deployment's first ready replica, the HPA's first report, the
   * adapter roll's recheck, and one for a child's watch event that overtook the reply to its own apply (JOSDK then
   * cannot tell it from a foreign change): 6. Events that come together are one reconcile: 4.2 seen.
   */
  static final double MAX_RECONCILES_PER_APP = 6;
  static final Duration QUIET = Duration.ofSeconds(10);
  static final Duration BURST_BOUND = Duration.ofMinutes(8);
  /** Threads of the foreign client annotating the apps while they come up. */
  static final int FOREIGN_WRITERS = 4;
  static final Duration STEADY_WINDOW = Duration.ofSeconds(20);

  @RegisterExtension
  static final OperatorUnderTest sdo = OperatorUnderTest.process("scale-a").namespaces(
      java.util.stream.IntStream.range(0, NAMESPACES).mapToObj(ScaleIT::namespace).toArray(String[]::new));
  static String namespace(int i) {
    return PREFIX + i;
  }

  static String appsYaml() {
    StringBuilder yaml = new StringBuilder();
    for (int k = 0; k < APPS; k++) {
      int ns = k % NAMESPACES;
      yaml.append("---\n").append(Apps.yaml("app-" + k, """
            namespace: %s
          spec:
            metric:
              counter: scale_ns%d_clicks_total
            ingress:
              host: app-%d.scale.example
          """.formatted(namespace(ns), ns, k)));
    }
    return yaml.toString();
  }

  // ------------------------------------------------------------------------------------------------ burst

  @Test
  @Order(1)
  void burstOfAppsCostsTheDesignMinimum() throws Exception {
    Instant start = Instant.now();
    ForeignAnnotator foreign = new ForeignAnnotator();
    try {
      sdo.cluster().kubectlStdin(appsYaml(), "apply", "--server-side", "-f", "-");
      // a bound for a hung operator, not a speed target: 100 apps took 2-5 minutes on 2 cores at load 20-30
      sdo.await(APPS + " apps Ready").atMost(BURST_BOUND).until(() -> readyApps() == APPS);
    } finally {
      foreign.close();
    }
    System.out.printf("foreign annotations after an operator write and before Ready: %d, on %d apps%n",
        foreign.landed.get(), foreign.interfered.size());
    assertThat(foreign.interfered).as("apps the foreign client annotated between the operator's first write"
        + " and Ready").hasSizeGreaterThanOrEqualTo(APPS / 2);
    awaitOperatorQuiet();

    List<JsonNode> requests = AuditLog.requests(sdo.cluster().auditLog(), OperatorProcess.USER, start);
    List<JsonNode> writes = filter(requests, AuditLog::isWrite);
    List<JsonNode> appWrites = filter(writes, e -> !adapterConfigMap(e) && !adapterDeployment(e));
    List<JsonNode> conflicts = filter(writes, e -> e.path("responseStatus").path("code").asInt() == 409);
    List<JsonNode> configMapWrites = filter(writes, ScaleIT::adapterConfigMap);
    List<JsonNode> gets = filter(requests, e -> "get".equals(verb(e)) && !crdCheck(e));
    long reconciles = sdo.operator().reconciles(PREFIX);
    System.out.printf("burst of %d apps: %d requests by the operator, %s; %d reconciles%n",
        APPS, requests.size(), summary(requests), reconciles);

    assertThat(conflicts.stream().map(AuditLog::describe).toList()).as("409 conflicts").isEmpty();
    assertThat(AuditLog.repeatedStatusWrites(writes)).as("status patches that repeat the app's previous one").isEmpty();
    assertThat((double) appWrites.size() / APPS).as("writes per app besides the adapter's (%s); design minimum %d",
        summary(appWrites), DESIGN_MINIMUM)
        .isBetween((double) DESIGN_MINIMUM, DESIGN_MINIMUM + HPA_REPORT + WRITES_PER_APP_SLACK);
    assertThat(configMapWrites.size()).as("adapter ConfigMap writes for %d distinct rules", NAMESPACES)
        .isBetween(1, NAMESPACES);
    assertThat(gets.stream().map(AuditLog::describe).toList()).as("single-object reads: the informers serve"
        + " every reconcile (no GET of the adapter Deployment or ConfigMap per app)").hasSizeLessThan(APPS / 10);
    assertCrdChecksBounded(requests, start);
    assertThat((double) reconciles / APPS).as("reconciles per app (no fan-out of one app's events to all)")
        .isLessThanOrEqualTo(MAX_RECONCILES_PER_APP);
  }

  // ------------------------------------------------------------------------------------------------ steady state

  @Test
  @Order(2)
  void steadyStateWritesNothing() throws Exception {
    awaitOperatorQuiet();
    Instant start = Instant.now();
    Thread.sleep(STEADY_WINDOW.toMillis());
    List<JsonNode> writes = AuditLog.writes(sdo.cluster().auditLog(), OperatorProcess.USER, start);
    assertThat(writes.stream().map(AuditLog::describe).toList()).as("writes in a steady %s with %d apps",
        STEADY_WINDOW, APPS).isEmpty();
  }

  // ------------------------------------------------------------------------------------------------ restart

  /**
   * A rolling update stops the operator while reconciles run: here a foreign client (a GitOps tool, a mesh
   * injector) annotates every Deployment, which queues a reconcile per app. The SDK stops the informers before the
   * running reconciles end, and those saw their children gone: neither the stopping operator nor the next may write.
   */
  @Test
  @Order(3)
  void restartReconcilesEveryAppAndWritesNothing() throws Exception {
    awaitOperatorQuiet();
    Instant start = Instant.now();
    AtomicInteger annotated = new AtomicInteger();
    Thread foreign = new Thread(() -> {
      for (int k = 0; k < APPS; k++) {
        sdo.client().apps().deployments().inNamespace(namespace(k % NAMESPACES)).withName("app-" + k)
            .patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"example.org/restart\":\"" + start + "\"}}}");
        annotated.incrementAndGet();
      }
    }, "foreign-deployment-annotator");
    foreign.start();
    Apps.await("a quarter of the Deployments annotated").until(() -> annotated.get() >= APPS / 4);
    OperatorProcess stopping = sdo.operator();
    stopping.stop();
    foreign.join();
    System.out.printf("reconciles the stopping operator left without writes: %d%n",
        stopping.log().lines().filter(l -> l.contains("Stopping: " + PREFIX)).count());
    OperatorProcess restarted = sdo.start("scale-b");
    Set<String> all = new java.util.TreeSet<>();
    for (int k = 0; k < APPS; k++) {
      all.add(namespace(k % NAMESPACES) + "/app-" + k);
    }
    sdo.await("every app reconciled after the restart").atMost(Duration.ofMinutes(3))
        .until(() -> reconciledApps(restarted).containsAll(all));
    awaitOperatorQuiet();
    List<JsonNode> writes = AuditLog.writes(sdo.cluster().auditLog(), OperatorProcess.USER, start);
    List<JsonNode> requests = AuditLog.requests(sdo.cluster().auditLog(), OperatorProcess.USER, start);
    System.out.printf("restart with %d apps: %d requests by the operator, %s%n", APPS, requests.size(),
        summary(requests));
    assertThat(writes.stream().map(AuditLog::describe).toList())
        .as("writes while the operator stopped and after it restarted").isEmpty();
    assertThat(filter(requests, e -> "get".equals(verb(e)) && !crdCheck(e)).size())
        .as("single-object reads after a restart").isLessThan(APPS / 10);
    assertCrdChecksBounded(requests, start);
    assertThat(filter(requests, ScaleIT::appsOrChildrenListed)).as("the restarted informers' lists").isNotEmpty()
        .allSatisfy(e -> assertThat(requestUri(e)).as("a page at most").contains("limit=" + PrunedItemStore.LIST_PAGE));
  }

  // ------------------------------------------------------------------------------------------------ helpers

  static long readyApps() {
    long ready = 0;
    for (int i = 0; i < NAMESPACES; i++) {
      ready += sdo.apps(namespace(i)).typed().list().getItems().stream()
          .filter(a -> SdaAssert.isTrue(a, Conditions.READY)).count();
    }
    return ready;
  }

  /**
   * A foreign client (a GitOps tool, a user's label) that annotates an app right after each write the operator
   * makes to it (finalizer, status) until it is Ready, so that the operator's next write races with a foreign one.
   * Driven by a watch rather than by a loop, so it interferes on every app however fast the burst goes.
   */
  static final class ForeignAnnotator implements AutoCloseable {
    final Set<String> interfered = ConcurrentHashMap.newKeySet();
    final AtomicInteger landed = new AtomicInteger();
    private final AtomicInteger touches = new AtomicInteger();
    private final Map<String, String> lastSeen = new ConcurrentHashMap<>();
    private final ExecutorService writers = Executors.newFixedThreadPool(FOREIGN_WRITERS);
    private final List<Watch> watches = new ArrayList<>();

    ForeignAnnotator() {
      for (int i = 0; i < NAMESPACES; i++) {
        watches.add(sdo.apps(namespace(i)).typed().watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, ScaledDemoApp app) {
            if (action != Action.DELETED) {
              onChange(app);
            }
          }

          @Override
          public void onClose(WatcherException cause) {
          }
        }));
      }
    }

    private void onChange(ScaledDemoApp app) {
      if (SdaAssert.isTrue(app, Conditions.READY)) {
        return;
      }
      String key = app.getMetadata().getNamespace() + "/" + app.getMetadata().getName();
      // the operator's writes change the finalizers or the status; our own annotations change neither
      String operatorState = app.getMetadata().getFinalizers() + " " + Serialization.asJson(app.getStatus());
      if (!operatorState.equals(lastSeen.put(key, operatorState))) {
        writers.submit(() -> annotate(app, key));
      }
    }

    private void annotate(ScaledDemoApp app, String key) {
      try {
        ScaledDemoApp after = sdo.apps(app.getMetadata().getNamespace()).typed()
            .withName(app.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"example.org/touched\":\"" + touches.incrementAndGet() + "\"}}}");
        boolean afterOperatorWrite = !after.getMetadata().getFinalizers().isEmpty() || after.getStatus() != null;
        if (afterOperatorWrite && !SdaAssert.isTrue(after, Conditions.READY)) {
          landed.incrementAndGet();
          interfered.add(key);
        }
      } catch (KubernetesClientException e) {
        // deleted meanwhile
      }
    }

    @Override
    public void close() throws InterruptedException {
      watches.forEach(Watch::close);
      writers.shutdown();
      writers.awaitTermination(1, TimeUnit.MINUTES);
    }
  }

  static Set<String> reconciledApps(OperatorProcess op) {
    return op.log().lines().filter(l -> l.contains("Reconciled " + PREFIX))
        .map(l -> l.substring(l.indexOf("Reconciled ") + "Reconciled ".length()).split(" ")[0])
        .collect(Collectors.toSet());
  }

  static void awaitOperatorQuiet() {
    Apps.await("operator quiet for " + QUIET.toSeconds() + " s").atMost(Duration.ofMinutes(3)).until(() ->
        AuditLog.lastWrite(sdo.cluster().auditLog(), OperatorProcess.USER).isBefore(Instant.now().minus(QUIET)));
  }

  static List<JsonNode> filter(List<JsonNode> events, Predicate<JsonNode> p) {
    return events.stream().filter(p).toList();
  }

  static String verb(JsonNode e) {
    return e.path("verb").asText();
  }

  static String resource(JsonNode e) {
    return e.path("objectRef").path("resource").asText();
  }

  static String requestUri(JsonNode e) {
    return URLDecoder.decode(e.path("requestURI").asText(), StandardCharsets.UTF_8);
  }

  /** A list by the informer of the apps, or by one of the informers of their children (the managed-by selector). */
  static boolean appsOrChildrenListed(JsonNode e) {
    return "list".equals(verb(e))
        && (HasMetadata.getPlural(ScaledDemoApp.class).equals(resource(e))
            || requestUri(e).contains(Labels.MANAGED_SELECTOR));
  }

  /** A GET of a CRD: the activation conditions look for a missing optional CRD every few seconds. */
  static boolean crdCheck(JsonNode e) {
    return "get".equals(verb(e)) && "customresourcedefinitions".equals(resource(e));
  }

  /** CRD checks grow with time (one per missing optional CRD per recheck), never with the number of apps. */
  static void assertCrdChecksBounded(List<JsonNode> requests, Instant since) {
    long rechecks = Duration.between(since, Instant.now()).toMillis() / WorkflowConditions.CRD_RECHECK.toMillis();
    assertThat(filter(requests, ScaleIT::crdCheck).size()).as("CRD checks since %s", since)
        .isLessThanOrEqualTo((int) (WorkflowConditions.OPTIONAL_CRDS * (rechecks + 2)));
  }

  static boolean adapterConfigMap(JsonNode e) {
    JsonNode ref = e.path("objectRef");
    return "configmaps".equals(ref.path("resource").asText())
        && LocalCluster.ADAPTER_NAMESPACE.equals(ref.path("namespace").asText())
        && LocalCluster.ADAPTER_CONFIG_MAP.equals(ref.path("name").asText());
  }

  static boolean adapterDeployment(JsonNode e) {
    JsonNode ref = e.path("objectRef");
    return "deployments".equals(ref.path("resource").asText())
        && LocalCluster.ADAPTER_NAMESPACE.equals(ref.path("namespace").asText());
  }

  /** Requests by verb and resource, e.g. {@code patch deployments=100}. */
  static Map<String, Long> summary(List<JsonNode> events) {
    return events.stream().collect(Collectors.groupingBy(e -> verb(e) + " " + resource(e)
        + (e.path("objectRef").has("subresource") ? "/" + e.path("objectRef").path("subresource").asText() : ""),
        TreeMap::new, Collectors.counting()));
  }
}
