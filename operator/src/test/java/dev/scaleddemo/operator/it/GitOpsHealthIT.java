package dev.scaleddemo.operator.it;

import static dev.scaleddemo.operator.it.Wait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.it.ClusterProvider.Capability;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleddemo.operator.Regeneration;
import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.api.v1alpha1.Annotations;
import dev.scaleddemo.operator.gitops.ArgoHealthCheck;
import dev.scaleddemo.operator.ship.ShipArtifacts;
import dev.scaleddemo.operator.status.Conditions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What GitOps tools make of the status the packaged operator writes on the real control plane: Flux's kstatus
 * (sigs.k8s.io/cli-utils status.Compute, built by hack/build-kstatus.sh) says Current for a Ready app, InProgress
 * while its pods cannot be scheduled or its new spec is not observed yet, Failed for a spec only the operator
 * refuses. The objects it read are the Argo CD health check's testdata: with {@code -Dargocd.update=true} this
 * test writes them (scrubbed of uids, resource versions and times), otherwise it checks the committed ones are
 * what the operator writes today (besides the HPA's own conditions, which come on the HPA controller's schedule).
 */
@NeedsCluster(Capability.FAKE_NODES)
class GitOpsHealthIT {
  static final String NS = "sdo-gitops";
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final OperatorUnderTest sdo = OperatorUnderTest.process("gitops").namespaces(NS);
  static final Map<String, JsonNode> captured = new TreeMap<>();
  static Path kstatus;

  @BeforeAll
  static void buildKstatus() {
    kstatus = ShipArtifacts.buildTool("build-kstatus.sh");
  }

  static void create(String name, String spec) {
    sdo.cluster().kubectlStdin(Apps.yaml(name, "spec:\n" + spec.indent(2)), "-n", NS, "create", "-f", "-");
  }

  static JsonNode read(String name) throws IOException {
    return JSON.readTree(sdo.cluster().kubectl("-n", NS, "get", "scaleddemoapp", name, "-o", "json"));
  }

  /** kstatus' verdict on the object as stored; the object becomes the Argo CD testdata {@code file}. */
  static String kstatus(String file, JsonNode obj) throws IOException {
    captured.put(file, obj);
    var r = LocalCluster.exec(sdo.cluster().root(), Map.of(), Duration.ofSeconds(30), obj.toString(),
        kstatus.toString());
    assertThat(r.code()).as(r.output()).isZero();
    return JSON.readTree(r.stdout()).path("status").asText();
  }

  static boolean conditionIs(String app, String type, String status) {
    return sdo.apps().hasCondition(app, type, status, null);
  }

  /**
   * The HPA's mirrored conditions have settled after its last rescale: it reports the missing metric, and its sync
   * after the rescale reads the scale again (AbleToScale turns from SucceededRescale to SucceededGetScale), so the
   * captured object is the same on every run.
   */
  static boolean hpaSettled(String app) {
    Map<String, Object> able = sdo.apps().condition(app, Conditions.ABLE_TO_SCALE);
    return conditionIs(app, Conditions.SCALING_ACTIVE, "False") && able != null
        && "SucceededGetScale".equals(able.get("reason"));
  }

