package dev.scaleddemo.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.it.ClusterProvider.Capability;
import dev.scaleddemo.operator.manifest.AdapterConfigText;
import dev.scaleddemo.operator.manifest.AdapterRules;
import dev.scaleddemo.operator.status.AdapterRuleState;
import dev.scaleddemo.operator.status.Conditions;
import dev.scaleddemo.operator.status.StatusCalculator;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared prometheus-adapter config on a real API server, as tenants and an admin use it: nobody's rule is
 * taken or corrupted, an invalid config is never written or rolled, tenants are limited, rolls are coalesced.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalClusterResource.class, restrictToAnnotatedClass = true, initArgs = {
    @ResourceArg(name = "scaleddemo.adapter.roll-interval", value = AdapterConfigIT.ROLL_INTERVAL_SECONDS + "s"),
    @ResourceArg(name = "scaleddemo.adapter.max-rules-per-namespace", value = "2")})
@NeedsCluster(Capability.FAKE_NODES)
class AdapterConfigIT {
  static final int ROLL_INTERVAL_SECONDS = 10;
  private static final Path CORPUS = Path.of("src/test/resources/adapter-configs");
  private static final String NS = "sdo-adapter-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String NS2 = NS + "-b";

  @Inject
  KubernetesClient client;

  final LocalCluster cluster = LocalCluster.get();
  private Apps apps(String namespace) {
    return new Apps(client, namespace);
  }

  @BeforeEach
  void namespaces() {
    for (String ns : List.of(NS, NS2)) {
      cluster.kubectlStdin(LocalCluster.namespaceYaml(ns), "apply", "-f", "-");
    }
  }

  @AfterEach
  void deleteApps() {
    for (String ns : List.of(NS, NS2)) {
      apps(ns).all().inNamespace(ns).delete();
      Wait.await("apps in " + ns + " gone").until(() -> apps(ns).all().inNamespace(ns).list().getItems().isEmpty());
    }
  }

  /**
   * The first case: an admin's rule for http_requests_total (anchors, aliases, merge keys, comments). A
   * tenant with the same counter and another window gets its own rule and metric; one with the same window is
   * served by the admin's rule and told so; when they go, the admin's config is back byte for byte.
   */
  @Test
  void anAdminsRulesAreNeverTakenCorruptedOrRemoved() throws Exception {
    String admin = Files.readString(CORPUS.resolve("anchors-merge-comments.yaml"));
    cluster.resetAdapterConfig(admin);
    create(NS, "hourly", "http_requests_total", "1h");
    create(NS2, "tutorial", "http_requests_total", "2m");
    apps(NS).awaitConverged("hourly");
    apps(NS2).awaitConverged("tutorial");

    String config = adapterConfig();
    for (var item : AdapterConfigText.parse(admin).items()) {
      assertThat(config).as("admin's rule kept verbatim").contains(admin.substring(item.start(), item.end()));
    }
    assertThat(config).contains("# Every rule maps pods the same way", "resources: &podres", "resources: *podres",
        "<<: *http", "# trailing comment about the rules list");
    assertThat(config).contains("\"http_requests_per_second_1h\"", "[1h]");
    assertThat(hpaMetric(NS, "hourly")).isEqualTo("http_requests_per_second_1h");
    assertThat(hpaMetric(NS2, "tutorial")).isEqualTo("http_requests_per_second");
    Map<String, Object> served = apps(NS2).condition("tutorial", "AdapterRuleSynced");
    assertThat(served.get("status")).isEqualTo("True");
    assertThat(served.get("reason")).isEqualTo(AdapterRuleState.SERVED_BY_OTHER_RULE);
    assertThat((String) served.get("message")).contains("rules[0]", "window 2m", "http_requests_per_second");

    deleteApps();
    Wait.await("admin's config back byte for byte").untilAsserted(() -> assertThat(adapterConfig()).isEqualTo(admin));
  }

