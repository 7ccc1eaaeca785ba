package dev.scaleddemo.operator.it;

import static dev.scaleddemo.operator.it.Wait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.it.ClusterProvider.Capability;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.config.WatchEventStreamingTest;
import dev.scaleddemo.operator.status.Conditions;
import dev.scaleddemo.operator.manifest.AdapterRules;
import dev.scaleddemo.operator.manifest.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator, in-process, against a real API server, controller-manager (GC, deployment, HPA) and kwok nodes.
 * Every test uses its own ScaledDemoApp name and, where the shared adapter config matters, its own counter.
 */
@NeedsCluster(Capability.FAKE_NODES)
@QuarkusTest
@QuarkusTestResource(value = LocalClusterResource.class, restrictToAnnotatedClass = true)
class OperatorIT {
  private static final Logger LOG = Logger.getLogger(OperatorIT.class);
  private static final String SAMPLE_COUNTER = "demo_app_button_clicks_total";
  private static final String HASH_ANNOTATION = AdapterRules.CONFIG_HASH_ANNOTATION;
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String NS = "sdo-it-" + UUID.randomUUID().toString().substring(0, 8);
  private static boolean namespaceCreated;

  @Inject
  KubernetesClient client;

  @Inject
  @KubernetesClientObjectMapper
  ObjectMapper clientMapper;

  LocalCluster cluster = LocalCluster.get();
  Apps apps;

  @BeforeEach
  void namespace() {
    // the operator and the tests share Quarkus' client: it must talk to the local cluster
    assertThat(client.getMasterUrl().toString()).startsWith(cluster.serverUrl());
    apps = new Apps(client, NS);
    if (!namespaceCreated) {
      cluster.createNamespace(NS);
      namespaceCreated = true;
    }
  }

  /** Deletes every ScaledDemoApp of the test, so that the adapter config only holds what later tests expect. */
  @AfterEach
  void deleteApps() {
    apps.deleteAll();
  }

  // ------------------------------------------------------------------------------------------------ a. sample

  @Test
  void tutorialSampleCreatesEveryChildAndBecomesReady() throws Exception {
    String name = "prometheus-demo-app";
    ScaledDemoApp app = apps.create(sampleYaml());
    String uid = app.getMetadata().getUid();

    Deployment deployment = awaitChild(() -> client.apps().deployments().inNamespace(NS).withName(name).get(), uid);
    awaitChild(() -> client.services().inNamespace(NS).withName(name).get(), uid);
    Ingress ingress = awaitChild(() -> client.network().v1().ingresses().inNamespace(NS).withName(name).get(), uid);
    awaitChild(() -> client.resources(ServiceMonitor.class).inNamespace(NS).withName(name).get(), uid);
    HorizontalPodAutoscaler hpa = awaitChild(
        () -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName(name).get(), uid);
    awaitChild(() -> client.configMaps().inNamespace(NS).withName(name + "-dashboard").get(), uid);

    assertThat(ingress.getSpec().getRules()).extracting(r -> r.getHost())
        .containsExactly("prometheus-demo-app.example.com");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(name);
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(1);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
    // the HPA owns spec.replicas: no field manager but the API server's defaulting may have set it on apply
    assertNoOperatorOwnedReplicas(deployment);

    await("Deployment " + name + " ready on the kwok nodes").untilAsserted(() -> {
      Deployment d = client.apps().deployments().inNamespace(NS).withName(name).get();
      assertThat(d.getStatus()).isNotNull();
      assertThat(d.getStatus().getReadyReplicas()).isNotNull().isGreaterThanOrEqualTo(1);
    });
    assertNoOperatorOwnedReplicas(client.apps().deployments().inNamespace(NS).withName(name).get());

    apps.awaitConverged(name);

    await("adapter rule for " + SAMPLE_COUNTER).untilAsserted(() -> {
      JsonNode config = adapterConfig();
      assertThat(ruleFor(config, SAMPLE_COUNTER)).as("our rule").isNotNull();
      assertThat(ruleFor(config, SAMPLE_COUNTER).path("metricsQuery").asText()).contains("[2m]");
      assertThat(foreignRule(config)).as("foreign rule kept").isNotNull();
      assertThat(recordedMetrics()).contains("demo_app_button_clicks_per_second");
    });
    await("adapter rolled").untilAsserted(() -> {
      Deployment adapter = adapterDeployment();
      assertThat(adapter.getSpec().getTemplate().getMetadata().getAnnotations()).containsKey(HASH_ANNOTATION);
      assertThat(adapter.getSpec().getTemplate().getMetadata().getAnnotations().get(HASH_ANNOTATION)).isNotBlank();
    });
  }