  @Test
  void kstatusOnRealStatusesAndTheArgoTestdataAreThem() throws IOException {
    // this cluster runs no Prometheus: no app's HPA can read its metric; a 30 s fallback applies meanwhile
    create("fallback", "scaling: {minReplicas: 1, maxReplicas: 3, onMetricLoss: {policy: Fallback,"
        + " fallbackReplicas: 2, after: 30s}}");
    sdo.cluster().kubectlStdin(Apps.yaml("paused", "  annotations: {" + Annotations.PAUSED_REPLICAS + ": \"2\"}\n"
        + "spec:\n  scaling: {minReplicas: 1, maxReplicas: 3}\n"), "-n", NS, "create", "-f", "-");

    // Ready: Current
    create("healthy", "scaling: {minReplicas: 1, maxReplicas: 3}");
    sdo.apps().awaitConverged("healthy");
    await("healthy: the HPA reported").until(() -> !"AutoscalerPending".equals(
        sdo.apps().condition("healthy", Conditions.SCALING_ACTIVE).get("reason")));
    assertThat(kstatus("healthy.yaml", read("healthy"))).isEqualTo("Current");

    // no node has 1000 CPUs: the pod stays Pending, the app Reconciling: InProgress
    create("unschedulable", "resources: {requests: {cpu: \"1000\", memory: 96Mi}, limits: {memory: 192Mi}}");
    await("unschedulable: Reconciling").until(() -> conditionIs("unschedulable", Conditions.RECONCILING, "True")
        && String.valueOf(sdo.apps().condition("unschedulable", Conditions.READY).get("message"))
            .startsWith("No replica is ready yet")
        && sdo.apps().observedGeneration("unschedulable") == sdo.apps().generation("unschedulable"));
    assertThat(kstatus("progressing_pods_unschedulable.yaml", read("unschedulable"))).isEqualTo("InProgress");

    // requests above limits, stored under an older, looser CRD (today's refuses it at admission): Stalled: Failed
    sdo.cluster().applyPermissiveCrd();
    create("invalid", "resources: {requests: {memory: 1Gi}, limits: {memory: 192Mi}}");
    sdo.cluster().applyCrd();
    await("invalid: Stalled").until(() -> conditionIs("invalid", Conditions.STALLED, "True"));
    assertThat(sdo.apps().condition("invalid", Conditions.STALLED).get("reason")).isEqualTo(Conditions.INVALID_SPEC);
    assertThat(kstatus("degraded_invalid_spec.yaml", read("invalid"))).isEqualTo("Failed");

    // paused by annotation: Argo CD's Suspended; kstatus knows no such state, and the app is Ready: Current
    await("paused: Paused").until(() -> conditionIs("paused", Conditions.PAUSED, "True")
        && conditionIs("paused", Conditions.READY, "True") && hpaSettled("paused"));
    assertThat(kstatus("suspended_paused.yaml", read("paused"))).isEqualTo("Current");

    // the fallback in force: Argo CD's Degraded (documented in the README); kstatus: Current, the app is Ready
    await("fallback: Fallback").until(() -> conditionIs("fallback", Conditions.FALLBACK, "True")
        && conditionIs("fallback", Conditions.READY, "True") && hpaSettled("fallback"));
    assertThat(kstatus("degraded_fallback.yaml", read("fallback"))).isEqualTo("Current");

    // a spec change the operator has not seen yet (it is stopped): InProgress
    sdo.operator().stop();
    sdo.cluster().kubectl("-n", NS, "patch", "scaleddemoapp", "healthy", "--type=merge", "-p",
        "{\"spec\":{\"scaling\":{\"maxReplicas\":4}}}");
    JsonNode changed = read("healthy");
    assertThat(changed.at("/metadata/generation").asLong())
        .isGreaterThan(changed.at("/status/observedGeneration").asLong());
    assertThat(kstatus("progressing_generation_not_observed.yaml", changed)).isEqualTo("InProgress");

    writeOrCompareTestdata();
  }

  static void writeOrCompareTestdata() throws IOException {
    if (Regeneration.requested("argocd.update")) {
      for (var e : captured.entrySet()) {
        Path file = ArgoHealthCheck.TESTDATA.resolve(e.getKey());
        Files.createDirectories(file.getParent());
        Files.writeString(file, ShipArtifacts.YAML.writeValueAsString(ArgoHealthCheck.scrub(e.getValue())));
      }
      throw Regeneration.regenerated(TestApps.root().relativize(ArgoHealthCheck.TESTDATA).toString());
    }
    for (var e : captured.entrySet()) {
      Path file = ArgoHealthCheck.TESTDATA.resolve(e.getKey());
      String hint = TestApps.root().relativize(file) + " is not what the operator writes: run this test with "
          + "-Dargocd.update=true, check health_test.yaml and commit both";
      assertThat(file).as(hint).exists();
      assertThat(ArgoHealthCheck.comparable(ShipArtifacts.YAML.readTree(file.toFile()))).as(hint)
          .isEqualTo(ArgoHealthCheck.comparable(e.getValue()));
    }
  }
}
