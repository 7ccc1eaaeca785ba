package dev.scaleddemo.operator.it;

import dev.scaleddemo.operator.it.ClusterProvider.Capability;
import dev.scaleddemo.operator.manifest.AdapterRules;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Upgrade from the previous release (the commit in {@code hack/previous-release}, built by
 * {@code hack/build-previous-release.sh}) to this tree, on the real control plane, with live apps whose replicas the
 * "HPA" chose: nothing is deleted or recreated, no rollout unless the pod template really changed, replicas stay,
 * adapter rules never disappear, and the status converges.
 */
@NeedsCluster({Capability.FAKE_NODES, Capability.AUDIT_LOG})
class UpgradeIT {
  static final String NS = "sdo-upgrade-" + UUID.randomUUID().toString().substring(0, 8);
  /** App name -> replicas that the HPA is supposed to have chosen. */
  static final Map<String, Integer> APPS = Map.of("prometheus-demo-app", 3, "upgrade-a", 2, "upgrade-b", 1);
  static final Map<String, String> COUNTERS = Map.of("prometheus-demo-app", "demo_app_button_clicks_total",
      "upgrade-a", "upgrade_a_clicks_total", "upgrade-b", "upgrade_b_clicks_total");
  static final Duration RULE_SAMPLE_INTERVAL = Duration.ofMillis(200);

  @RegisterExtension
  static final OperatorUnderTest sdo = OperatorUnderTest.startedByTests().namespaces(NS);
  static Path previous;

  @BeforeAll
  static void buildPreviousRelease() {
    previous = LocalCluster.build(sdo.cluster().root(), "hack/build-previous-release.sh", Duration.ofMinutes(20));
  }