  // ------------------------------------------------------------------------------------------------ spec kept

  /** Regression: the finalizer was once added with a default spec that overwrote the user's. */
  @Test
  void theUsersSpecIsNeverRewrittenAndAMissingSpecMeansDefaults() {
    String name = "kept-spec";
    apps.create(name, """
        spec:
          scaling:
            maxReplicas: 3
          metric:
            counter: kept_clicks_total
        """);
    ScaledDemoApp ready = apps.awaitConverged(name);
    assertThat(ready.getSpec().getMetric().getCounter()).isEqualTo("kept_clicks_total");
    assertThat(ready.getSpec().getScaling().getMaxReplicas()).isEqualTo(3);
    assertThat(ready.getMetadata().getGeneration()).as("nobody but the user wrote the spec").isEqualTo(1L);

    apps.create("empty-spec", "spec: {}");
    apps.awaitConverged("empty-spec");
    var hpa = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("empty-spec").get();
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
    assertThat(hpa.getSpec().getMetrics().get(0).getPods().getMetric().getName())
        .isEqualTo("demo_app_button_clicks_per_second");
  }

  // ------------------------------------------------------------------------------------------------ adapter sharing

  /** Several apps reconciled at once keep each other's rules; each (counter, window) gets its own rule and metric. */
  @Test
  void concurrentAppsKeepEachOthersRulesAndEachWindowGetsItsOwnRule() throws Exception {
    List<String> counters = List.of("conc_a_clicks_total", "conc_b_clicks_total", "conc_c_clicks_total",
        "conc_d_clicks_total");
    for (int i = 0; i < counters.size(); i++) {
      apps.create("conc-" + i, "spec:\n  metric:\n    counter: " + counters.get(i) + "\n");
    }
    await("one rule per counter").untilAsserted(() -> {
      JsonNode config = adapterConfig();
      for (String c : counters) {
        assertThat(ruleFor(config, c)).as(c).isNotNull();
      }
      assertThat(foreignRule(config)).as("foreign rule kept").isNotNull();
    });

    apps.create("window-2m", "spec:\n  metric:\n    counter: shared_clicks_total\n  scaling:\n    rateWindow: 2m\n");
    apps.create("window-5m", "spec:\n  metric:\n    counter: shared_clicks_total\n  scaling:\n    rateWindow: 5m\n");
    apps.awaitConverged("window-2m");
    apps.awaitConverged("window-5m");
    JsonNode config = adapterConfig();
    assertThat(ruleNamed(config, "shared_clicks_per_second").path("metricsQuery").asText()).contains("[2m]");
    assertThat(ruleNamed(config, "shared_clicks_per_second_5m").path("metricsQuery").asText()).contains("[5m]");
    assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("window-5m").get()
        .getSpec().getMetrics().get(0).getPods().getMetric().getName()).isEqualTo("shared_clicks_per_second_5m");
    assertThat(recordedMetrics()).contains("shared_clicks_per_second", "shared_clicks_per_second_5m");
  }

  // ------------------------------------------------------------------------------------------------ PSS

  /** The demo app's pods pass the `restricted` Pod Security Standard enforced by the real admission plugin. */
  @Test
  void restrictedNamespaceAdmitsTheDemoAppPods() {
    String ns = NS + "-restricted";
    Apps restricted = new Apps(client, ns);
    cluster.kubectlStdin("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n  labels:\n"
        + "    pod-security.kubernetes.io/enforce: restricted\n    pod-security.kubernetes.io/enforce-version: latest\n",
        "apply", "-f", "-");
    try {
      restricted.create("restricted-app", "spec:\n  metric:\n    counter: restricted_clicks_total\n");
      await("a ready pod in the restricted namespace").untilAsserted(() -> {
        Deployment d = client.apps().deployments().inNamespace(ns).withName("restricted-app").get();
        assertThat(d).isNotNull();
        assertThat(d.getStatus()).isNotNull();
        assertThat(d.getStatus().getReadyReplicas()).as(String.valueOf(d.getStatus().getConditions()))
            .isNotNull().isGreaterThanOrEqualTo(1);
      });
      // nothing was refused on the way
      assertThat(client.v1().events().inNamespace(ns).list().getItems())
          .noneMatch(e -> "FailedCreate".equals(e.getReason()));
      // control: the admission plugin does enforce `restricted` in this very namespace
      LocalCluster.Result privileged = cluster.kubectlResult("""
          apiVersion: v1
          kind: Pod
          metadata:
            name: privileged
          spec:
            containers:
            - name: c
              image: example.org/any:1
              securityContext:
                privileged: true
          """, "-n", ns, "create", "-f", "-");
      assertThat(privileged.code()).as(privileged.output()).isNotZero();
      assertThat(privileged.stderr()).contains("violates PodSecurity \"restricted:latest\"")
          .contains("privileged");
    } finally {
      restricted.deleteAll();
      client.namespaces().withName(ns).delete();
    }
  }

  // ------------------------------------------------------------------------------------------------ b. kubectl

  @Test
  void kubectlPrintsTheColumns() throws Exception {
    String name = "kubectl-demo-app";
    apps.create(sampleYaml().replace("name: prometheus-demo-app", "name: " + name)
        .replace("host: prometheus-demo-app.example.com", "host: kubectl-demo-app.example.com"));
    apps.awaitConverged(name);

    await("kubectl get scaleddemoapps").untilAsserted(() -> {
      String out = cluster.kubectl("get", "scaleddemoapps", "-n", NS);
      LOG.infof("kubectl get scaleddemoapps:%n%s", out);
      assertThat(KubectlTable.header(out))
          .containsExactly("NAME", "READY", "MODE", "REPLICAS", "DESIRED", "CLICKS/S", "TARGET", "MIN", "MAX", "AGE");
      Map<String, String> cells = KubectlTable.row(out, name);
      assertThat(cells.get("READY")).isEqualTo("True");
      assertThat(cells.get("MODE")).isEqualTo(Conditions.MODE_AUTO);
      assertThat(List.of(cells.get("TARGET"), cells.get("MIN"), cells.get("MAX"))).containsExactly("10m", "1", "10");
    });
    assertThat(cluster.kubectl("get", "sda", "-n", NS)).contains(name);
    String all = cluster.kubectl("get", "all", "-n", NS);
    LOG.infof("kubectl get all:%n%s", all);
    assertThat(all).contains("scaleddemoapp.scaleddemo.dev/" + name);
  }

  // ------------------------------------------------------------------------------------------------ c. invalid

  @Test
  void apiServerRefusesInvalidSpecs() {
    assertRefused("invalid-min-max", """
        spec:
          scaling:
            minReplicas: 5
            maxReplicas: 2
        """, "spec.scaling.minReplicas");
    assertRefused("invalid-target", """
        spec:
          scaling:
            targetClicksPerSecondPerPod: "0"
        """, "spec.scaling.targetClicksPerSecondPerPod");
    assertRefused("invalid-host", """
        spec:
          ingress:
            host: Bad_Host
        """, "spec.ingress.host");
    assertRefused("invalid-window", """
        spec:
          scaling:
            rateWindow: 30s
          monitoring:
            interval: 15s
        """, "spec.scaling.rateWindow");

    // unknown field: refused with server-side strict field validation (what kubectl --validate=strict asks for)
    LocalCluster.Result unknown = cluster.kubectlResult(Apps.yaml("invalid-unknown", """
        spec:
          bogusField: 1
        """), "create", "--validate=strict", "-n", NS, "-f", "-");
    assertThat(unknown.code()).as(unknown.stderr()).isNotZero();
    assertThat(unknown.stderr()).contains("unknown field \"spec.bogusField\"");
    // wrong type: refused by the schema whatever the field validation
    LocalCluster.Result wrongType = cluster.kubectlResult(Apps.yaml("invalid-type", """
        spec:
          scaling:
            minReplicas: abc
        """), "create", "--validate=false", "-n", NS, "-f", "-");
    assertThat(wrongType.code()).as(wrongType.stderr()).isNotZero();
    assertThat(wrongType.stderr()).contains("spec.scaling.minReplicas");

    for (String name : List.of("invalid-min-max", "invalid-target", "invalid-host", "invalid-window",
        "invalid-unknown", "invalid-type")) {
      assertThat(apps.get(name)).as(name).isNull();
      assertThat(client.apps().deployments().inNamespace(NS).withName(name).get()).as(name).isNull();
    }
  }

  private void assertRefused(String name, String spec, String field) {
    KubernetesClientException e = apps.refusal(name, spec);
    assertThat(e.getCode()).as(e.getMessage()).isEqualTo(422);
    assertThat(e.getMessage()).contains(field);
  }

  // ------------------------------------------------------------------------------------------------ d. update

  @Test
  void updateFollowsMaxReplicasAndRemovesIngress() throws Exception {
    String name = "update-demo-app";
    apps.create(name, """
        spec:
          scaling:
            minReplicas: 1
            maxReplicas: 10
          metric:
            counter: update_clicks_total
          ingress:
            host: update-demo-app.example.com
        """);
    apps.awaitConverged(name);
    assertThat(client.network().v1().ingresses().inNamespace(NS).withName(name).get()).isNotNull();

    apps.app(name).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"scaling\":{\"maxReplicas\":4},\"ingress\":null}}");

    await("HPA maxReplicas 4").untilAsserted(() -> assertThat(
        client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName(name).get().getSpec()
            .getMaxReplicas()).isEqualTo(4));
    await("Ingress deleted")
        .until(() -> client.network().v1().ingresses().inNamespace(NS).withName(name).get() == null);
    apps.awaitConverged(name);
  }

  // ------------------------------------------------------------------------------------------------ e. scale

  @Test
  void replicasSetThroughTheScaleSubresourceSurviveReconciles() throws Exception {
    String name = "scale-demo-app";
    apps.create(name, """
        spec:
          scaling:
            minReplicas: 1
            maxReplicas: 10
          metric:
            counter: scale_clicks_total
        """);
    apps.awaitConverged(name);

    // as the HPA does: through the scale subresource
    cluster.kubectl("scale", "deployment/" + name, "-n", NS, "--replicas=3");
    await("3 ready replicas").untilAsserted(() -> assertThat(
        client.apps().deployments().inNamespace(NS).withName(name).get().getStatus().getReadyReplicas())
        .isEqualTo(3));

    // trigger reconciles: a label (no new generation), then a spec change (new generation, observed once done)
    apps.app(name).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"labels\":{\"touched\":\"1\"}}}");
    apps.app(name).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"scaling\":{\"maxReplicas\":9}}}");
    await("HPA maxReplicas 9").untilAsserted(() -> assertThat(
        client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName(name).get().getSpec()
            .getMaxReplicas()).isEqualTo(9));
    apps.awaitApp("generation observed", name, app -> SdaAssert.assertThat(app).hasObservedCurrentGeneration());
    // the generation moves with any spec change, so a dip between two samples fails too
    Deployment now = client.apps().deployments().inNamespace(NS).withName(name).get();
    Sampler.holds("replicas stay 3, the Deployment spec unchanged", Duration.ofSeconds(5), Duration.ofMillis(250),
        () -> {
          Deployment d = client.apps().deployments().inNamespace(NS).withName(name).get();
          return List.of(d.getSpec().getReplicas(), d.getMetadata().getGeneration());
        }, List.of(3, now.getMetadata().getGeneration()));
  }

  // ------------------------------------------------------------------------------------------------ f. repair

  @Test
  void deletedServiceAndBrokenAdapterRuleAreRepaired() throws Exception {
    String name = "repair-demo-app";
    String counter = "repair_clicks_total";
    apps.create(name, """
        spec:
          scaling:
            rateWindow: 2m
          monitoring:
            interval: 15s
          metric:
            counter: %s
        """.formatted(counter));
    apps.awaitConverged(name);

    Service before = client.services().inNamespace(NS).withName(name).get();
    client.services().inNamespace(NS).withName(name).delete();
    await("Service restored").untilAsserted(() -> {
      Service s = client.services().inNamespace(NS).withName(name).get();
      assertThat(s).isNotNull();
      assertThat(s.getMetadata().getUid()).isNotEqualTo(before.getMetadata().getUid());
      assertThat(s.getSpec().getPorts()).extracting(p -> p.getName()).contains("web");
    });

    await("our rule in place").until(() -> ruleFor(adapterConfig(), counter) != null);
    client.configMaps().inNamespace(LocalCluster.ADAPTER_NAMESPACE).withName(LocalCluster.ADAPTER_CONFIG_MAP)
        .edit(cm -> {
          cm.getData().put("config.yaml", cm.getData().get("config.yaml").replace("[2m]", "[9m]"));
          return cm;
        });
    await("our rule restored").untilAsserted(() -> {
      JsonNode config = adapterConfig();
      JsonNode rule = ruleFor(config, counter);
      assertThat(rule).isNotNull();
      assertThat(rule.path("metricsQuery").asText()).contains("[2m]").doesNotContain("[9m]");
      assertThat(foreignRule(config)).as("foreign rule kept").isNotNull();
    });
  }

  /**
   * Hand edits of the Deployment are undone: of its spec (a new generation) and of a label of ours (metadata only,
   * no new generation). Both must reach the operator although the Deployment controller's status updates that change
   * nothing the status shows do not (dependent/DeploymentChanged).
   */
  @Test
  void handEditsOfTheDeploymentAreUndone() {
    String name = "edited-demo-app";
    apps.create(name, """
        spec:
          metric:
            counter: edited_clicks_total
        """);
    apps.awaitConverged(name);
    var deployment = client.apps().deployments().inNamespace(NS).withName(name);
    String image = container(deployment.get()).getImage();

    deployment.edit(d -> {
      container(d).setImage("registry.example/someone-else:1");
      return d;
    });
    await("image restored").until(() -> image.equals(container(deployment.get()).getImage()));

    deployment.edit(d -> {
      d.getMetadata().getLabels().put(Labels.INSTANCE, "someone-else");
      return d;
    });
    await("label restored").until(() -> name.equals(deployment.get().getMetadata().getLabels().get(Labels.INSTANCE)));
  }

  private static Container container(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  // ------------------------------------------------------------------------------------------------ g. delete

  @Test
  void deletingTheAppGarbageCollectsChildrenAndRemovesTheRule() throws Exception {
    String name = "delete-demo-app";
    String counter = "delete_clicks_total";
    apps.create(name, """
        spec:
          metric:
            counter: %s
          monitoring:
            dashboard: true
          ingress:
            host: delete-demo-app.example.com
        """.formatted(counter));
    apps.awaitConverged(name);
    await("our rule in place").until(() -> ruleFor(adapterConfig(), counter) != null);
    assertThat(client.network().v1().ingresses().inNamespace(NS).withName(name).get()).isNotNull();
    assertThat(client.configMaps().inNamespace(NS).withName(name + "-dashboard").get()).isNotNull();

    apps.app(name).delete();
    await("ScaledDemoApp gone").until(() -> apps.get(name) == null);
    await("children garbage-collected").atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
      assertThat(client.apps().deployments().inNamespace(NS).withName(name).get()).as("Deployment").isNull();
      assertThat(client.services().inNamespace(NS).withName(name).get()).as("Service").isNull();
      assertThat(client.network().v1().ingresses().inNamespace(NS).withName(name).get()).as("Ingress").isNull();
      assertThat(client.resources(ServiceMonitor.class).inNamespace(NS).withName(name).get()).as("ServiceMonitor").isNull();
      assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName(name).get())
          .as("HPA").isNull();
      assertThat(client.configMaps().inNamespace(NS).withName(name + "-dashboard").get()).as("dashboard").isNull();
      assertThat(client.apps().replicaSets().inNamespace(NS).withLabel(Labels.INSTANCE, name).list()
          .getItems()).as("ReplicaSets").isEmpty();
    });
    await("rule removed").untilAsserted(() -> {
      JsonNode config = adapterConfig();
      assertThat(ruleFor(config, counter)).as("our rule").isNull();
      assertThat(foreignRule(config)).as("foreign rule kept").isNotNull();
      assertThat(recordedMetrics()).doesNotContain("delete_clicks_per_second");
    });
    // @AfterEach of earlier tests removed their apps, so (on a cluster of its own) this was the last one: nothing
    // is owned any more. A reused cluster may hold other people's apps, whose counters stay owned.
    if (client.resources(ScaledDemoApp.class).inAnyNamespace().list().getItems().isEmpty()) {
      await("record empty").untilAsserted(() -> assertThat(recordedMetrics()).isEmpty());
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private static String sampleYaml() throws IOException {
    return Files.readString(TestApps.root().resolve("samples/prometheus-demo-app.yaml"));
  }

  private <T extends HasMetadata> T awaitChild(Supplier<T> get, String ownerUid) {
    List<T> found = new ArrayList<>();
    await("child of " + ownerUid).untilAsserted(() -> {
      T child = get.get();
      assertThat(child).isNotNull();
      assertThat(child.getMetadata().getOwnerReferences()).extracting(OwnerReference::getUid).contains(ownerUid);
      OwnerReference ref = child.getMetadata().getOwnerReferences().stream()
          .filter(r -> ownerUid.equals(r.getUid())).findFirst().orElseThrow();
      assertThat(ref.getKind()).isEqualTo(Apps.KIND);
      assertThat(ref.getController()).isTrue();
      found.add(child);
    });
    return found.get(found.size() - 1);
  }

  /** No field manager but the API server's defaulting (no manager) and scalers own spec.replicas. */
  private static void assertNoOperatorOwnedReplicas(Deployment d) {
    for (ManagedFieldsEntry e : d.getMetadata().getManagedFields()) {
      if (e.getFieldsV1() == null || e.getSubresource() != null && e.getSubresource().equals("scale")) {
        continue;
      }
      Object spec = e.getFieldsV1().getAdditionalProperties().get("f:spec");
      if (spec instanceof Map<?, ?> m) {
        assertThat(m.containsKey("f:replicas"))
            .as("manager %s (%s) owns spec.replicas", e.getManager(), e.getOperation()).isFalse();
      }
    }
  }

  private ConfigMap adapterConfigMap() {
    return client.configMaps().inNamespace(LocalCluster.ADAPTER_NAMESPACE).withName(LocalCluster.ADAPTER_CONFIG_MAP)
        .get();
  }

  private Deployment adapterDeployment() {
    return client.apps().deployments().inNamespace(LocalCluster.ADAPTER_NAMESPACE)
        .withName(LocalCluster.ADAPTER_DEPLOYMENT).get();
  }

  private JsonNode adapterConfig() throws IOException {
    return YAML.readTree(adapterConfigMap().getData().get("config.yaml"));
  }

  /** Metric names of the rules the operator recorded as its own. */
  private java.util.Set<String> recordedMetrics() {
    Map<String, String> annotations = adapterConfigMap().getMetadata().getAnnotations();
    return AdapterRules.Record.parse(annotations == null ? null : annotations.get(AdapterRules.RECORD_ANNOTATION))
        .rules().keySet();
  }

  // ------------------------------------------------------------------------------------------------ client

  /** The client's serialization, which every informer reads its watch events with, streams them into classes. */
  @Test
  void theClientReadsWatchEventsWithoutTrees() throws Exception {
    ObjectMapper mapper = clientMapper.copy();
    WatchEventStreamingTest.CountingNodes trees = new WatchEventStreamingTest.CountingNodes();
    mapper.setNodeFactory(trees);
    KubernetesSerialization serialization = new KubernetesSerialization(mapper, false);
    serialization.registerKubernetesResource(Deployment.class);

    WatchEvent event = serialization.unmarshal(Files.readString(WatchEventStreamingTest.DEPLOYMENT_EVENT),
        WatchEvent.class);

    assertThat(event.getObject()).isInstanceOf(Deployment.class);
    assertThat(trees.objects).hasValue(0);
  }

  private static JsonNode ruleNamed(JsonNode config, String metric) {
    for (JsonNode rule : config.path("rules")) {
      if (metric.equals(rule.path("name").path("as").asText())) {
        return rule;
      }
    }
    return null;
  }

  private static JsonNode ruleFor(JsonNode config, String counter) {
    for (JsonNode rule : config.path("rules")) {
      if (AdapterRules.seriesQuery(counter).equals(rule.path("seriesQuery").asText())) {
        return rule;
      }
    }
    return null;
  }

  private static JsonNode foreignRule(JsonNode config) {
    for (JsonNode rule : config.path("rules")) {
      if (LocalCluster.FOREIGN_RULE_MATCHES.equals(rule.path("name").path("matches").asText())
          && rule.path("metricsQuery").asText().contains("container!=\"POD\"")) {
        return rule;
      }
    }
    return null;
  }
}
