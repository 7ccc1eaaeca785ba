package dev.scaleddemo.operator.e2e;

import static dev.scaleddemo.operator.it.Wait.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.scaleddemo.operator.api.v1alpha1.Annotations;
import dev.scaleddemo.operator.it.ClusterProvider.Capability;
import dev.scaleddemo.operator.it.NeedsCluster;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.api.v1alpha1.ScalingBackend;
import dev.scaleddemo.operator.it.KubectlTable;
import dev.scaleddemo.operator.it.LocalCluster;
import dev.scaleddemo.operator.it.LocalClusterResource;
import dev.scaleddemo.operator.it.Sampler;
import dev.scaleddemo.operator.it.SdaAssert;
import dev.scaleddemo.operator.keda.ScaledObject;
import dev.scaleddemo.operator.manifest.Names;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.awaitility.core.ConditionTimeoutException;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 6, end to end: real clicks on real demo-app processes (one per kwok pod, hack/e2e/PodRunner.java) are
 * scraped by a real Prometheus through the operator's ServiceMonitor, turned into clicks per second by a real
 * prometheus-adapter running the rule the operator merged into its ConfigMap, and scale the Deployment through
 * the operator's HPA in the real kube-controller-manager. The operator runs in-process (as in OperatorIT).
 *
 * <p>Apps use the fastest settings the CRD lets a Prometheus honour sensibly (1s scrape, 4s window, the minimum
 * of 4 intervals) and an HPA behaviour with no scale-up delay and a scale-down delay of three HPA syncs, so each
 * scenario takes tens of seconds.
 */
@NeedsCluster({Capability.FAKE_NODES, Capability.HOST_PROCESS_PODS})
@QuarkusTest
@QuarkusTestResource(value = LocalClusterResource.class, restrictToAnnotatedClass = true, initArgs =
    @io.quarkus.test.common.ResourceArg(name = "scaleddemo.adapter.roll-interval", value = "2s"))