  @Test
  void upgradeFromThePreviousReleaseKeepsRunningAppsIntact() throws Exception {
    String commit = Files.readString(previous.resolve("commit")).strip();
    // --- the previous release, as it was installed: its CRD, its RBAC, its operator
    sdo.cluster().kubectl("apply", "--server-side", "--force-conflicts", "-f",
        previous.resolve(LocalCluster.CRD_FILE).toString());
    OperatorProcess old = sdo.start("previous-" + commit.substring(0, 7), previous.resolve("quarkus-app"),
        previous.resolve("kubernetes.yml"));
    Sampler ruleWatcher = null;
    try {
      assertThat(missingRules()).as("control: the rule check sees the rules of apps not created yet missing")
          .hasSize(COUNTERS.size());
      sdo.cluster().applySample(NS, "prometheus-demo-app.yaml");
      for (String name : List.of("upgrade-a", "upgrade-b")) {
        sdo.apps().create(name, "spec: {metric: {counter: %s}, scaling: {maxReplicas: 5}}\n"
            .formatted(COUNTERS.get(name)));
      }
      APPS.keySet().forEach(sdo.apps()::awaitConverged);
      // what the HPA would do with load: scale through the scale subresource
      APPS.forEach((name, replicas) -> sdo.cluster().kubectl("-n", NS, "scale", "deployment", name,
          "--replicas=" + replicas));
      APPS.forEach((name, replicas) -> Wait.await(name + " at " + replicas + " ready replicas").until(() -> {
        Deployment d = sdo.client().apps().deployments().inNamespace(NS).withName(name).get();
        return d.getStatus() != null && Integer.valueOf(replicas).equals(d.getStatus().getReadyReplicas());
      }));

      Map<String, String> uidsBefore = childUids();
      Map<String, Long> deploymentGenerations = deploymentGenerations();
      Set<String> replicaSetsBefore = replicaSets();
      String adapterHashBefore = adapterConfigHash();
      String adapterConfigBefore = adapterConfigMap().getData().get("config.yaml");
      assertThat(adapterConfigMap().getMetadata().getAnnotations()).containsKey(AdapterRules.LEGACY_ANNOTATION);
      APPS.keySet().forEach(name -> assertThat(uidsBefore).containsKeys("Deployment/" + name, "Service/" + name,
          "HorizontalPodAutoscaler/" + name, "ServiceMonitor/" + name));

      // --- the upgrade: stop the old operator, install the new CRD and RBAC, start the new operator
      Instant watchStart = Instant.now();
      ruleWatcher = Sampler.watch("adapter rules present throughout the upgrade", RULE_SAMPLE_INTERVAL,
          UpgradeIT::missingRules);
      old.stop();
      sdo.cluster().kubectl("apply", "--server-side", "--force-conflicts", "-f",
          sdo.cluster().root().resolve("operator/target/kubernetes/" + LocalCluster.CRD_FILE).toString());
      Instant upgradedAt = Instant.now();
      OperatorProcess current = sdo.start("current");
      for (String name : APPS.keySet()) {
        Wait.await("the new operator reconciled " + name)
            .until(() -> current.reconciles(NS + "/" + name + " ") > 0);
        sdo.apps().awaitConverged(name);
      }
      // a spec change after the upgrade is reconciled by the new operator and observed in the status
      sdo.cluster().kubectl("-n", NS, "patch", "sda", "upgrade-b", "--type=merge", "-p",
          "{\"spec\":{\"scaling\":{\"maxReplicas\":4}}}");
      Wait.await("HPA of upgrade-b follows").until(() -> sdo.client().autoscaling().v2().horizontalPodAutoscalers()
          .inNamespace(NS).withName("upgrade-b").get().getSpec().getMaxReplicas() == 4);
      sdo.apps().awaitConverged("upgrade-b");
      assertThat(sdo.apps().observedGeneration("upgrade-b")).isEqualTo(2);
      Wait.await("the new operator settled").atMost(Duration.ofMinutes(2)).until(() ->
          AuditLog.lastWrite(sdo.cluster().auditLog(), OperatorProcess.USER).isBefore(Instant.now().minusSeconds(5)));

      // --- nothing running was disturbed
      assertThat(childUids()).as("no child deleted or recreated").isEqualTo(uidsBefore);
      APPS.forEach((name, replicas) -> assertThat(sdo.client().apps().deployments().inNamespace(NS).withName(name).get()
          .getSpec().getReplicas()).as("replicas of %s as the HPA set them", name).isEqualTo(replicas));
      boolean templateChanged = !golden(previous.resolve("golden"), "deployment.yaml")
          .equals(golden(sdo.cluster().root().resolve("operator/src/test/resources/golden"), "deployment.yaml"));
      if (templateChanged) {
        // the release changed the pod template on purpose: exactly one rollout per app
        assertThat(replicaSets()).hasSize(replicaSetsBefore.size() + APPS.size());
      } else {
        assertThat(deploymentGenerations()).as("no Deployment spec change").isEqualTo(deploymentGenerations);
        assertThat(replicaSets()).as("no rollout").isEqualTo(replicaSetsBefore);
      }
      // the previous release's rules move to the new ownership record without an edit: no roll, no metric gap
      Wait.await("ownership record migrated").untilAsserted(() -> {
        var annotations = adapterConfigMap().getMetadata().getAnnotations();
        assertThat(annotations).doesNotContainKey(AdapterRules.LEGACY_ANNOTATION);
        assertThat(AdapterRules.Record.parse(annotations.get(AdapterRules.RECORD_ANNOTATION)).rules().keySet())
            .containsExactlyInAnyOrderElementsOf(COUNTERS.values().stream()
                .map(c -> c.replace("_total", "_per_second")).toList());
      });
      assertThat(adapterConfigMap().getData().get("config.yaml")).as("rules kept byte for byte")
          .isEqualTo(adapterConfigBefore);
      assertThat(adapterConfigHash()).as("the adapter was not rolled: its rules did not change")
          .isEqualTo(adapterHashBefore);
      // a sample every 200 ms, at least half of them taken (the API server may be slow under load)
      ruleWatcher.stopAndAssert((int) (Duration.between(watchStart, Instant.now()).toMillis()
          / RULE_SAMPLE_INTERVAL.toMillis() / 2));
      System.out.printf("adapter rules: %d samples, no gap%n", ruleWatcher.samples());
      System.out.printf("upgrade %s -> current: %d children kept, replicas kept, converged %d s after the switch%n",
          commit.substring(0, 7), uidsBefore.size(), Duration.between(upgradedAt, Instant.now()).toSeconds());
    } finally {
      if (ruleWatcher != null) {
        ruleWatcher.close();
      }
    }
  }