  /** An admin's typo makes the config one prometheus-adapter refuses: nothing is written or rolled, deletes pass. */
  @Test
  void anInvalidConfigIsNeitherWrittenNorRolledAndDeletionsDoNotWaitOnIt() throws Exception {
    String broken = LocalCluster.FOREIGN_CONFIG + "ruels: []\n";
    cluster.resetAdapterConfig(broken);
    ConfigMap before = adapterConfigMap();
    String hashBefore = rolledHash();
    create(NS, "typo", "typo_clicks_total", "2m");
    Wait.await("AdapterConfigInvalid").untilAsserted(() -> {
      Map<String, Object> c = apps(NS).condition("typo", "AdapterRuleSynced");
      assertThat(c).isNotNull();
      assertThat(c.get("reason")).isEqualTo(AdapterRuleState.CONFIG_INVALID);
      assertThat((String) c.get("message")).contains("field ruels not found");
    });
    assertThat(adapterConfigMap().getMetadata().getResourceVersion()).as("not written")
        .isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(rolledHash()).as("not rolled").isEqualTo(hashBefore);

    apps(NS).app("typo").delete();
    Wait.await("deleted although the config is broken").atMost(Duration.ofSeconds(30))
        .until(() -> apps(NS).app("typo").get() == null);
    cluster.resetAdapterConfig(LocalCluster.FOREIGN_CONFIG);
  }

  /** A namespace claims at most its limit of distinct rules; the others say why instead of growing the config. */
  @Test
  void aNamespaceIsLimitedInTheRulesItClaims() throws Exception {
    cluster.resetAdapterConfig(LocalCluster.FOREIGN_CONFIG);
    create(NS, "first", "limit_one_total", "2m");
    apps(NS).awaitConverged("first");
    create(NS, "second", "limit_two_total", "2m");
    apps(NS).awaitConverged("second");
    create(NS, "third", "limit_three_total", "2m");
    Wait.await("third refused").untilAsserted(() -> {
      Map<String, Object> c = apps(NS).condition("third", "AdapterRuleSynced");
      assertThat(c).isNotNull();
      assertThat(c.get("reason")).isEqualTo(AdapterRuleState.RULE_LIMIT);
      assertThat((String) c.get("message")).contains(NS);
    });
    assertThat(adapterConfig()).contains("limit_one_per_second", "limit_two_per_second")
        .doesNotContain("limit_three_per_second");
    create(NS2, "elsewhere", "limit_three_total", "2m");
    apps(NS2).awaitConverged("elsewhere"); // another namespace is not affected
  }