@QuarkusTestResource(value = E2EStack.PrometheusAddress.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScalingE2EIT {
  private static final Logger LOG = Logger.getLogger(ScalingE2EIT.class);
  private static final Duration CLICK_LIMIT = Duration.ofMinutes(3);
  /** 4 scrape intervals, the CRD's minimum. */
  private static final String WINDOW = "4s";
  /**
   * Right after a scale-up the per-pod rates undercount for about a window and a scrape (the new pod's first clicks
   * fall before its first sample; the old pods' rates still fall), and a slow click on this busy machine dips the
   * 4s rate too. A scale-down window under one HPA sync (5s, hack/cluster.sh) acts on any one such sample and flaps
   * (CI: alpha 3 -> 2 five seconds after reaching 3); three syncs need the dip to last ten seconds.
   */
  private static final int SCALE_DOWN_STABILIZATION_SECONDS = 15;
  private static E2EStack stack;

  @Inject
  KubernetesClient client;

  LocalCluster cluster = LocalCluster.get();
  private final List<String> namespaces = new ArrayList<>();
  private final List<ClickDriver> drivers = new ArrayList<>();

  @BeforeAll
  static void stackUp() {
    stack = E2EStack.up(LocalCluster.get());
  }

  @AfterAll
  static void stackDown() {
    if (stack != null) {
      stack.down();
    }
  }

  @AfterEach
  void cleanUp() {
    drivers.forEach(ClickDriver::close);
    // restore whatever a test stopped, then delete its apps (the operator removes their rules) and namespaces
    stack.startPrometheus();
    stack.startAdapter();
    for (String ns : namespaces) {
      client.resources(ScaledDemoApp.class).inNamespace(ns).delete();
    }
    for (String ns : namespaces) {
      await("apps in " + ns + " gone", Duration.ofSeconds(60))
          .until(() -> client.resources(ScaledDemoApp.class).inNamespace(ns).list().getItems().isEmpty());
      client.namespaces().withName(ns).delete();
    }
  }

  // ------------------------------------------------------------------------------------------------ a

  @Test
  @Order(1)
  void clicksScaleTheAppUpToTheLoadCappedByMaxAndBackDownToMin() throws Exception {
    String ns = namespace("e2e-a");
    String app = "clicks";
    create(ns, app, "demo_app_button_clicks_total", "10", 1, 4);
    awaitReady(ns, app);
    awaitAdapterServes(ns, "demo_app_button_clicks_total");
    await("Prometheus scrapes the pod as the ServiceMonitor says", Duration.ofSeconds(30)).untilAsserted(() -> {
      String targets = httpGet(stack.prometheusUrl() + "/api/v1/targets?state=active");
      assertThat(targets).contains("\"scrapePool\":\"serviceMonitor/" + ns + "/" + app + "/0\"")
          .contains("\"scrapeInterval\":\"1s\"").contains("\"health\":\"up\"")
          .contains("\"namespace\":\"" + ns + "\"").contains("\"endpoint\":\"web\"")
          .contains("\"service\":\"" + app + "\"");
    });

    // no load: the metric is about 0 and the app stays at its minimum
    await("the per-pod metric about 0 in status", Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
        Quantity.getAmountInBytes(new Quantity(sda(ns, app).getStatus().getCurrentClicksPerSecondPerPod())))
        .isLessThan(new BigDecimal("0.1")));
    assertThat(prometheus("sum(demo_app_button_clicks_total{namespace=\"" + ns + "\"})")).isZero();
    assertStays("no load, no scale", Duration.ofSeconds(6), Map.of(ns + "/" + app, 1));

    // 25 clicks/s against a target of 10 per pod: ceil(25 / 10) = 3 replicas
    ClickDriver load = clicks(ns, app, 25);
    awaitScale(ns, app, 3, Duration.ofSeconds(90));
    await("every one of the 3 pods has a demo-app process that gets clicks", Duration.ofSeconds(30))
        .untilAsserted(() -> {
          List<E2EStack.PodProcess> pods = stack.pods(ns, app);
          assertThat(pods).hasSize(3).allMatch(E2EStack.PodProcess::serving);
          Map<String, Integer> before = load.clicksPerPod();
          Thread.sleep(1500);
          Map<String, Integer> after = load.clicksPerPod();
          for (E2EStack.PodProcess p : pods) {
            assertThat(after.getOrDefault(p.pod(), 0)).as(p.pod()).isGreaterThan(before.getOrDefault(p.pod(), 0));
          }
        });
    await("the per-pod metric near 25/3 in status and in kubectl's CLICKS/S column", Duration.ofSeconds(45))
        .untilAsserted(() -> {
          ScaledDemoApp sda = sda(ns, app);
          assertThat(sda.getStatus().getCurrentClicksPerSecondPerPod()).isNotNull();
          BigDecimal current = Quantity.getAmountInBytes(new Quantity(sda.getStatus().getCurrentClicksPerSecondPerPod()));
          assertThat(current).isBetween(new BigDecimal("6.5"), new BigDecimal("10.5"));
          assertThat(sda.getStatus().getDesiredReplicas()).isEqualTo(3);
          String table = cluster.kubectl("get", "sda", app, "-n", ns);
          LOG.infof("kubectl get sda:%n%s", table);
          Map<String, String> cells = KubectlTable.firstRow(table);
          assertThat(cells.get("CLICKS/S")).isEqualTo(sda.getStatus().getCurrentClicksPerSecondPerPod());
          assertThat(cells.get("REPLICAS")).isEqualTo("3");
        });

    // what Prometheus scraped is what each demo-app process counted, and that is what the driver sent it. The
    // last value of a process's counter is taken over a range, which skips the staleness marker of a process
    // stopped since (a pod scaled away); such a process's clicks after its last scrape never reach Prometheus,
    // as in any cluster, so for it Prometheus holds at most what it was sent.
    load.close();
    Map<Integer, Long> countedByLiveProcess = new TreeMap<>();
    for (E2EStack.PodProcess p : stack.pods(ns, app)) {
      countedByLiveProcess.put(p.port(), new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(httpGet("http://127.0.0.1:" + p.port() + "/clicks")).path("total").asLong());
    }
    String lastCounts = "last_over_time(demo_app_button_clicks_total{namespace=\"" + ns + "\"}[5m])";
    await("Prometheus counted the driver's clicks", Duration.ofSeconds(20)).untilAsserted(() -> {
      Map<String, Double> scraped = prometheusByLabel(lastCounts, "instance");
      LOG.infof("clicks per process (port: sent ok/failed, counted by the app, scraped): %s",
          load.clicksPerProcess().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue().ok() + "/"
              + e.getValue().failed() + ", " + countedByLiveProcess.get(e.getKey()) + ", "
              + scraped.get("127.0.0.1:" + e.getKey())).toList());
      assertThat(load.clicksPerProcess()).as("processes clicked").isNotEmpty();
      load.clicksPerProcess().forEach((port, sent) -> {
        int ok = sent.ok().get();
        int failed = sent.failed().get();
        double inPrometheus = scraped.getOrDefault("127.0.0.1:" + port, 0.0);
        Long counted = countedByLiveProcess.get(port);
        if (counted != null) {
          assertThat(counted).as("clicks counted by %s (port %d)", sent.pod(), port).isBetween((long) ok,
              (long) ok + failed);
          assertThat(inPrometheus).as("clicks of %s (port %d) in Prometheus", sent.pod(), port)
              .isEqualTo(counted.doubleValue());
        } else {
          assertThat(inPrometheus).as("clicks of %s (port %d, stopped since) in Prometheus", sent.pod(), port)
              .isLessThanOrEqualTo(ok + failed);
        }
      });
    });

    // 60 clicks/s: ceil(60 / 10) = 6, capped by maxReplicas 4
    ClickDriver heavy = clicks(ns, app, 60);
    awaitScale(ns, app, 4, Duration.ofSeconds(90));
    await("ScalingLimited says the maximum capped it", Duration.ofSeconds(30)).untilAsserted(() -> {
      Condition limited = condition(ns, app, "ScalingLimited");
      assertThat(limited.getStatus()).isEqualTo("True");
      assertThat(limited.getReason()).isEqualTo("TooManyReplicas");
    });

    heavy.close();
    awaitScale(ns, app, 1, Duration.ofSeconds(90));
    await("only one demo-app process left", Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(stack.pods(ns, app)).hasSize(1));
    LOG.infof("clicks per pod: %s (25/s), %s (60/s); errors %d/%d", load.clicksPerPod(), heavy.clicksPerPod(),
        load.errors(), heavy.errors());
  }

  // ------------------------------------------------------------------------------------------------ keda

  /**
   * The same load on two apps, one per backend, in the same run: both scale up to ceil(25 / 10) = 3 and back to 1,
   * and their status says the same (replicas, desired, clicks per second per pod from the backend's HPA). The Keda
   * app goes through KEDA's ScaledObject, KEDA's HPA and KEDA's metrics server (external.metrics.k8s.io), which
   * queries the same Prometheus. Then the Keda app is switched to the PrometheusAdapter backend under load: it
   * never drops below its 3 replicas and never has two HPAs.
   */
  @Test
  @Order(6)
  void kedaAndAdapterBackendsScaleTheSameLoadAlike() throws Exception {
    String ns = namespace("e2e-keda");
    create(ns, "via-adapter", "adapter_clicks_total", "10", 1, 4);
    create(ns, "via-keda", "keda_clicks_total", "10", 1, 4, "Keda");
    awaitReady(ns, "via-adapter");
    awaitReady(ns, "via-keda");
    assertThat(condition(ns, "via-keda", "ScaledObjectReady").getStatus()).isEqualTo("True");
    assertThat(stack.adapterConfig()).doesNotContain("keda_clicks_total");
    await("KEDA's HPA reads the metric (about 0)", Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
        Quantity.getAmountInBytes(new Quantity(sda(ns, "via-keda").getStatus().getCurrentClicksPerSecondPerPod())))
        .isLessThan(new BigDecimal("0.1")));
    assertStays("no load, no scale", Duration.ofSeconds(6), Map.of(ns + "/via-adapter", 1, ns + "/via-keda", 1));

    ClickDriver toAdapter = clicks(ns, "via-adapter", 25);
    ClickDriver toKeda = clicks(ns, "via-keda", 25);
    long t0 = System.nanoTime();
    awaitScale(ns, "via-keda", 3, Duration.ofSeconds(90));
    awaitScale(ns, "via-adapter", 3, Duration.ofSeconds(90));
    LOG.infof("both backends at 3 replicas %d ms after the load started", (System.nanoTime() - t0) / 1_000_000);
    await("both statuses: 3 desired, about 25/3 clicks/s per pod", Duration.ofSeconds(45)).untilAsserted(() -> {
      for (String app : List.of("via-adapter", "via-keda")) {
        var status = sda(ns, app).getStatus();
        assertThat(status.getDesiredReplicas()).as(app).isEqualTo(3);
        assertThat(Quantity.getAmountInBytes(new Quantity(status.getCurrentClicksPerSecondPerPod()))).as(app)
            .isBetween(new BigDecimal("6.5"), new BigDecimal("10.5"));
        assertThat(status.getMetric()).as(app + " status.metric").isNotNull();
        assertThat(status.getMetric().getLastValue()).as(app + " status.metric.lastValue")
            .isEqualTo(status.getCurrentClicksPerSecondPerPod());
      }
      var row = KubectlTable.firstRow(cluster.kubectl("get", "sda", "via-keda", "-n", ns));
      assertThat(row.get("REPLICAS")).isEqualTo("3");
      assertThat(row.get("CLICKS/S")).isEqualTo(sda(ns, "via-keda").getStatus().getCurrentClicksPerSecondPerPod());
    });
    // mirrored from the ScaledObject on the reconcile after KEDA's own status update, which may come later
    await("via-keda mirrors KEDA's Active condition", Duration.ofSeconds(45)).untilAsserted(() ->
        assertThat(condition(ns, "via-keda", "ScaledObjectActive").getStatus()).isEqualTo("True"));

    // switch the Keda app to the adapter under load: never below 3 replicas, never two HPAs
    try (Sampler sampler = Sampler.watch("via-keda: >= 3 replicas, one HPA", Duration.ofMillis(250), () -> {
      List<String> v = new ArrayList<>();
      Integer r = deployment(ns, "via-keda").getSpec().getReplicas();
      if (r == null || r < 3) v.add("replicas " + r);
      if (hpa(ns, "via-keda") != null && hpa(ns, ScaledObject.HPA_NAME_PREFIX + "via-keda") != null) v.add("two HPAs");
      return v;
    })) {
      client.resources(ScaledDemoApp.class).inNamespace(ns).withName("via-keda")
          .edit(a -> { a.getSpec().getScaling().setBackend(ScalingBackend.PrometheusAdapter); return a; });
      await("the adapter backend took over", Duration.ofSeconds(90)).untilAsserted(() -> {
        assertThat(hpa(ns, ScaledObject.HPA_NAME_PREFIX + "via-keda")).isNull();
        assertThat(hpa(ns, "via-keda")).isNotNull();
        assertThat(stack.adapterConfig()).contains("keda_clicks_total");
      });
      awaitScale(ns, "via-keda", 3, Duration.ofSeconds(60));
      // the window for a drop is until our new HPA has read the metric and decided on it: sample through it
      await("our HPA reads the metric and wants 3", Duration.ofSeconds(90)).untilAsserted(() -> {
        var status = hpa(ns, "via-keda").getStatus();
        assertThat(status.getCurrentMetrics()).isNotEmpty();
        assertThat(status.getDesiredReplicas()).isEqualTo(3);
        assertThat(sda(ns, "via-keda").getStatus().getDesiredReplicas()).isEqualTo(3);
      });
      assertStays("via-keda stays at 3 over two syncs of our HPA", Duration.ofSeconds(10), Map.of(ns + "/via-keda", 3));
      sampler.stopAndAssert(20);
    }

    toAdapter.close();
    toKeda.close();
    awaitScale(ns, "via-adapter", 1, Duration.ofSeconds(90));
    awaitScale(ns, "via-keda", 1, Duration.ofSeconds(90));
  }

  /** An app on the Keda backend alone scales up and back down through KEDA, with no switch involved. */
  @Test
  @Order(7)
  void kedaScalesBackDownWhenTheClicksStop() {
    String ns = namespace("e2e-keda-down");
    create(ns, "down", "down_clicks_total", "10", 1, 4, "Keda");
    awaitReady(ns, "down");
    ClickDriver load = clicks(ns, "down", 25);
    awaitScale(ns, "down", 3, Duration.ofSeconds(90));
    load.close();
    awaitScale(ns, "down", 1, Duration.ofSeconds(90));
    assertThat(condition(ns, "down", "ScaledObjectReady").getStatus()).isEqualTo("True");
  }

  // ------------------------------------------------------------------------------------------------ b

  @Test
  @Order(2)
  void twoAppsInTwoNamespacesWithTheirOwnCountersAndTargetsScaleIndependently() {
    String nsA = namespace("e2e-b-alpha");
    String nsB = namespace("e2e-b-beta");
    // an admin's own rule (anchor, alias, merge key, comments) on alpha's counter, per minute: kept as written
    String admin = """
        # per-minute view of alpha's clicks, for the admin's own dashboards
        rules:
        - &perminute
          seriesQuery: 'alpha_clicks_total{namespace!="",pod!=""}'
          resources: &podres
            template: <<.Resource>>   # namespace and pod labels
          name: {matches: "^alpha_clicks_total$", as: "alpha_clicks_per_minute"}
          metricsQuery: sum(rate(<<.Series>>{<<.LabelMatchers>>}[1m]) * 60) by (<<.GroupBy>>)
        - <<: *perminute
          resources: *podres
          name: {matches: "^alpha_clicks_total$", as: "alpha_clicks_per_hour"}
          metricsQuery: sum(rate(<<.Series>>{<<.LabelMatchers>>}[1m]) * 3600) by (<<.GroupBy>>)
        """;
    cluster.resetAdapterConfig(admin);
    create(nsA, "alpha", "alpha_clicks_total", "5", 1, 4);
    create(nsB, "beta", "beta_clicks_total", "20", 1, 2);
    awaitReady(nsA, "alpha");
    awaitReady(nsB, "beta");
    await("the adapter runs with both rules of the operator", Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(stack.adapterConfig()).contains("alpha_clicks_total").contains("beta_clicks_total");
      String hash = client.apps().deployments().inNamespace(LocalCluster.ADAPTER_NAMESPACE)
          .withName(LocalCluster.ADAPTER_DEPLOYMENT).get().getSpec().getTemplate().getMetadata().getAnnotations()
          .get("scaleddemo.dev/adapter-config-hash");
      assertThat(stack.adapterState().get("key")).endsWith("/" + hash);
    });
    awaitAdapterServes(nsA, "alpha_clicks_total");
    awaitAdapterServes(nsB, "beta_clicks_total");
    assertThat(stack.adapterConfig()).as("the real adapter runs the admin's text as written").startsWith(admin);
    await("the real adapter serves the admin's metric too", Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(cluster.kubectl("get", "--raw", "/apis/custom.metrics.k8s.io/v1beta2/namespaces/" + nsA
            + "/pods/*/alpha_clicks_per_minute")).contains("\"name\":\"alpha_clicks_per_minute\""));

    // alpha: 13/s against 5 per pod -> ceil(2.6) = 3, as far from 2 (at most 10/s) as from 4 (over 16.5/s, the
    // HPA's 10 % tolerance); beta: 50/s against 20 per pod -> ceil(2.5) = 3, capped at its max 2
    clicks(nsA, "alpha", 13);
    clicks(nsB, "beta", 50);
    awaitScale(nsA, "alpha", 3, Duration.ofSeconds(90));
    awaitScale(nsB, "beta", 2, Duration.ofSeconds(90));
    assertStays("both stay where their own load puts them", Duration.ofSeconds(8),
        Map.of(nsA + "/alpha", 3, nsB + "/beta", 2));
    String alphaMetric = cluster.kubectl("get", "--raw",
        "/apis/custom.metrics.k8s.io/v1beta2/namespaces/" + nsA + "/pods/*/" + metric("alpha_clicks_total"));
    String betaMetric = cluster.kubectl("get", "--raw",
        "/apis/custom.metrics.k8s.io/v1beta2/namespaces/" + nsB + "/pods/*/" + metric("beta_clicks_total"));
    assertThat(alphaMetric).contains("\"namespace\":\"" + nsA + "\"").doesNotContain(nsB);
    assertThat(betaMetric).contains("\"namespace\":\"" + nsB + "\"").doesNotContain(nsA);
    assertThat(stack.pods(nsA, "alpha")).hasSize(3);
    assertThat(stack.pods(nsB, "beta")).hasSize(2);
  }

  // ------------------------------------------------------------------------------------------------ c

  @Test
  @Order(3)
  void withPrometheusDownNothingIsScaledAndTheConditionsSaySoThenScalingResumes() {
    String ns = namespace("e2e-c");
    String app = "prom-outage";
    create(ns, app, "outage_clicks_total", "10", 1, 4);
    awaitReady(ns, app);
    awaitAdapterServes(ns, "outage_clicks_total");
    ClickDriver load = clicks(ns, app, 25);
    awaitScale(ns, app, 3, Duration.ofSeconds(90));

    stack.stopPrometheus();
    await("ScalingActive=False: the HPA cannot get the metric", Duration.ofSeconds(60)).untilAsserted(() -> {
      Condition active = condition(ns, app, "ScalingActive");
      assertThat(active.getStatus()).isEqualTo("False");
      assertThat(active.getReason()).isEqualTo("FailedGetPodsMetric");
      assertThat(active.getMessage()).contains(metric("outage_clicks_total"));
    });
    LOG.infof("Prometheus down: %s", condition(ns, app, "ScalingActive").getMessage());
    // the load goes away while nobody can measure it: nothing is scaled, least of all to min
    load.close();
    assertStays("replicas stay 3 over several HPA syncs", Duration.ofSeconds(16), Map.of(ns + "/" + app, 3));

    stack.startPrometheus();
    await("ScalingActive=True again", Duration.ofSeconds(60)).untilAsserted(
        () -> assertThat(condition(ns, app, "ScalingActive").getStatus()).isEqualTo("True"));
    awaitScale(ns, app, 1, Duration.ofSeconds(90));
  }

  // ------------------------------------------------------------------------------------------------ d

  @Test
  @Order(4)
  void withTheAdapterDownTheApiServiceIsUnavailableAndTheConditionSaysSo() {
    String ns = namespace("e2e-d");
    String app = "adapter-outage";
    create(ns, app, "adapter_outage_clicks_total", "10", 1, 4);
    awaitReady(ns, app);
    awaitAdapterServes(ns, "adapter_outage_clicks_total");
    ClickDriver load = clicks(ns, app, 15);
    awaitScale(ns, app, 2, Duration.ofSeconds(90));

    stack.stopAdapter();
    await("APIService v1beta2.custom.metrics.k8s.io unavailable", Duration.ofSeconds(60)).untilAsserted(() -> {
      String available = cluster.kubectl("get", "apiservice", "v1beta2.custom.metrics.k8s.io", "-o",
          "jsonpath={.status.conditions[?(@.type==\"Available\")].status}");
      assertThat(available).isEqualTo("False");
    });
    await("ScalingActive=False names the custom metrics API", Duration.ofSeconds(60)).untilAsserted(() -> {
      Condition active = condition(ns, app, "ScalingActive");
      assertThat(active.getStatus()).isEqualTo("False");
      assertThat(active.getReason()).isEqualTo("FailedGetPodsMetric");
      assertThat(active.getMessage()).contains("custom metrics API");
    });
    LOG.infof("adapter down: %s", condition(ns, app, "ScalingActive").getMessage());
    load.close();
    assertStays("replicas stay 2", Duration.ofSeconds(12), Map.of(ns + "/" + app, 2));

    stack.startAdapter();
    await("ScalingActive=True again", Duration.ofSeconds(60)).untilAsserted(
        () -> assertThat(condition(ns, app, "ScalingActive").getStatus()).isEqualTo("True"));
    awaitScale(ns, app, 1, Duration.ofSeconds(90));
  }

  // ------------------------------------------------------------------------------------------------ e

  /**
   * Prometheus scrapes only the ServiceMonitors its serviceMonitorSelector selects: without the label the app's
   * ServiceMonitor exists but nothing scrapes it; with serviceMonitorLabels set, it is scraped.
   */
  @Test
  @Order(5)
  void serviceMonitorLabelsDecideWhetherPrometheusScrapesTheApp() throws Exception {
    String ns = namespace("e2e-e");
    String app = "unselected";
    create(ns, app, "unselected_clicks_total", "10", 1, 2, "PrometheusAdapter", "{team: web}", "{}");
    awaitReady(ns, app);
    String pool = "\"scrapePool\":\"serviceMonitor/" + ns + "/" + app + "/0\"";
    await("the ServiceMonitor, without the selected label", Duration.ofSeconds(30)).until(() -> {
      var sm = client.genericKubernetesResources("monitoring.coreos.com/v1", "ServiceMonitor").inNamespace(ns)
          .withName(app).get();
      return sm != null && "web".equals(sm.getMetadata().getLabels().get("team"));
    });
    int samples = Sampler.holds("not scraped without the selected label", Duration.ofSeconds(8),
        Duration.ofSeconds(1), () -> httpGet(stack.prometheusUrl() + "/api/v1/targets?state=active").contains(pool),
        false);
    LOG.infof("unselected ServiceMonitor: not scraped in %d samples", samples);

    client.resources(ScaledDemoApp.class).inNamespace(ns).withName(app).edit(sda -> {
      String[] label = E2EStack.SERVICE_MONITOR_SELECTOR.split("=");
      sda.getSpec().getMonitoring().setServiceMonitorLabels(Map.of(label[0], label[1]));
      return sda;
    });
    await("scraped once the label is there", Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
        httpGet(stack.prometheusUrl() + "/api/v1/targets?state=active")).contains(pool).contains("\"health\":\"up\""));
  }

  // ------------------------------------------------------------------------------------------------ f

  /**
   * Issue 12, the metric-loss policies and pausing with the real stack: Prometheus stopped while a Fallback app
   * is at its minimum -> its fallback count within 'after' plus the HPA's sync, released once Prometheus is back;
   * a Hold app under load keeps its replicas; paused at N it holds N under more load; resumed it scales again.
   */
  @Test
  @Order(6)
  void fallbackOnMetricLossHoldKeepsPauseHoldsUnderLoadAndResumeScales() {
    String ns = namespace("e2e-f");
    long t0 = System.nanoTime();
    create(ns, "fallback", "fallback_clicks_total", "10", 1, 4, "PrometheusAdapter", defaultLabels(),
        "{policy: Fallback, fallbackReplicas: 3, after: 30s}");
    create(ns, "hold", "hold_clicks_total", "10", 1, 4);
    awaitReady(ns, "fallback");
    awaitReady(ns, "hold");
    awaitAdapterServes(ns, "fallback_clicks_total");
    awaitAdapterServes(ns, "hold_clicks_total");
    ClickDriver load = clicks(ns, "hold", 15);
    awaitScale(ns, "hold", 2, Duration.ofSeconds(90));

    stack.stopPrometheus();
    await("the operator sees the metric missing", Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(sda(ns, "fallback").getStatus().getMetric().getMissingSince()).isNotNull());
    java.time.Instant missingSince = java.time.Instant.parse(sda(ns, "fallback").getStatus().getMetric()
        .getMissingSince());
    awaitScale(ns, "fallback", 3, Duration.ofSeconds(90));
    Duration reached = Duration.between(missingSince, java.time.Instant.now());
    LOG.infof("fallback: 3 replicas %d s after the metric went missing (after: 30s)", reached.toSeconds());
    // the HPA syncs every 5 s here; a reconcile and the kwok pods' readiness come on top
    assertThat(reached).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(30 + 25));
    assertThat(condition(ns, "fallback", "Fallback").getReason()).isEqualTo("MetricMissing");
    assertThat(KubectlTable.firstRow(cluster.kubectl("get", "sda", "fallback", "-n", ns)).get("MODE")).isEqualTo("Fallback");
    assertThat(sda(ns, "hold").getStatus().getScalingMode()).isEqualTo("Holding");
    assertStays("Hold keeps its replicas through the outage", Duration.ofSeconds(8), Map.of(ns + "/hold", 2));

    stack.startPrometheus();
    await("the fallback released once the metric is back", Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(condition(ns, "fallback", "Fallback").getReason()).isEqualTo("MetricAvailable");
      assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).withName("fallback").get()
          .getSpec().getMinReplicas()).isEqualTo(1);
    });
    awaitScale(ns, "fallback", 1, Duration.ofSeconds(90));
    assertThat(cluster.kubectl("describe", "sda", "fallback", "-n", ns)).contains("MetricLost")
        .contains("FallbackEntered").contains("MetricBack").contains("FallbackReleased").contains("Rescaled from 1 to 3");

    // paused at 2, more load changes nothing; resumed, the load scales it: 15 + 25 = 40/s against 10 -> 4
    cluster.kubectl("annotate", "sda", "hold", "-n", ns, Annotations.PAUSED_REPLICAS + "=2");
    await("Paused", Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(condition(ns, "hold", "Paused").getStatus()).isEqualTo("True"));
    clicks(ns, "hold", 25);
    assertStays("paused at 2 under 40 clicks/s", Duration.ofSeconds(15), Map.of(ns + "/hold", 2));
    cluster.kubectl("annotate", "sda", "hold", "-n", ns, Annotations.PAUSED_REPLICAS + "-");
    awaitScale(ns, "hold", 4, Duration.ofSeconds(90));
    load.close();
    LOG.infof("scenario f (fallback, hold, pause, resume) took %d s",
        Duration.ofNanos(System.nanoTime() - t0).toSeconds());
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /** The value of a PromQL instant query that returns one number (0 when it returns nothing). */
  private double prometheus(String query) throws Exception {
    var result = prometheusResult(query);
    return result.isEmpty() ? 0 : Double.parseDouble(result.get(0).path("value").get(1).asText());
  }

  /** An instant query's vector, by the value of one label of each series. */
  private Map<String, Double> prometheusByLabel(String query, String label) throws Exception {
    Map<String, Double> byLabel = new TreeMap<>();
    for (var series : prometheusResult(query)) {
      byLabel.put(series.path("metric").path(label).asText(), Double.parseDouble(series.path("value").get(1).asText()));
    }
    return byLabel;
  }

  private com.fasterxml.jackson.databind.JsonNode prometheusResult(String query) throws Exception {
    var body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(httpGet(stack.prometheusUrl()
        + "/api/v1/query?query=" + java.net.URLEncoder.encode(query, java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(body.path("status").asText()).as(query + ": " + body).isEqualTo("success");
    return body.at("/data/result");
  }

  private String namespace(String prefix) {
    String ns = prefix + "-" + Long.toString(System.nanoTime() % 100000, 36);
    namespaces.add(ns);
    cluster.createNamespace(ns);
    return ns;
  }

  /** The custom metric of an app created by {@link #create}: its window is not the default, so it is in the name. */
  private static String metric(String counter) {
    var spec = new dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppSpec();
    spec.getMetric().setCounter(counter);
    spec.getScaling().setRateWindow(WINDOW);
    return dev.scaleddemo.operator.manifest.AdapterRules.metricName(spec);
  }

  /**
   * The fastest settings that do not flap: 1s scrape, 4s window (4 intervals, the CRD's minimum), no scale-up delay.
   * Scale-down waits {@link #SCALE_DOWN_STABILIZATION_SECONDS}.
   */
  private void create(String ns, String name, String counter, String target, int min, int max) {
    create(ns, name, counter, target, min, max, "PrometheusAdapter");
  }

  /** Same, on that backend. */
  private void create(String ns, String name, String counter, String target, int min, int max, String backend) {
    create(ns, name, counter, target, min, max, backend, defaultLabels(), "{}");
  }

  /** The label the stack's Prometheus selects ServiceMonitors by, as a YAML flow map. */
  private static String defaultLabels() {
    return "{" + E2EStack.SERVICE_MONITOR_SELECTOR.replace("=", ": ") + "}";
  }

  /**
   * Same, on that backend, with these {@code serviceMonitorLabels} and this {@code spec.scaling.onMetricLoss} (YAML
   * flow maps).
   */
  private void create(String ns, String name, String counter, String target, int min, int max, String backend,
      String serviceMonitorLabels, String onMetricLoss) {
    String yaml = """
        apiVersion: scaleddemo.dev/v1alpha1
        kind: ScaledDemoApp
        metadata:
          name: %s
        spec:
          metric:
            counter: %s
          scaling:
            backend: %s
            minReplicas: %d
            maxReplicas: %d
            targetClicksPerSecondPerPod: "%s"
            rateWindow: %s
            onMetricLoss: %s
            behavior:
              scaleUp:
                stabilizationWindowSeconds: 0
                policies: [{type: Percent, value: 900, periodSeconds: 1}]
              scaleDown:
                stabilizationWindowSeconds: %d
                policies: [{type: Percent, value: 100, periodSeconds: 1}]
          monitoring:
            interval: 1s
            dashboard: false
            serviceMonitorLabels: %s
        """.formatted(name, counter, backend, min, max, target, WINDOW, onMetricLoss, SCALE_DOWN_STABILIZATION_SECONDS,
        serviceMonitorLabels);
    client.resource(Serialization.unmarshal(yaml, ScaledDemoApp.class)).inNamespace(ns).create();
  }

  private ClickDriver clicks(String ns, String app, double perSecond) {
    ClickDriver d = ClickDriver.start(stack, ns, app, perSecond, CLICK_LIMIT);
    drivers.add(d);
    return d;
  }

  private ScaledDemoApp sda(String ns, String name) {
    return client.resources(ScaledDemoApp.class).inNamespace(ns).withName(name).get();
  }

  private HorizontalPodAutoscaler hpa(String ns, String name) {
    return client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).withName(name).get();
  }

  /** The HPA of the app's backend: the operator's, or the one KEDA made for its ScaledObject. */
  private HorizontalPodAutoscaler backendHpa(String ns, String name) {
    ScaledDemoApp app = sda(ns, name);
    return hpa(ns, app.getSpec().getScaling().usesKeda() ? Names.kedaHpa(app) : Names.hpa(app));
  }

  private Deployment deployment(String ns, String name) {
    return client.apps().deployments().inNamespace(ns).withName(name).get();
  }

  private Condition condition(String ns, String name, String type) {
    return SdaAssert.condition(sda(ns, name), type)
        .orElseThrow(() -> new AssertionError("no " + type + " condition on " + ns + "/" + name));
  }

  private void awaitReady(String ns, String name) {
    await(ns + "/" + name + " Ready", Duration.ofSeconds(90)).untilAsserted(() -> {
      SdaAssert.assertThat(sda(ns, name)).isReady();
      assertThat(stack.pods(ns, name)).as("demo-app processes").isNotEmpty().allMatch(E2EStack.PodProcess::serving);
    });
  }

  /** The adapter, restarted with the operator's rule, serves the app's per-second metric (0 before any click). */
  private void awaitAdapterServes(String ns, String counter) {
    String metric = metric(counter);
    await("custom.metrics.k8s.io serves " + metric + " in " + ns, Duration.ofSeconds(90)).untilAsserted(() -> {
      LocalCluster.Result r = cluster.kubectlResult(null, "get", "--raw",
          "/apis/custom.metrics.k8s.io/v1beta2/namespaces/" + ns + "/pods/*/" + metric);
      assertThat(r.code()).as(r.stderr()).isZero();
      assertThat(r.stdout()).contains("\"metric\":{\"name\":\"" + metric + "\"");
    });
  }

  private void awaitScale(String ns, String name, int replicas, Duration timeout) {
    long t0 = System.nanoTime();
    try {
      await(ns + "/" + name + " at " + replicas + " ready replicas", timeout).untilAsserted(() -> {
        HorizontalPodAutoscaler hpa = backendHpa(ns, name);
        assertThat(hpa.getStatus().getDesiredReplicas()).as("HPA desired").isEqualTo(replicas);
        Deployment d = deployment(ns, name);
        assertThat(d.getSpec().getReplicas()).as("Deployment spec.replicas").isEqualTo(replicas);
        assertThat(d.getStatus().getReadyReplicas()).as("ready").isEqualTo(replicas);
        assertThat(d.getStatus().getReplicas()).as("replicas (old pods gone)").isEqualTo(replicas);
        assertThat(sda(ns, name).getStatus().getReplicas()).as("status.replicas").isEqualTo(replicas);
      });
    } catch (ConditionTimeoutException e) {
      var hpa = backendHpa(ns, name);
      fail(ns + "/" + name + " did not reach " + replicas + " replicas; HPA status "
          + Serialization.asJson(hpa.getStatus()) + "\nSDA status " + Serialization.asJson(sda(ns, name).getStatus())
          + "\npods " + stack.pods(ns, name) + "\nrunner log:\n" + stack.log("runner") + "\nadapter log:\n"
          + stack.log("adapter"), e);
    }
    LOG.infof("%s/%s at %d replicas after %d ms", ns, name, replicas,
        Duration.ofNanos(System.nanoTime() - t0).toMillis());
  }

  /**
   * Fails at the first sample in which an app ("namespace/name" -> replicas) is not at its replicas or its
   * Deployment's generation or its HPA's lastScaleTime moved: those two catch a scale between two samples.
   */
  private void assertStays(String what, Duration window, Map<String, Integer> replicas) {
    java.util.concurrent.Callable<Map<String, List<Object>>> states = () -> {
      Map<String, List<Object>> all = new java.util.TreeMap<>();
      for (String app : replicas.keySet()) {
        String[] nsName = app.split("/");
        Deployment d = deployment(nsName[0], nsName[1]);
        HorizontalPodAutoscaler hpa = backendHpa(nsName[0], nsName[1]);
        all.put(app, List.of(d.getSpec().getReplicas(), d.getMetadata().getGeneration(),
            String.valueOf(hpa.getStatus().getLastScaleTime())));
      }
      return all;
    };
    Map<String, List<Object>> start;
    try {
      start = states.call();
    } catch (Exception e) {
      throw new AssertionError(what, e);
    }
    replicas.forEach((app, n) -> assertThat(start.get(app).get(0)).as(what + ": " + app).isEqualTo(n));
    int samples = Sampler.holds(what, window, Duration.ofMillis(500), states, start);
    LOG.infof("%s: %d samples, no change", what, samples);
  }

  private static String httpGet(String url) throws Exception {
    var http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(5))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }
}
