package dev.scaleddemo.operator.ship;

import static dev.scaleddemo.operator.ship.ShipArtifacts.NAME;
import static dev.scaleddemo.operator.ship.ShipArtifacts.NAMESPACES_ENV;
import static dev.scaleddemo.operator.it.Wait.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.it.ClusterProvider.Capability;
import dev.scaleddemo.operator.it.LeaseWatch;
import dev.scaleddemo.operator.it.LocalCluster;
import dev.scaleddemo.operator.it.NeedsCluster;
import dev.scaleddemo.operator.it.OperatorProcess;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three install paths against the real local control plane (LocalCluster: kube-apiserver with RBAC and Pod
 * Security admission, controller-manager, scheduler, kwok nodes): install.yaml passes a server-side dry run,
 * the Helm chart lints, renders with the values applied and really installs (Deployment Available, restricted
 * Pod Security enforced in its namespace, RBAC as intended), and every alm-examples entry of the OLM bundle is
 * valid against the CRD on the API server.
 */
class ShipClusterIT {
  private static LocalCluster cluster;
  private static Path helm;

  /**
   * The LocalCluster of this JVM: started here, or by OperatorIT when it ran first (Quarkus keeps that app, and
   * with it the cluster, until the JVM ends; with one JVM per test class this class starts its own).
   */
  @BeforeAll
  static void cluster() {
    // LocalCluster keeps its JVM-wide handle in system properties; when OperatorIT's Quarkus app failed to boot,
    // its test resource already stopped that cluster (and removed its kubeconfig): start a new one then.
    String kubeconfig = System.getProperty("sdo.it.kubeconfig");
    if (kubeconfig != null && !Files.isRegularFile(Path.of(kubeconfig))) {
      System.clearProperty("sdo.it.kubeconfig");
      System.clearProperty("sdo.it.bin");
    }
    cluster = LocalCluster.get();
    var ready = cluster.kubectlResult(null, "get", "--raw", "/readyz");
    assertThat(ready.code()).as("local control plane answers (" + cluster.serverUrl() + "): " + ready.output())
        .isZero();
    helm = ShipArtifacts.buildTool("build-helm.sh");
  }

  static String namespaceYaml(String name) {
    return """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %s
          labels:
            pod-security.kubernetes.io/enforce: restricted
            pod-security.kubernetes.io/warn: restricted
        """.formatted(name);
  }

  static LocalCluster.Result helm(String... args) {
    List<String> cmd = new ArrayList<>(List.of(helm.toString(), "--kubeconfig", cluster.kubeconfig().toString()));
    cmd.addAll(List.of(args));
    Path home = Path.of("target/helm-home").toAbsolutePath();
    return ShipArtifacts.exec(TestApps.root(), Map.of(
        "HELM_CACHE_HOME", home.resolve("cache").toString(),
        "HELM_CONFIG_HOME", home.resolve("config").toString(),
        "HELM_DATA_HOME", home.resolve("data").toString()), Duration.ofMinutes(5), null, cmd.toArray(String[]::new));
  }

  // ---------------------------------------------------------------------------------------------- install.yaml

  @Test
  void installYamlServerSideDryRun() {
    // a dry run creates nothing, so the namespaced objects need their namespace for real (the file's first object)
    cluster.kubectlStdin(namespaceYaml(ShipArtifacts.NAMESPACE), "apply", "-f", "-");
    try {
      var r = cluster.kubectlResult(null, "apply", "--dry-run=server", "-f",
          ShipArtifacts.installYamlFile().toString());
      assertThat(r.code()).as(r.output()).isZero();
      assertThat(r.stdout()).contains("customresourcedefinition.apiextensions.k8s.io/scaleddemoapps.scaleddemo.dev",
          "serviceaccount/" + NAME, "role.rbac.authorization.k8s.io/scaled-demo-operator-leader-election",
          "deployment.apps/" + NAME).contains("(server dry run)");
      assertThat(r.stderr()).as("restricted Pod Security").doesNotContain("would violate PodSecurity");
    } finally {
      cluster.kubectl("delete", "namespace", ShipArtifacts.NAMESPACE, "--wait=false");
    }
  }

  // ---------------------------------------------------------------------------------------------- Helm

