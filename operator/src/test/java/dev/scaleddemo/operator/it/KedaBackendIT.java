package dev.scaleddemo.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.api.v1alpha1.Annotations;
import dev.scaleddemo.operator.manifest.AdapterRules;
import dev.scaleddemo.operator.manifest.ScaledObjectManifest;
import dev.scaleddemo.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Keda backend with the packaged operator (its generated RBAC) on the real control plane: first without KEDA's
 * CRD (a condition; the PrometheusAdapter backend works as before), then with KEDA's ScaledObject CRD from
 * hack/build-keda.sh crds. KEDA itself does not run here (ScalingE2EIT runs it): its ScaledObjects get no status.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KedaBackendIT {
  static final String NS = "sdo-keda-" + UUID.randomUUID().toString().substring(0, 8);
  static final String SCALED_OBJECT_CRD = "scaledobjects.keda.sh";
  static final String KEDA_APP = "keda-app";
  static final String ADAPTER_APP = "adapter-app";
  static final String KEDA_APP_SPEC = "spec:\n  scaling: {backend: Keda}\n  metric: {counter: keda_it_clicks_total}\n";
  static final String ADAPTER_APP_SPEC = "spec:\n  metric: {counter: switch_it_clicks_total}\n";

  @RegisterExtension
  static final OperatorUnderTest sdo = OperatorUnderTest.startedByTests().namespaces(NS);

  @BeforeAll
  static void start() {
    sdo.cluster().kubectl("delete", "crd", SCALED_OBJECT_CRD, "--ignore-not-found", "--wait=true");
    sdo.start("keda-it");
  }

  /** Without KEDA's CRD: the Keda app says so (and stalls), the PrometheusAdapter app is reconciled as ever. */
  @Test
  @Order(1)
  void missingKedaCrdIsAConditionAndTheAdapterBackendStillWorks() {
    sdo.apps().create(KEDA_APP, KEDA_APP_SPEC);
    sdo.apps().create(ADAPTER_APP, ADAPTER_APP_SPEC);
    // Ready names the missing CRD once the Deployment is available (DeploymentUnavailable comes first until then)
    Apps.await("KedaCRDMissing reported").until(() -> sdo.apps().hasCondition(KEDA_APP,
        Conditions.SCALED_OBJECT_READY, Conditions.FALSE, Conditions.KEDA_CRD_MISSING)
        && sdo.apps().hasCondition(KEDA_APP, Conditions.STALLED, Conditions.TRUE, Conditions.KEDA_CRD_MISSING)
        && sdo.apps().hasCondition(KEDA_APP, Conditions.READY, Conditions.FALSE, Conditions.KEDA_CRD_MISSING));
    assertThat(sdo.apps().condition(KEDA_APP, Conditions.ADAPTER_RULE_SYNCED)).as("no adapter rule on the Keda backend")
        .isNull();
    assertThat(sdo.client().apps().deployments().inNamespace(NS).withName(KEDA_APP).get()).isNotNull();
    assertThat(hpa(KEDA_APP)).as("no HPA of ours on the Keda backend").isNull();
    assertThat(adapterRules()).doesNotContain("keda_it_clicks_per_second");

    Apps.await("adapter app's HPA and rule").until(() -> hpa(ADAPTER_APP) != null
        && sdo.apps().hasCondition(ADAPTER_APP, Conditions.ADAPTER_RULE_SYNCED, Conditions.TRUE, null));
    assertThat(adapterRules()).contains("switch_it_clicks_per_second");
    assertThat(sdo.operator().isAlive()).as("a missing CRD is a condition, not a crash").isTrue();
  }

  /** KEDA's CRD installed while the operator runs: the ScaledObject appears without a restart. */
  @Test
  @Order(2)
  void kedaCrdInstalledLaterBringsTheScaledObject() {
    sdo.cluster().kubectl("apply", "--server-side", "--force-conflicts", "-f", kedaCrd().toString());
    sdo.cluster().awaitEstablished(SCALED_OBJECT_CRD);
    Apps.await("ScaledObject created").atMost(Duration.ofSeconds(90))
        .until(() -> scaledObjects().withName(KEDA_APP).get() != null);
    GenericKubernetesResource so = scaledObjects().withName(KEDA_APP).get();
    @SuppressWarnings("unchecked")
    var spec = (Map<String, Object>) so.getAdditionalProperties().get("spec");
    assertThat(spec).containsEntry("minReplicaCount", 1).containsEntry("maxReplicaCount", 10);
    assertThat(spec.get("triggers").toString()).contains("type=" + ScaledObjectManifest.PROMETHEUS_TRIGGER)
        .contains("keda_it_clicks_total{namespace=\"" + NS + "\",service=\"" + KEDA_APP + "\"}[2m]");
    // KEDA does not run here: the ScaledObject never becomes Ready, and the app says so
    Apps.await("ScaledObjectNotReady").until(() -> sdo.apps().hasCondition(KEDA_APP, Conditions.SCALED_OBJECT_READY,
        Conditions.FALSE, Conditions.SCALED_OBJECT_NOT_READY)
        && sdo.apps().hasCondition(KEDA_APP, Conditions.STALLED, Conditions.FALSE, null));
    assertThat(hpa(KEDA_APP)).isNull();
  }

  /**
   * A live app with 3 replicas switched PrometheusAdapter -> Keda -> PrometheusAdapter: at no sample two HPAs for
   * its Deployment, never fewer than 3 replicas; the adapter rule goes and comes back, the ScaledObject comes and
   * goes.
   */
  @Test
  @Order(3)
  void switchingBackendsKeepsTheReplicasAndOneAutoscaler() {
    // the adapter's HPA has no metric here (no adapter serves it), so it leaves the replicas as they are
    sdo.cluster().kubectl("-n", NS, "scale", "deployment", ADAPTER_APP, "--replicas=3");
    Apps.await("3 replicas").until(() -> replicas(ADAPTER_APP) == 3);
    try (Sampler sampler = Sampler.watch("one HPA, >= 3 replicas", Duration.ofMillis(200), () -> {
      List<String> v = new ArrayList<>();
      int r = replicas(ADAPTER_APP);
      if (r < 3) v.add("replicas " + r);
      if (hpa(ADAPTER_APP) != null && hpa("keda-hpa-" + ADAPTER_APP) != null) v.add("two HPAs");
      return v;
    })) {
      patchBackend("Keda");
      Apps.await("ScaledObject instead of the HPA and the adapter rule").until(() ->
          scaledObjects().withName(ADAPTER_APP).get() != null && hpa(ADAPTER_APP) == null
              && !adapterRules().contains("switch_it_clicks_per_second"));
      Apps.await("status on the Keda backend").until(() ->
          sdo.apps().condition(ADAPTER_APP, Conditions.ADAPTER_RULE_SYNCED) == null
              && sdo.apps().hasCondition(ADAPTER_APP, Conditions.SCALED_OBJECT_READY, Conditions.FALSE,
                  Conditions.SCALED_OBJECT_NOT_READY));

      patchBackend("PrometheusAdapter");
      Apps.await("HPA and adapter rule instead of the ScaledObject").until(() ->
          scaledObjects().withName(ADAPTER_APP).get() == null && hpa(ADAPTER_APP) != null
              && adapterRules().contains("switch_it_clicks_per_second"));
      Apps.await("status on the PrometheusAdapter backend").until(() ->
          sdo.apps().condition(ADAPTER_APP, Conditions.SCALED_OBJECT_READY) == null
              && sdo.apps().hasCondition(ADAPTER_APP, Conditions.ADAPTER_RULE_SYNCED, Conditions.TRUE, null));
      Sampler.holds("replicas after the switch", Duration.ofSeconds(10), Duration.ofMillis(200),
          () -> replicas(ADAPTER_APP), 3);
      sampler.stopAndAssert(20);
    }
  }

  /**
   * The day-two settings reach KEDA: onMetricLoss Fallback as KEDA's fallback, the pause annotation as KEDA's. The
   * annotation is set before a spec change: a change of annotations alone does not trigger a reconcile (the
   * controller reacts to generation changes; the pause is picked up with the next reconcile).
   */
  @Test
  @Order(4)
  void fallbackAndPauseAreKedasOwn() {
    sdo.cluster().kubectl("-n", NS, "annotate", "scaleddemoapp", KEDA_APP, Annotations.PAUSED + "=true");
    patchOnMetricLoss("{\"policy\":\"Fallback\",\"fallbackReplicas\":2,\"after\":\"1m\"}");
    Apps.await("fallback and pause on the ScaledObject").untilAsserted(() -> {
      GenericKubernetesResource so = scaledObjects().withName(KEDA_APP).get();
      assertThat(so.getMetadata().getAnnotations()).containsEntry("autoscaling.keda.sh/paused", "true");
      // 1m of failed polls every 15s (the default polling interval)
      assertThat(((Map<?, ?>) so.getAdditionalProperties().get("spec")).get("fallback"))
          .isEqualTo(Map.of("failureThreshold", 4, "replicas", 2, "behavior", "currentReplicasIfHigher"));
    });
    sdo.cluster().kubectl("-n", NS, "annotate", "scaleddemoapp", KEDA_APP, Annotations.PAUSED + "-");
    patchOnMetricLoss("{\"policy\":\"Hold\"}");
    Apps.await("pause and fallback lifted").untilAsserted(() -> {
      GenericKubernetesResource so = scaledObjects().withName(KEDA_APP).get();
      assertThat(so.getMetadata().getAnnotations()).doesNotContainKey("autoscaling.keda.sh/paused");
      assertThat(((Map<?, ?>) so.getAdditionalProperties().get("spec")).containsKey("fallback")).isFalse();
    });
  }

  private void patchOnMetricLoss(String json) {
    sdo.cluster().kubectl("-n", NS, "patch", "scaleddemoapp", KEDA_APP, "--type=merge", "-p",
        "{\"spec\":{\"scaling\":{\"onMetricLoss\":" + json + "}}}");
  }

  private void patchBackend(String backend) {
    sdo.cluster().kubectl("-n", NS, "patch", "scaleddemoapp", ADAPTER_APP, "--type=merge", "-p",
        "{\"spec\":{\"scaling\":{\"backend\":\"" + backend + "\"}}}");
  }

  static Path kedaCrd() {
    var r = LocalCluster.exec(sdo.cluster().root(), Map.of(), Duration.ofMinutes(5), null, "bash", "hack/build-keda.sh",
        "crds");
    assertThat(r.code()).as(r.output()).isZero();
    String[] lines = r.stdout().strip().split("\n");
    return Path.of(lines[lines.length - 1].strip()).resolve("keda.sh_scaledobjects.yaml");
  }

  static NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> scaledObjects() {
    return sdo.client().genericKubernetesResources("keda.sh/v1alpha1", "ScaledObject").inNamespace(NS);
  }

  static HorizontalPodAutoscaler hpa(String name) {
    return sdo.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName(name).get();
  }

  static int replicas(String name) {
    var d = sdo.client().apps().deployments().inNamespace(NS).withName(name).get();
    return d == null || d.getSpec().getReplicas() == null ? -1 : d.getSpec().getReplicas();
  }

  static String adapterRules() {
    var cm = sdo.client().configMaps().inNamespace(LocalCluster.ADAPTER_NAMESPACE)
        .withName(LocalCluster.ADAPTER_CONFIG_MAP)
        .get();
    String record = cm.getMetadata().getAnnotations() == null ? null
        : cm.getMetadata().getAnnotations().get(AdapterRules.RECORD_ANNOTATION);
    return AdapterRules.Record.parse(record).rules().keySet() + " " + cm.getData();
  }
}
