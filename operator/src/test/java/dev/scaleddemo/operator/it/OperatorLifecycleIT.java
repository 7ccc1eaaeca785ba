package dev.scaleddemo.operator.it;

import static dev.scaleddemo.operator.it.Wait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.config.NativeCrypto;
import dev.scaleddemo.operator.it.ClusterProvider.Capability;
import dev.scaleddemo.operator.status.Conditions;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The packaged operator as a separate process, authenticated with its generated RBAC: steady state without writes,
 * restart while things change, and the ServiceMonitor CRD installed after the operator started. Runs in its own JVM
 * and cluster (failsafe does not reuse forks), so no in-process operator competes with it.
 */
@NeedsCluster({Capability.FAKE_NODES, Capability.AUDIT_LOG})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorLifecycleIT {
  /** Short enough that a test window holds several periodic reconciles (production: 10 minutes). */
  static final Duration MAX_RECONCILIATION_INTERVAL = Duration.ofSeconds(15);
  /** After the foreign edits: their reconciles are done. */
  static final Duration EDITS_SETTLE = Duration.ofSeconds(5);
  /** No edits: room for two periodic reconciles and most of a third. */
  static final Duration QUIET_WINDOW = MAX_RECONCILIATION_INTERVAL.multipliedBy(8).dividedBy(3);
  /** JOSDK schedules the next periodic reconcile when one ends; a loaded machine adds a little. */
  static final Duration INTERVAL_SLACK = Duration.ofSeconds(3);
  static final String NS = "sdo-life-" + UUID.randomUUID().toString().substring(0, 8);

  @RegisterExtension
  static final OperatorUnderTest sdo = OperatorUnderTest.startedByTests().namespaces(NS).property(
      "quarkus.operator-sdk.controllers.\"scaleddemoappreconciler\".max-reconciliation-interval",
      MAX_RECONCILIATION_INTERVAL.toString());

  // ------------------------------------------------------------------------------------------------ steady state

  /**
   * After Ready, for a window of more than two periodic reconciles (and informer events from foreign edits),
   * the operator writes nothing: no server-side-apply fight, no status churn, no adapter roll.
   */
  @Test
  @Order(1)
  void steadyStateMakesNoWrites() throws Exception {
    sdo.start("operator-a");
    // this machine is x86_64, where the image's ACCP build loads: the TLS below runs on AWS-LC
    assertThat(sdo.operator().log()).as("the packaged operator's crypto").contains(
        Set.of("amd64", "x86_64").contains(System.getProperty("os.arch")) ? NativeCrypto.IN_USE : NativeCrypto.JDK_ONLY);
    sdo.cluster().applySample(NS, "prometheus-demo-app.yaml");
    String name = "prometheus-demo-app";
    sdo.apps().awaitReady(name);
    await("Deployment ready").until(() -> {
      var d = sdo.client().apps().deployments().inNamespace(NS).withName(name).get();
      return d.getStatus() != null && d.getStatus().getReadyReplicas() != null && d.getStatus().getReadyReplicas() >= 1;
    });

    // settled: the HPA controller has had its say and the status reflects it
    await("operator quiet for 10 s").atMost(Duration.ofMinutes(2)).until(() ->
        AuditLog.lastWrite(sdo.cluster().auditLog(), OperatorProcess.USER).isBefore(Instant.now().minusSeconds(10)));

    assertThat(operatorWrites(Instant.EPOCH)).as("the audit log records the operator's writes (it created the"
        + " children): the filter below is not vacuous").extracting(e -> e.path("verb").asText()).contains("patch");
    Instant windowStart = Instant.now();
    int reconcilesBefore = reconcileCount(sdo.operator());
    // foreign edits that wake the operator's informers without changing anything it owns
    sdo.cluster().kubectl("-n", NS, "label", "service", name, "example.org/team=web");
    sdo.cluster().kubectl("-n", NS, "annotate", "hpa", name, "example.org/reviewed=yes");
    sdo.cluster().kubectl("-n", NS, "annotate", "sda", name, "example.org/note=hello");
    Thread.sleep(EDITS_SETTLE.toMillis());
    // a quiet sub-window without edits: only periodic reconciles, at least two, never further apart than the
    // overridden interval (the default, 10 minutes, would give none)
    LocalDateTime quietStart = LocalDateTime.now();
    Thread.sleep(QUIET_WINDOW.toMillis());
    LocalDateTime quietEnd = LocalDateTime.now();
    List<LocalDateTime> times = sdo.operator().reconcileTimes(NS + "/").stream().filter(t -> t.isBefore(quietEnd))
        .toList();
    List<LocalDateTime> quiet = times.stream().filter(t -> t.isAfter(quietStart)).toList();
    assertThat(quiet).as("periodic reconciles in the quiet %s", QUIET_WINDOW).hasSizeGreaterThanOrEqualTo(2);
    List<LocalDateTime> span = new java.util.ArrayList<>(times.subList(times.size() - quiet.size() - 1, times.size()));
    span.add(quietEnd);
    for (int i = 1; i < span.size(); i++) {
      assertThat(Duration.between(span.get(i - 1), span.get(i))).as("time between reconciles %s and %s: the"
          + " interval override %s took effect", span.get(i - 1), span.get(i), MAX_RECONCILIATION_INTERVAL)
          .isLessThanOrEqualTo(MAX_RECONCILIATION_INTERVAL.plus(INTERVAL_SLACK));
    }

    int reconciles = reconcileCount(sdo.operator()) - reconcilesBefore;
    List<JsonNode> writes = operatorWrites(windowStart);
    assertThat(reconciles).as("reconciles in the window (periodic and from the foreign edits)")
        .isGreaterThanOrEqualTo(3);
    assertThat(writes.stream().map(AuditLog::describe).toList())
        .as("write requests by the operator after %d reconciles in steady state", reconciles).isEmpty();
    System.out.printf("steady state: %d reconciles, 0 writes in %d s; quiet %d s: reconciles at %s%n", reconciles,
        Duration.between(windowStart, Instant.now()).toSeconds(), QUIET_WINDOW.toSeconds(), quiet);
  }

  // ------------------------------------------------------------------------------------------------ restart

  /** Stopped operator, changes in between (spec edit, child deleted, new app), restarted: it converges. */
  @Test
  @Order(2)
  void restartedOperatorConvergesOnWhatChangedWhileItWasDown() throws Exception {
    String name = "prometheus-demo-app";
    if (sdo.operator() == null || !sdo.operator().isAlive()) {
      sdo.start("operator-a");
      sdo.cluster().applySample(NS, "prometheus-demo-app.yaml");
    }
    sdo.apps().awaitReady(name);
    String deploymentUid = sdo.client().apps().deployments().inNamespace(NS).withName(name).get().getMetadata()
        .getUid();
    String serviceUid = sdo.client().services().inNamespace(NS).withName(name).get().getMetadata().getUid();

    sdo.operator().stop();
    sdo.cluster().kubectl("-n", NS, "patch", "sda", name, "--type=merge", "-p",
        "{\"spec\":{\"scaling\":{\"maxReplicas\":7}}}");
    sdo.cluster().kubectl("-n", NS, "delete", "service", name);
    sdo.cluster().kubectlStdin("""
        apiVersion: scaleddemo.dev/v1alpha1
        kind: ScaledDemoApp
        metadata:
          name: while-down
        spec:
          metric:
            counter: while_down_clicks_total
        """, "-n", NS, "apply", "-f", "-");
    long generation = sdo.apps().generation(name);
    Thread.sleep(2000);
    assertThat(sdo.client().services().inNamespace(NS).withName(name).get()).as("nothing repairs while down").isNull();

    sdo.start("operator-a");
    await("HPA follows the edit made while down").until(() -> {
      var hpa = sdo.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName(name).get();
      return hpa != null && hpa.getSpec().getMaxReplicas() == 7;
    });
    await("Service restored").until(() -> sdo.client().services().inNamespace(NS).withName(name).get() != null);
    assertThat(sdo.client().services().inNamespace(NS).withName(name).get().getMetadata().getUid())
        .isNotEqualTo(serviceUid);
    await("status observes the new generation").until(() -> sdo.apps().observedGeneration(name) == generation);
    sdo.apps().awaitReady("while-down");
    assertThat(sdo.client().apps().deployments().inNamespace(NS).withName(name).get().getMetadata().getUid())
        .as("the Deployment was kept, not recreated").isEqualTo(deploymentUid);
    await("adapter rule of the app created while down").until(() -> sdo.client().configMaps()
        .inNamespace(LocalCluster.ADAPTER_NAMESPACE).withName(LocalCluster.ADAPTER_CONFIG_MAP).get()
        .getData().get("config.yaml").contains("while_down_clicks_total"));
  }

  // ------------------------------------------------------------------------------------------------ optional CRD

  /**
   * The operator starts on a cluster without the ServiceMonitor CRD: everything else is reconciled and a condition
   * says why monitoring is off. The CRD installed later: the ServiceMonitors appear, the condition turns True.
   */
  @Test
  @Order(3)
  void serviceMonitorCrdInstalledAfterTheOperatorStarted() throws Exception {
    if (sdo.operator() != null) {
      sdo.operator().stop();
    }
    Path smCrd = sdo.cluster().kubectlBinary().getParent().getParent()
        .resolve("crds/monitoring.coreos.com_servicemonitors.yaml");
    sdo.cluster().kubectl("delete", "crd", LocalCluster.SERVICE_MONITOR_CRD, "--wait=true");
    try {
      sdo.start("operator-b");
      String name = "no-monitoring-yet";
      sdo.cluster().kubectlStdin("""
          apiVersion: scaleddemo.dev/v1alpha1
          kind: ScaledDemoApp
          metadata:
            name: no-monitoring-yet
          spec:
            metric:
              counter: late_crd_clicks_total
          """, "-n", NS, "apply", "-f", "-");
      await("monitoring reported off").until(() -> sdo.apps().hasCondition(name, Conditions.MONITORING_AVAILABLE,
          Conditions.FALSE, Conditions.SERVICE_MONITOR_CRD_MISSING));
      await("HPA reconciled without monitoring").until(() ->
          sdo.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName(name).get() != null);
      assertThat(sdo.client().apps().deployments().inNamespace(NS).withName(name).get()).isNotNull();
      assertThat(sdo.operator().isAlive()).as("a missing CRD is a condition, not a crash").isTrue();

      sdo.cluster().kubectl("apply", "--server-side", "--force-conflicts", "-f", smCrd.toString());
      sdo.cluster().awaitEstablished(LocalCluster.SERVICE_MONITOR_CRD);
      MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> sms =
          sdo.client().genericKubernetesResources("monitoring.coreos.com/v1", "ServiceMonitor");
      await("ServiceMonitor appears once the CRD is there").atMost(Duration.ofSeconds(90))
          .until(() -> sms.inNamespace(NS).withName(name).get() != null);
      await("monitoring reported on").until(() ->
          sdo.apps().hasCondition(name, Conditions.MONITORING_AVAILABLE, Conditions.TRUE, null));
      // the apps from the earlier tests lost theirs with the CRD; they get them back too
      await("earlier app's ServiceMonitor restored").atMost(Duration.ofSeconds(90))
          .until(() -> sms.inNamespace(NS).withName("prometheus-demo-app").get() != null);
    } finally {
      sdo.cluster().kubectl("apply", "--server-side", "--force-conflicts", "-f", smCrd.toString());
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers

  static List<JsonNode> operatorWrites(Instant since) throws IOException {
    return AuditLog.writes(sdo.cluster().auditLog(), OperatorProcess.USER, since);
  }

  static int reconcileCount(OperatorProcess op) {
    return (int) op.reconciles(NS + "/");
  }
}