  /** The apps' counters without a rule in the adapter ConfigMap; a missing ConfigMap or key misses them all. */
  static List<String> missingRules() {
    var cm = sdo.client().configMaps().inNamespace(LocalCluster.ADAPTER_NAMESPACE)
        .withName(LocalCluster.ADAPTER_CONFIG_MAP).get();
    String config = cm == null || cm.getData() == null ? null : cm.getData().get("config.yaml");
    if (config == null) {
      return List.of((cm == null ? "ConfigMap " : "key config.yaml of ConfigMap ") + LocalCluster.ADAPTER_NAMESPACE
          + "/" + LocalCluster.ADAPTER_CONFIG_MAP + " missing");
    }
    return COUNTERS.values().stream().filter(c -> !config.contains(c)).map(c -> c + " missing").sorted().toList();
  }

  /** kind/name -> uid of every child of the test's apps. */
  private static Map<String, String> childUids() {
    Map<String, String> uids = new TreeMap<>();
    Function<List<? extends HasMetadata>, Void> add = list -> {
      list.stream().filter(o -> !o.getMetadata().getOwnerReferences().isEmpty()
              && "ScaledDemoApp".equals(o.getMetadata().getOwnerReferences().get(0).getKind()))
          .forEach(o -> uids.put(o.getKind() + "/" + o.getMetadata().getName(), o.getMetadata().getUid()));
      return null;
    };
    add.apply(sdo.client().apps().deployments().inNamespace(NS).list().getItems());
    add.apply(sdo.client().services().inNamespace(NS).list().getItems());
    add.apply(sdo.client().network().v1().ingresses().inNamespace(NS).list().getItems());
    add.apply(sdo.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).list().getItems());
    add.apply(sdo.client().configMaps().inNamespace(NS).list().getItems());
    add.apply(sdo.client().genericKubernetesResources("monitoring.coreos.com/v1", "ServiceMonitor").inNamespace(NS)
        .list()
        .getItems());
    return uids;
  }

  private static Map<String, Long> deploymentGenerations() {
    Map<String, Long> generations = new TreeMap<>();
    sdo.client().apps().deployments().inNamespace(NS).list().getItems()
        .forEach(d -> generations.put(d.getMetadata().getName(), d.getMetadata().getGeneration()));
    return generations;
  }

  private static Set<String> replicaSets() {
    Set<String> names = new TreeSet<>();
    sdo.client().apps().replicaSets().inNamespace(NS).list().getItems()
        .forEach(rs -> names.add(rs.getMetadata().getName()));
    return names;
  }

  private static io.fabric8.kubernetes.api.model.ConfigMap adapterConfigMap() {
    return sdo.client().configMaps().inNamespace(LocalCluster.ADAPTER_NAMESPACE)
        .withName(LocalCluster.ADAPTER_CONFIG_MAP)
        .get();
  }

  private static String adapterConfigHash() {
    var annotations = sdo.client().apps().deployments().inNamespace(LocalCluster.ADAPTER_NAMESPACE)
        .withName(LocalCluster.ADAPTER_DEPLOYMENT).get().getSpec().getTemplate().getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(AdapterRules.CONFIG_HASH_ANNOTATION);
  }

  /** A golden file of the tutorial sample: what that build renders for it. */
  private static String golden(Path goldenDir, String file) throws IOException {
    return Files.readString(goldenDir.resolve("prometheus-demo-app").resolve(file));
  }
}