  @Test
  void helmLint() {
    var r = helm("lint", "--strict", ShipArtifacts.helmChartDir().toString());
    assertThat(r.code()).as(r.output()).isZero();
    assertThat(r.stdout()).contains("1 chart(s) linted, 0 chart(s) failed");
  }

  @Test
  void helmTemplateAppliesValues() throws IOException {
    var r = helm("template", "sdo", ShipArtifacts.helmChartDir().toString(), "--namespace", "ops", "--include-crds",
        "--set", "app.image=registry.example.org/sdo:1.2.3",
        "--set", "app.replicas=3",
        "--set-string", "app.envs." + NAMESPACES_ENV + "=team-a\\,team-b",
        "--set", "app.envs.ADAPTER_NAMESPACE=metrics",
        "--set", "app.envs.ADAPTER_CONFIG_MAP=adapter-rules",
        "--set", "app.envs.ADAPTER_DEPLOYMENT=",
        "--set", "app.resources.limits.memory=512Mi",
        "--set", "app.resources.requests.cpu=250m");
    assertThat(r.code()).as(r.output()).isZero();
    List<HasMetadata> items = Serialization.unmarshal(r.stdout());
    // the chart holds what install.yaml holds, except the Namespace (helm install -n makes it)
    List<String> installKinds = Serialization.<List<HasMetadata>>unmarshal(
        Files.readString(TestApps.root().resolve("deploy/install.yaml"))).stream().map(HasMetadata::getKind)
        .filter(kind -> !kind.equals("Namespace")).toList();
    assertThat(installKinds).contains("CustomResourceDefinition", "ClusterRole", "Deployment");
    assertThat(items).extracting(HasMetadata::getKind).containsExactlyInAnyOrderElementsOf(installKinds);
    for (HasMetadata item : items) {
      if (List.of("ServiceAccount", "Role", "RoleBinding", "Service", "Deployment").contains(item.getKind())) {
        assertThat(item.getMetadata().getNamespace()).as(item.getKind()).isEqualTo("ops");
      }
      if (item instanceof ClusterRoleBinding b) {
        assertThat(b.getSubjects()).allSatisfy(s -> assertThat(s.getNamespace()).isEqualTo("ops"));
      }
      if (item instanceof RoleBinding b) {
        assertThat(b.getSubjects()).allSatisfy(s -> assertThat(s.getNamespace()).isEqualTo("ops"));
      }
    }
    ShipArtifactsIT.assertUserRoles(items);
    Deployment d = items.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst()
        .orElseThrow();
    assertThat(d.getSpec().getReplicas()).isEqualTo(3);
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("registry.example.org/sdo:1.2.3");
    assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("512Mi");
    assertThat(c.getResources().getRequests().get("cpu").toString()).isEqualTo("250m");
    Map<String, EnvVar> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(env.get(NAMESPACES_ENV).getValue()).isEqualTo("team-a,team-b");
    assertThat(env.get("ADAPTER_NAMESPACE").getValue()).isEqualTo("metrics");
    assertThat(env.get("ADAPTER_CONFIG_MAP").getValue()).isEqualTo("adapter-rules");
    assertThat(env.get("ADAPTER_DEPLOYMENT").getValue()).as("empty: never roll the adapter").isEmpty();
    assertThat(env.get("ADAPTER_CONFIG_KEY").getValue()).isEqualTo("config.yaml");
    assertThat(env.get("KUBERNETES_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    assertThat(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
  }

  /**
   * A real {@code helm install --wait}: kwok runs no containers but reports the pods Running and Ready, so the
   * Deployment becomes Available exactly when its pods are admitted and scheduled; the namespace enforces the
   * restricted Pod Security Standard, so the pods are only created if their security context complies.
   */
  @Test
  @NeedsCluster(Capability.FAKE_NODES) // --wait for the operator's pods, whose image no registry serves here
  void helmInstallIntoTheCluster() {
    String ns = "sdo-helm";
    cluster.kubectlStdin(namespaceYaml(ns), "apply", "-f", "-");
    try {
      var install = helm("install", "sdo", ShipArtifacts.helmChartDir().toString(), "--namespace", ns, "--wait",
          "--timeout", "180s");
      assertThat(install.code()).as(install.output() + "\n" + describe(ns)).isZero();
      assertThat(install.stdout()).contains("STATUS: deployed", "installed in namespace " + ns);
      assertThat(cluster.kubectl("-n", ns, "get", "deployment", NAME, "-o",
          "jsonpath={.status.availableReplicas}/{.spec.replicas}")).isEqualTo("2/2");
      String sa = "system:serviceaccount:" + ns + ":" + NAME;
      assertThat(canI(sa, "create", "leases.coordination.k8s.io", ns)).as("Lease in its namespace").isTrue();
      assertThat(canI(sa, "update", "leases.coordination.k8s.io", ns)).isTrue();
      assertThat(canI(sa, "create", "leases.coordination.k8s.io", "default")).as("Lease elsewhere").isFalse();
      assertThat(canI(sa, "patch", LocalCluster.CRD_NAME, "any", "--subresource=status")).isTrue();
      assertThat(canI(sa, "update", "configmaps", "monitoring")).isTrue();
      assertThat(canI(sa, "get", "secrets", ns)).as("no Secrets").isFalse();
      assertThat(canI(sa, "create", "pods", ns)).as("no Pods").isFalse();
      // controls: the admin may, and a question kubectl cannot answer is an error, not a "no"
      assertThat(canI("an-admin", "get", "secrets", ns, "--as-group=system:masters")).isTrue();
      assertThatThrownBy(() -> canI(sa, "get", "nosuchthings.example.org", ns)).hasMessageContaining("neither");
      assertThatThrownBy(() -> canI(sa, "get", "secrets", ns, "--server=https://127.0.0.1:1"))
          .hasMessageContaining("neither");
      var status = helm("status", "sdo", "--namespace", ns);
      assertThat(status.stdout()).contains("STATUS: deployed");
    } finally {
      var un = helm("uninstall", "sdo", "--namespace", ns, "--wait", "--timeout", "120s");
      cluster.kubectl("delete", "namespace", ns, "--wait=false");
      assertThat(un.code()).as(un.output()).isZero();
    }
  }

  private String describe(String ns) {
    var r = cluster.kubectlResult(null, "-n", ns, "get", "deploy,rs,pods,events", "-o", "wide");
    return r.output();
  }

  /** kubectl's "no", optionally with the authorizer's reason ("no - ..."). */
  private static final Pattern NO = Pattern.compile("no( - .*)?");

  /**
   * {@code kubectl auth can-i}: true on "yes" (exit 0), false on "no" (exit 1, nothing on stderr); anything else
   * (an unknown resource type, which kubectl answers "no" with a warning, or an error) fails, so a typo or a broken
   * connection never passes as "no".
   */
  private boolean canI(String user, String verb, String resource, String ns, String... flags) {
    List<String> args = new ArrayList<>(List.of("auth", "can-i", verb, resource, "-n", ns, "--as", user));
    args.addAll(List.of(flags));
    var r = cluster.kubectlResult(null, args.toArray(String[]::new));
    String answer = r.stdout().trim();
    if (r.code() == 0 && answer.equals("yes") && r.stderr().isBlank()) {
      return true;
    }
    if (r.code() == 1 && NO.matcher(answer).matches() && r.stderr().isBlank()) {
      return false;
    }
    throw new AssertionError("kubectl " + String.join(" ", args) + " answered neither yes nor no (exit " + r.code()
        + "):\n" + r.output());
  }

  /**
   * The ClusterRoles for users, applied from install.yaml: once the controller-manager's clusterrole-aggregation
   * controller merged them into admin, edit and view, users bound to those in a namespace (RoleBindings) manage
   * or read ScaledDemoApps there, and nothing more: not their status or finalizers, not in other namespaces.
   */
  @Test
  void namespaceAdminsEditorsAndViewersGetScaledDemoApps() throws IOException {
    String ns = "sdo-users";
    String apps = LocalCluster.CRD_NAME;
    List<HasMetadata> roles = ShipArtifactsIT.ofType(ShipArtifactsIT.installObjects(), ClusterRole.class).stream()
        .filter(r -> List.of(ShipArtifactsIT.VIEW_ROLE, ShipArtifactsIT.EDIT_ROLE).contains(r.getMetadata().getName()))
        .map(HasMetadata.class::cast).toList();
    assertThat(roles).hasSize(2);
    cluster.kubectlStdin(namespaceYaml(ns), "apply", "-f", "-");
    try {
      cluster.kubectlStdin(Serialization.asYaml(new KubernetesListBuilder().withItems(roles).build()),
          "apply", "-f", "-");
      for (var user : Map.of("alice", "admin", "bob", "edit", "carol", "view").entrySet()) {
        cluster.kubectl("-n", ns, "create", "rolebinding", user.getKey() + "-" + user.getValue(),
            "--clusterrole=" + user.getValue(), "--user=" + user.getKey());
      }
      for (String builtin : List.of("admin", "edit", "view")) {
        await(builtin + " aggregates the ScaledDemoApp rules", Duration.ofSeconds(60)).until(() -> cluster.kubectl(
            "get", "clusterrole", builtin, "-o", "jsonpath={.rules[*].resources}").contains("scaleddemoapps"));
      }
      for (String user : List.of("alice", "bob")) {
        for (String verb : List.of("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection")) {
          assertThat(canI(user, verb, apps, ns)).as(user + " " + verb).isTrue();
        }
        assertThat(canI(user, "get", apps, ns, "--subresource=status")).as(user + " reads status").isTrue();
        for (String verb : List.of("update", "patch")) {
          assertThat(canI(user, verb, apps, ns, "--subresource=status")).as(user + " " + verb + " status").isFalse();
          assertThat(canI(user, verb, apps, ns, "--subresource=finalizers")).as(user + " " + verb + " finalizers").isFalse();
        }
        assertThat(canI(user, "create", apps, "default")).as(user + " outside the namespace").isFalse();
      }
      for (String verb : List.of("get", "list", "watch")) {
        assertThat(canI("carol", verb, apps, ns)).as("viewer " + verb).isTrue();
        assertThat(canI("carol", verb, apps, ns, "--subresource=status")).as("viewer " + verb + " status").isTrue();
      }
      for (String verb : List.of("create", "update", "patch", "delete", "deletecollection")) {
        assertThat(canI("carol", verb, apps, ns)).as("viewer " + verb).isFalse();
      }
      assertThat(canI("carol", "patch", apps, ns, "--subresource=status")).as("viewer patch status").isFalse();
      assertThat(canI("carol", "get", apps, "default")).as("viewer outside the namespace").isFalse();
    } finally {
      cluster.kubectl("delete", "clusterrole", ShipArtifactsIT.VIEW_ROLE, ShipArtifactsIT.EDIT_ROLE,
          "--ignore-not-found");
      cluster.kubectl("delete", "namespace", ns, "--wait=false");
    }
  }

  // ---------------------------------------------------------------------------------------------- OLM bundle

  @Test
  void almExamplesAreValidOnTheApiServer() throws IOException {
    JsonNode csv = ShipArtifactsIT.csv();
    ObjectMapper json = new ObjectMapper();
    JsonNode examples = json.readTree(csv.at("/metadata/annotations/alm-examples").asText());
    assertThat(examples).isNotEmpty();
    String ns = "sdo-olm-examples";
    cluster.kubectlStdin(namespaceYaml(ns), "apply", "-f", "-");
    try {
      for (JsonNode example : examples) {
        var r = cluster.kubectlResult(json.writeValueAsString(example), "apply", "--dry-run=server", "-n", ns,
            "-f", "-");
        assertThat(r.code()).as(example.at("/metadata/name").asText() + ": " + r.output()).isZero();
        assertThat(r.stdout()).contains("(server dry run)");
      }
      // the API server does validate them: the same example with min > max is refused
      ObjectNode invalid = examples.get(0).deepCopy();
      ((ObjectNode) invalid.with("spec").with("scaling")).put("minReplicas", 50).put("maxReplicas", 5);
      var r = cluster.kubectlResult(json.writeValueAsString(invalid), "apply", "--dry-run=server", "-n", ns, "-f",
          "-");
      assertThat(r.code()).isNotZero();
      assertThat(r.stderr()).contains("minReplicas");
    } finally {
      cluster.kubectl("delete", "namespace", ns, "--wait=false");
    }
  }

  // ---------------------------------------------------------------------------------------------- leader election

  /**
   * Two replicas of the packaged operator (prod profile, so leader election on), as processes with the chart's
   * ServiceAccount token, i.e. exactly the chart's RBAC: one holds the Lease and processes events, the other
   * stays Ready with its informers running; on SIGTERM the leader exits promptly (with JOSDK's exit-on-stop-leading
   * it would deadlock) and the other takes the Lease over and reconciles.
   */
  @Test
  void twoReplicasElectOneLeaderAndFailOver() throws Exception {
    String ns = "sdo-le";
    cluster.kubectlStdin(namespaceYaml(ns), "apply", "-f", "-");
    Map<String, OperatorProcess> replicas = new TreeMap<>();
    KubernetesClient leaseClient = cluster.newClient();
    LeaseWatch leases = null;
    try {
      var install = helm("install", "sdo-le", ShipArtifacts.helmChartDir().toString(), "--namespace", ns,
          "--set", "app.replicas=0", "--wait", "--timeout", "120s");
      assertThat(install.code()).as(install.output()).isZero();
      Path kubeconfig = serviceAccountKubeconfig(ns);
      for (String id : List.of("replica-a", "replica-b")) {
        replicas.put(id, OperatorProcess.start(cluster, id, kubeconfig, ns,
            Map.of("ADAPTER_NAMESPACE", ns, NAMESPACES_ENV, ns), Map.of()));
      }
      Supplier<String> logs = () -> replicas.values().stream()
          .map(op -> "--- " + op.name() + "\n" + op.logTail(30)).collect(Collectors.joining("\n"));
      await("a leader", Duration.ofSeconds(120)).until(() -> replicas.containsKey(LeaseWatch.holder(leaseClient, ns)));
      String leader = LeaseWatch.holder(leaseClient, ns);
      String follower = replicas.keySet().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
      for (OperatorProcess op : replicas.values()) {
        await(op.name() + " ready").until(op::ready);
        assertThat(op.log()).as(op.name() + " watches what the chart says").contains("for namespace(s): [" + ns + "]");
      }
      assertThat(replicas.get(leader).log()).contains("Started event processing");
      assertThat(replicas.get(follower).log()).as("the follower does not process events")
          .contains("controller started").doesNotContain("Started event processing");

      leases = LeaseWatch.start(leaseClient, ns, LeaseWatch.LEASE);
      // SIGTERM, as the kubelet does
      assertThat(replicas.get(leader).terminate(Duration.ofSeconds(20))).as("leader exits on SIGTERM:\n" + logs.get())
          .isTrue();
      assertThat(replicas.get(leader).log()).contains("Stopped leading: shutting down");
      await("failover to " + follower).until(() -> follower.equals(LeaseWatch.holder(leaseClient, ns)));
      // not before the leader released the Lease (or, had it not, before the Lease expired)
      List<LeaseWatch.Version> takeover = leases.assertTakeoverNotBeforeExpiry(follower);
      System.out.printf("failover on SIGTERM: %s, then %s%n", takeover.get(0), takeover.get(1));
      await(follower + " processing", Duration.ofSeconds(30))
          .until(() -> replicas.get(follower).log().contains("Started event processing"));

      // the new leader reconciles with the chart's RBAC: children appear, and the finalizer goes on delete
      cluster.kubectl("-n", ns, "apply", "-f", TestApps.root().resolve("samples/custom-behavior-demo-app.yaml")
          .toString());
      await("the new leader's Deployment", Duration.ofSeconds(60)).until(() -> cluster.kubectlResult(null, "-n", ns,
          "get", "deployment", "custom-behavior-demo-app").code() == 0);
      cluster.kubectl("-n", ns, "delete", "scaleddemoapp", "custom-behavior-demo-app", "--timeout=60s");
    } finally {
      replicas.values().forEach(OperatorProcess::stop);
      if (leases != null) {
        leases.close();
      }
      leaseClient.close();
      helm("uninstall", "sdo-le", "--namespace", ns, "--wait", "--timeout", "120s");
      cluster.kubectl("delete", "namespace", ns, "--wait=false");
    }
  }

  /** A kubeconfig for the chart's ServiceAccount (a TokenRequest token) on this cluster. */
  private static Path serviceAccountKubeconfig(String ns) {
    return cluster.serviceAccountKubeconfig(ns, NAME, Path.of("target/leader-election-kubeconfig").toAbsolutePath());
  }
}