  /** A tenant flipping its counter many times restarts the adapter at most once per interval; the last change rolls. */
  @Test
  void adapterRollsAreCoalescedAndTheLastChangeIsRolled() throws Exception {
    firstAppRolledIn(NS, "flipper", "flip_0_total");
    List<String> hashes = new ArrayList<>();
    hashes.add(rolledHash());
    long start = System.nanoTime();
    int flips = 8;
    for (int i = 1; i <= flips; i++) {
      apps(NS).app("flipper").patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"spec\":{\"metric\":{\"counter\":\"flip_" + i + "_total\"}}}");
      Thread.sleep(500);
      String h = rolledHash();
      if (!h.equals(hashes.get(hashes.size() - 1))) hashes.add(h);
    }
    Wait.await("the last change rolled").atMost(Duration.ofSeconds(3L * ROLL_INTERVAL_SECONDS + 30))
        .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
          String h = rolledHash();
          if (!h.equals(hashes.get(hashes.size() - 1))) hashes.add(h);
          assertThat(adapterConfig()).contains("flip_" + flips + "_per_second").doesNotContain("flip_1_per_second");
          assertThat(h).isEqualTo(AdapterRules.hash(adapterConfig()));
        });
    double seconds = (System.nanoTime() - start) / 1e9;
    int rolls = hashes.size() - 1;
    System.out.printf("adapter rolls: %d for %d changes in %.1f s (interval %d s)%n", rolls, flips, seconds,
        ROLL_INTERVAL_SECONDS);
    assertThat(rolls).isLessThanOrEqualTo(1 + (int) Math.ceil(seconds / ROLL_INTERVAL_SECONDS)).isLessThan(flips);
  }

  /**
   * An app created while a roll waits for the interval is told when the adapter will reread its config. Once that
   * roll is done its status says so within seconds: nothing else about the app changes then (its HPA reports 15 s
   * after it was created at the earliest), and the periodic reconcile is 10 minutes away.
   */
  @Test
  void anAppToldOfAPendingRollIsToldWhenItIsDone() throws Exception {
    firstAppRolledIn(NS, "first", "pending_first_total");
    create(NS2, "second", "pending_second_total", "2m");
    Wait.await("the second app told of the pending roll")
        .until(() -> ruleMessage(NS2, "second").contains(AdapterRuleState.ROLL_PENDING));
    String told = ruleMessage(NS2, "second");
    Instant due = Instant.parse(told.substring(told.indexOf(AdapterRuleState.ROLL_PENDING)
        + AdapterRuleState.ROLL_PENDING.length()).split(" ")[0]);
    Wait.await("the roll done and the app told", Duration.ofSeconds(2L * ROLL_INTERVAL_SECONDS + 30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !ruleMessage(NS2, "second").contains(AdapterRuleState.ROLL_PENDING));
    // the announced time is truncated to the second; the recheck follows the roll by AFTER_ROLL
    assertThat(Instant.now()).as("told within seconds of the roll due at " + due)
        .isBefore(due.plusSeconds(1).plus(StatusCalculator.AFTER_ROLL).plusSeconds(3));
    assertThat(rolledHash()).isEqualTo(AdapterRules.hash(adapterConfig()));
  }

  /** The same app name in two namespaces: two dashboards with their own file and uid. */
  @Test
  void sameNameInTwoNamespacesGetsTwoDashboards() throws Exception {
    for (String ns : List.of(NS, NS2)) {
      cluster.kubectlStdin("""
          apiVersion: scaleddemo.dev/v1alpha1
          kind: ScaledDemoApp
          metadata:
            name: shop
            namespace: %s
          spec:
            monitoring:
              dashboard: true
          """.formatted(ns), "apply", "-f", "-");
    }
    List<String> files = new ArrayList<>();
    List<String> uids = new ArrayList<>();
    for (String ns : List.of(NS, NS2)) {
      Wait.await("dashboard in " + ns).until(() -> client.configMaps().inNamespace(ns).withName("shop-dashboard").get()
          != null);
      var data = client.configMaps().inNamespace(ns).withName("shop-dashboard").get().getData();
      files.addAll(data.keySet());
      uids.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(data.values().iterator().next())
          .get("uid").asText());
    }
    assertThat(files).doesNotHaveDuplicates().hasSize(2);
    assertThat(uids).doesNotHaveDuplicates().hasSize(2);
  }

  /** The foreign config and one app with its own rule, once the adapter runs that rule. */
  private void firstAppRolledIn(String ns, String name, String counter) {
    cluster.resetAdapterConfig(LocalCluster.FOREIGN_CONFIG);
    create(ns, name, counter, "2m");
    apps(ns).awaitConverged(name);
    Wait.await("first roll done").until(() -> AdapterRules.hash(adapterConfig()).equals(rolledHash()));
  }

  private void create(String ns, String name, String counter, String window) {
    cluster.kubectlStdin(Apps.yaml(name, "spec:\n  metric:\n    counter: " + counter + "\n  scaling:\n    rateWindow: "
        + window + "\n"), "-n", ns, "apply", "-f", "-");
  }

  private String ruleMessage(String ns, String name) {
    var condition = apps(ns).condition(name, Conditions.ADAPTER_RULE_SYNCED);
    return condition == null ? "" : String.valueOf(condition.get("message"));
  }

  private String hpaMetric(String ns, String name) {
    return client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).withName(name).get()
        .getSpec().getMetrics().get(0).getPods().getMetric().getName();
  }

  private ConfigMap adapterConfigMap() {
    return client.configMaps().inNamespace(LocalCluster.ADAPTER_NAMESPACE).withName(LocalCluster.ADAPTER_CONFIG_MAP)
        .get();
  }

  private String adapterConfig() {
    return adapterConfigMap().getData().get("config.yaml");
  }

  private String rolledHash() {
    Deployment d = client.apps().deployments().inNamespace(LocalCluster.ADAPTER_NAMESPACE)
        .withName(LocalCluster.ADAPTER_DEPLOYMENT).get();
    var annotations = d.getSpec().getTemplate().getMetadata().getAnnotations();
    return annotations == null ? "" : annotations.getOrDefault(AdapterRules.CONFIG_HASH_ANNOTATION, "");
  }
}
