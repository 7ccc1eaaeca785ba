package dev.scaleddemo.operator.ship;

import static dev.scaleddemo.operator.ship.ShipArtifacts.CSV_FILE;
import static dev.scaleddemo.operator.ship.ShipArtifacts.NAME;
import static dev.scaleddemo.operator.ship.ShipArtifacts.NAMESPACE;
import static dev.scaleddemo.operator.ship.ShipArtifacts.NAMESPACES_ENV;
import static dev.scaleddemo.operator.ship.ShipArtifacts.YAML;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleddemo.operator.it.LocalCluster;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * deploy/ is what this build generates (drift: {@code -Dinstall.update=true}, {@code -Dhelm.update=true},
 * {@code -Dbundle.update=true}, {@code -Dcatalog.update=true}, or {@code -Dship.update=true} for all four), and what it contains: least
 * privilege, probes, restricted security context, leader election RBAC, a complete CSV whose RBAC and Deployment
 * are the generated ones, and a bundle operator-framework's validator accepts. ShipClusterIT checks the same
 * artifacts against a real API server.
 */
class ShipArtifactsIT {

  static List<HasMetadata> installObjects() throws IOException {
    return Serialization.unmarshal(Files.readString(ShipArtifacts.installYamlFile()));
  }

  static <T> List<T> ofType(List<HasMetadata> items, Class<T> type) {
    return items.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static Deployment deployment(List<HasMetadata> items) {
    List<Deployment> d = ofType(items, Deployment.class);
    assertThat(d).hasSize(1);
    return d.get(0);
  }

  // ---------------------------------------------------------------------------------------------- drift

  @Test
  void installYamlIsCurrent() throws IOException {
    ShipArtifacts.syncFile(ShipArtifacts.installYaml(), ShipArtifacts.installYamlFile(), "install.update");
  }

  @Test
  void helmChartIsCurrent() throws IOException {
    ShipArtifacts.syncTree(ShipArtifacts.helmChart(), ShipArtifacts.helmChartDir(), "helm.update");
  }

  @Test
  void bundleIsCurrent() throws IOException {
    ShipArtifacts.syncTree(ShipArtifacts.bundle(), ShipArtifacts.bundleDir(), "bundle.update");
  }

  @Test
  void catalogIsCurrentAndItsUpgradeGraphSound() throws IOException {
    ShipArtifacts.syncFile(ShipArtifacts.catalog(), ShipArtifacts.catalogFile(), "catalog.update");
    assertThat(OlmCatalog.parse(Files.readString(ShipArtifacts.catalogFile())).problems()).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------- install.yaml

  @Test
  void installYamlHasEverythingInApplyOrder() throws IOException {
    List<HasMetadata> items = installObjects();
    assertThat(items).extracting(HasMetadata::getKind).startsWith("Namespace", "CustomResourceDefinition")
        .contains("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service",
            "Deployment")
        .last().isEqualTo("Deployment");
    Namespace ns = (Namespace) items.get(0);
    assertThat(ns.getMetadata().getName()).isEqualTo(NAMESPACE);
    assertThat(ns.getMetadata().getLabels()).containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    for (HasMetadata item : items) {
      boolean clusterScoped = item instanceof Namespace || item instanceof ClusterRole
          || item instanceof ClusterRoleBinding || item.getKind().equals("CustomResourceDefinition");
      assertThat(item.getMetadata().getNamespace()).as(item.getKind() + " " + item.getMetadata().getName())
          .isEqualTo(clusterScoped ? null : NAMESPACE);
    }
  }

  @Test
  void deploymentProbesSecurityContextResourcesImage() throws IOException {
    Deployment d = deployment(installObjects());
    assertThat(d.getSpec().getReplicas()).as("two replicas, made safe by leader election").isEqualTo(2);
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo(NAME);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container c = pod.getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("ghcr.io/scaled-demo/scaled-demo-operator:" + projectVersion());
    assertThat(c.getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(c.getResources().getLimits()).containsKey("memory");
    Map<String, EnvVar> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(env.get("KUBERNETES_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
        .as("the Lease namespace is the pod's").isEqualTo("metadata.namespace");
    assertThat(env).containsKeys("ADAPTER_NAMESPACE", "ADAPTER_CONFIG_MAP", "ADAPTER_CONFIG_KEY",
        "ADAPTER_DEPLOYMENT", "DEMO_APP_IMAGE", NAMESPACES_ENV);
  }

  @Test
  void rbacIsLeastPrivilegeWithLeaderElection() throws IOException {
    List<HasMetadata> items = installObjects();
    List<PolicyRule> all = new ArrayList<>();
    ofType(items, ClusterRole.class).forEach(r -> all.addAll(r.getRules()));
    ofType(items, Role.class).forEach(r -> all.addAll(r.getRules()));
    assertThat(all).isNotEmpty().allSatisfy(r -> {
      assertThat(r.getVerbs()).doesNotContain("*");
      assertThat(r.getResources()).doesNotContain("*");
      assertThat(r.getApiGroups()).doesNotContain("*");
      assertThat(r.getNonResourceURLs()).isNullOrEmpty();
    });
    // leases only in the operator's namespace, and only what the Lease lock does
    assertThat(ofType(items, ClusterRole.class)).flatMap(ClusterRole::getRules)
        .noneSatisfy(r -> assertThat(r.getResources()).contains("leases"));
    Role lease = ofType(items, Role.class).stream()
        .filter(r -> r.getRules().stream().anyMatch(p -> p.getResources().contains("leases"))).findFirst().orElseThrow();
    assertThat(lease.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(lease.getRules()).singleElement().satisfies(r -> {
      assertThat(r.getApiGroups()).containsExactly("coordination.k8s.io");
      assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "create", "update", "patch");
    });
    assertThat(ofType(items, RoleBinding.class)).anySatisfy(b -> {
      assertThat(b.getRoleRef().getName()).isEqualTo(lease.getMetadata().getName());
      assertThat(b.getSubjects()).singleElement().satisfies(s -> {
        assertThat(s.getName()).isEqualTo(NAME);
        assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
      });
    });
    // no Secrets, no pods/exec, no RBAC escalation
    assertThat(all).flatMap(PolicyRule::getResources)
        .doesNotContain("secrets", "pods/exec", "roles", "clusterroles", "rolebindings", "clusterrolebindings");
  }

  // ---------------------------------------------------------------------------------------------- user roles

  static final String VIEW_ROLE = NAME + "-scaleddemoapps-view";
  static final String EDIT_ROLE = NAME + "-scaleddemoapps-edit";
  static final String TO_ADMIN = "rbac.authorization.k8s.io/aggregate-to-admin";
  static final String TO_EDIT = "rbac.authorization.k8s.io/aggregate-to-edit";
  static final String TO_VIEW = "rbac.authorization.k8s.io/aggregate-to-view";

  /**
   * The ClusterRoles Kubernetes' admin, edit and view roles aggregate: viewers read apps and their status,
   * editors and admins also write apps, never their status or finalizers (the operator's).
   */
  static void assertUserRoles(List<HasMetadata> items) {
    Map<String, ClusterRole> roles = ofType(items, ClusterRole.class).stream()
        .filter(r -> r.getMetadata().getLabels() != null
            && ShipArtifacts.AGGREGATE_LABELS.stream().anyMatch(r.getMetadata().getLabels()::containsKey))
        .collect(Collectors.toMap(r -> r.getMetadata().getName(), r -> r));
    assertThat(roles).containsOnlyKeys(VIEW_ROLE, EDIT_ROLE);
    assertThat(roles.get(VIEW_ROLE).getMetadata().getLabels()).containsEntry(TO_VIEW, "true")
        .doesNotContainKeys(TO_EDIT, TO_ADMIN);
    assertThat(normalize(roles.get(VIEW_ROLE).getRules()))
        .containsExactly("scaleddemo.dev|scaleddemoapps,scaleddemoapps/status|get,list,watch");
    assertThat(roles.get(EDIT_ROLE).getMetadata().getLabels()).containsEntry(TO_EDIT, "true")
        .containsEntry(TO_ADMIN, "true").doesNotContainKey(TO_VIEW);
    assertThat(normalize(roles.get(EDIT_ROLE).getRules()))
        .containsExactly("scaleddemo.dev|scaleddemoapps|create,delete,deletecollection,get,list,patch,update,watch");
  }

  @Test
  void userRolesAreInInstallYamlAndTheBundle() throws IOException {
    assertUserRoles(installObjects());
    List<HasMetadata> manifests = new ArrayList<>();
    for (var e : ShipArtifacts.readTree(ShipArtifacts.bundleDir().resolve("manifests")).entrySet()) {
      if (e.getKey().endsWith("_clusterrole.yaml")) {
        manifests.add(Serialization.unmarshal(e.getValue(), ClusterRole.class));
      }
    }
    assertUserRoles(manifests);
  }

  // ---------------------------------------------------------------------------------------------- bundle

  static JsonNode csv() throws IOException {
    return YAML.readTree(Files.readString(ShipArtifacts.bundleDir().resolve(CSV_FILE)));
  }

  static String projectVersion() throws IOException {
    // the generated Deployment's app.kubernetes.io/version label is the Maven project version
    List<HasMetadata> generated = Serialization.unmarshal(
        ShipArtifacts.sortEnv(Files.readString(ShipArtifacts.TARGET.resolve("kubernetes/kubernetes.yml"))));
    return deployment(generated).getMetadata().getLabels().get("app.kubernetes.io/version");
  }

  @Test
  void csvHasTheRequiredFields() throws IOException {
    JsonNode csv = csv();
    String version = projectVersion();
    assertThat(csv.path("kind").asText()).isEqualTo("ClusterServiceVersion");
    assertThat(csv.at("/metadata/name").asText()).isEqualTo(NAME + ".v" + version.toLowerCase());
    JsonNode spec = csv.path("spec");
    assertThat(spec.path("version").asText()).isEqualTo(version);
    assertThat(spec.path("displayName").asText()).isEqualTo("Scaled Demo Operator");
    assertThat(spec.path("description").asText()).contains("ScaledDemoApp", "prometheus-adapter");
    assertThat(spec.path("keywords")).isNotEmpty();
    assertThat(spec.path("maintainers")).allSatisfy(m -> assertThat(m.path("email").asText()).contains("@"));
    assertThat(spec.path("links")).extracting(l -> l.path("name").asText()).contains("Source", "Documentation");
    assertThat(spec.at("/provider/name").asText()).isNotBlank();
    assertThat(spec.path("maturity").asText()).isEqualTo("alpha");
    assertThat(spec.path("minKubeVersion").asText()).isNotBlank();
    assertThat(spec.path("installModes")).anySatisfy(m -> {
      assertThat(m.path("type").asText()).isEqualTo("AllNamespaces");
      assertThat(m.path("supported").asBoolean()).isTrue();
    });
    JsonNode annotations = csv.at("/metadata/annotations");
    assertThat(annotations.path("containerImage").asText()).isEqualTo(image(deployment(installObjects())));
    assertThat(annotations.path("capabilities").asText()).isEqualTo("Basic Install");
    assertThat(annotations.path("olm.skipRange").asText()).startsWith(">=").contains("<" + version);
    // replaces: absent for the first release (quarkus.operator-sdk.bundle.replaces names the previous CSV later)
    if (spec.has("replaces")) assertThat(spec.path("replaces").asText()).startsWith(NAME + ".v");
    // channel alpha, in annotations.yaml and as bundle.Dockerfile labels
    JsonNode bundleAnnotations = YAML.readTree(Files.readString(ShipArtifacts.bundleDir()
        .resolve("metadata/annotations.yaml"))).path("annotations");
    assertThat(bundleAnnotations.path("operators.operatorframework.io.bundle.channels.v1").asText()).isEqualTo("alpha");
    assertThat(bundleAnnotations.path("operators.operatorframework.io.bundle.channel.default.v1").asText())
        .isEqualTo("alpha");
    assertThat(bundleAnnotations.path("operators.operatorframework.io.bundle.package.v1").asText()).isEqualTo(NAME);
    String dockerfile = Files.readString(ShipArtifacts.bundleDir().resolve("bundle.Dockerfile"));
    bundleAnnotations.fields().forEachRemaining(e ->
        assertThat(dockerfile).contains("LABEL " + e.getKey() + "=" + e.getValue().asText()));
    assertThat(ShipArtifacts.bundleDir().resolve("manifests").resolve(ShipArtifacts.CRD_FILE.replace("-v1.yml",
        "-v1.crd.yml"))).hasSameTextualContentAs(ShipArtifacts.TARGET.resolve("kubernetes")
        .resolve(ShipArtifacts.CRD_FILE));
  }

  @Test
  void csvOwnedCrdHasDescriptorsForEveryField() throws IOException {
    JsonNode owned = csv().at("/spec/customresourcedefinitions/owned");
    assertThat(owned).hasSize(1);
    JsonNode crd = owned.get(0);
    assertThat(crd.path("name").asText()).isEqualTo("scaleddemoapps.scaleddemo.dev");
    assertThat(crd.path("displayName").asText()).isEqualTo("Scaled Demo App");
    assertThat(crd.path("description").asText()).isNotBlank();
    JsonNode schema = YAML.readTree(Files.readString(ShipArtifacts.TARGET.resolve("kubernetes")
        .resolve(ShipArtifacts.CRD_FILE))).at("/spec/versions/0/schema/openAPIV3Schema/properties");
    List<String> specPaths = new ArrayList<>();
    crd.path("specDescriptors").forEach(d -> specPaths.add(d.path("path").asText()));
    schema.at("/spec/properties").fieldNames().forEachRemaining(field -> assertThat(specPaths)
        .as("spec descriptor for spec." + field).anyMatch(p -> p.equals(field) || p.startsWith(field + ".")));
    assertThat(specPaths).contains("image", "resources", "scaling.minReplicas", "scaling.maxReplicas",
        "scaling.targetClicksPerSecondPerPod", "scaling.behavior", "ingress.host");
    List<String> statusPaths = new ArrayList<>();
    crd.path("statusDescriptors").forEach(d -> statusPaths.add(d.path("path").asText()));
    List<String> statusFields = new ArrayList<>();
    schema.at("/status/properties").fieldNames().forEachRemaining(statusFields::add);
    assertThat(statusPaths).containsExactlyElementsOf(statusFields).contains("conditions");
    assertThat(crd.path("statusDescriptors")).anySatisfy(d -> {
      assertThat(d.path("path").asText()).isEqualTo("conditions");
      assertThat(d.path("x-descriptors").get(0).asText()).isEqualTo("urn:alm:descriptor:io.kubernetes.conditions");
    });
    assertThat(crd.path("specDescriptors")).allSatisfy(d -> {
      assertThat(d.path("displayName").asText()).isNotBlank();
      assertThat(d.path("description").asText()).as(d.path("path").asText()).isNotBlank();
    });
  }

  @Test
  void csvAlmExamplesAreTheSamples() throws IOException {
    JsonNode examples = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(csv().at("/metadata/annotations/alm-examples").asText());
    List<Path> samples = ShipArtifacts.samples();
    assertThat(examples).hasSize(samples.size());
    for (int i = 0; i < samples.size(); i++) {
      assertThat(examples.get(i)).as(samples.get(i).toString()).isEqualTo(YAML.readTree(Files.readString(samples.get(i))));
    }
  }

  @Test
  void csvIsTheGeneratorsPlusExamplesAndDescriptors() throws IOException {
    JsonNode generated = YAML.readTree(ShipArtifacts.sortEnv(Files.readString(ShipArtifacts.TARGET
        .resolve("bundle").resolve(NAME).resolve(CSV_FILE))));
    ObjectNode checkedIn = (ObjectNode) csv().deepCopy();
    ((ObjectNode) checkedIn.at("/metadata/annotations")).remove("alm-examples");
    checkedIn.at("/spec/customresourcedefinitions/owned").forEach(o ->
        ((ObjectNode) o).remove(List.of("specDescriptors", "statusDescriptors")));
    assertThat(checkedIn).isEqualTo(generated);
  }

  /** Rules per service account, normalized (sorted groups/resources/verbs), as a sorted list of strings. */
  static List<String> normalize(List<PolicyRule> rules) {
    return rules.stream().map(r -> String.join(",", r.getApiGroups().stream().sorted().toList()) + "|"
        + String.join(",", r.getResources().stream().sorted().toList()) + "|"
        + String.join(",", r.getVerbs().stream().sorted().toList())).sorted().toList();
  }

  static List<PolicyRule> rulesOf(RoleRef ref, List<HasMetadata> items) {
    return items.stream().filter(i -> i.getKind().equals(ref.getKind()) && i.getMetadata().getName()
        .equals(ref.getName())).findFirst().map(i -> i instanceof ClusterRole cr ? cr.getRules()
        : ((Role) i).getRules()).orElseThrow(() -> new AssertionError("no " + ref.getKind() + " " + ref.getName()));
  }

  static List<PolicyRule> csvRules(JsonNode permissions) {
    List<PolicyRule> rules = new ArrayList<>();
    permissions.forEach(p -> {
      assertThat(p.path("serviceAccountName").asText()).isEqualTo(NAME);
      p.path("rules").forEach(r -> rules.add(Serialization.unmarshal(r.toString(), PolicyRule.class)));
    });
    return rules;
  }

  @Test
  void csvRbacIsTheGeneratedRbac() throws IOException {
    List<HasMetadata> items = Serialization.unmarshal(
        ShipArtifacts.sortEnv(Files.readString(ShipArtifacts.TARGET.resolve("kubernetes/kubernetes.yml"))));
    List<PolicyRule> cluster = new ArrayList<>();
    ofType(items, ClusterRoleBinding.class).forEach(b -> cluster.addAll(rulesOf(b.getRoleRef(), items)));
    List<PolicyRule> namespaced = new ArrayList<>();
    ofType(items, RoleBinding.class).forEach(b -> namespaced.addAll(rulesOf(b.getRoleRef(), items)));
    JsonNode install = csv().at("/spec/install/spec");
    assertThat(normalize(csvRules(install.path("clusterPermissions")))).as("clusterPermissions")
        .isEqualTo(normalize(cluster));
    assertThat(normalize(csvRules(install.path("permissions")))).as("permissions").isEqualTo(normalize(namespaced));

    // the CSV's Deployment is the generated one, except that OLM's target namespaces are the watched ones
    Deployment generated = deployment(items);
    JsonNode csvDeployment = install.path("deployments").get(0);
    assertThat(csvDeployment.path("name").asText()).isEqualTo(generated.getMetadata().getName());
    var csvSpec = Serialization.unmarshal(csvDeployment.path("spec").toString(),
        io.fabric8.kubernetes.api.model.apps.DeploymentSpec.class);
    EnvVar watched = csvSpec.getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals(NAMESPACES_ENV)).findFirst().orElseThrow();
    assertThat(watched.getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.annotations['olm.targetNamespaces']");
    csvSpec.getTemplate().getSpec().getContainers().get(0).getEnv().removeIf(e -> e.getName().equals(NAMESPACES_ENV));
    var expected = new io.fabric8.kubernetes.api.model.apps.DeploymentSpecBuilder(generated.getSpec()).build();
    expected.getTemplate().getSpec().getContainers().get(0).getEnv().removeIf(e -> e.getName().equals(NAMESPACES_ENV));
    for (var spec : List.of(csvSpec, expected)) {
      spec.getTemplate().getSpec().getContainers().get(0).getEnv().sort(java.util.Comparator.comparing(EnvVar::getName));
    }
    assertThat(csvSpec).isEqualTo(expected);
  }

  static String image(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  @Test
  void helmChartDefaultsAreTheInstallYamlOnes() throws IOException {
    JsonNode values = YAML.readTree(Files.readString(ShipArtifacts.helmChartDir().resolve("values.yaml"))).path("app");
    Deployment d = deployment(installObjects());
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(values.path("image").asText()).isEqualTo(c.getImage());
    assertThat(values.path("replicas").asInt()).isEqualTo(d.getSpec().getReplicas());
    assertThat(values.at("/resources/limits/memory").asText()).isEqualTo(c.getResources().getLimits().get("memory")
        .toString());
    for (String env : List.of("ADAPTER_NAMESPACE", "ADAPTER_CONFIG_MAP", "ADAPTER_CONFIG_KEY", "ADAPTER_DEPLOYMENT",
        "DEMO_APP_IMAGE", NAMESPACES_ENV)) {
      assertThat(values.path("envs").path(env).asText()).as(env).isEqualTo(c.getEnv().stream()
          .filter(e -> e.getName().equals(env)).findFirst().orElseThrow().getValue());
    }
    assertThat(ShipArtifacts.helmChartDir().resolve("crds").resolve(ShipArtifacts.CRD_FILE)).exists();
  }

  /**
   * operator-framework's bundle validator (github.com/operator-framework/api cmd/operator-verify, built from the Go
   * module proxy by hack/build-operator-verify.sh) accepts the bundle with only the known warnings, and shows them.
   */
  @Test
  void operatorFrameworkValidatorAcceptsTheBundle() {
    var r = operatorVerify(ShipArtifacts.bundleDir());
    assertThat(r.code()).as(r.output()).isZero();
    assertThat(r.output()).as("validator errors").doesNotContain("level=error", "level=fatal");
    assertThat(r.output()).as("alm-examples are read").doesNotContain("example annotations not found");
    assertThat(r.output()).as("icon").doesNotContain("Icon not specified");
    // what is left are warnings; these are known and explained in the README
    List<String> warnings = r.output().lines().filter(l -> l.contains("level=warning")).toList();
    assertThat(warnings).allSatisfy(w -> assertThat(w).containsAnyOf(KNOWN_WARNINGS));
    assertThat(KNOWN_WARNINGS).as("the known warnings are shown: the validator really ran its checks")
        .allSatisfy(k -> assertThat(warnings).anySatisfy(w -> assertThat(w).contains(k)));
  }

  static final String[] KNOWN_WARNINGS = {
      "APIs which were deprecated and removed in v1.25", // matches the RBAC rules' resource names, not API versions
      "validator is deprecated"};

  /** Control: the same validator run rejects a copy of the bundle without the CRD that its CSV owns. */
  @Test
  void operatorFrameworkValidatorRejectsABrokenBundle() throws IOException {
    Path broken = Path.of("target/broken-bundle").toAbsolutePath();
    ShipArtifacts.readTree(ShipArtifacts.bundleDir()).forEach((file, content) -> {
      try {
        Files.createDirectories(broken.resolve(file).getParent());
        Files.writeString(broken.resolve(file), content);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    Files.delete(broken.resolve("manifests").resolve(ShipArtifacts.CRD_FILE.replace(".yml", ".crd.yml")));
    var r = operatorVerify(broken);
    assertThat(r.output()).contains("level=error")
        .contains("owned CRD \\\"scaleddemo.dev/v1alpha1, Kind=ScaledDemoApp\\\" not found in bundle");
  }

  /**
   * operator-verify with the default, OperatorHub and object validators; it exits 0 whatever it finds, so the log
   * levels decide.
   */
  private static LocalCluster.Result operatorVerify(Path bundle) {
    Path verify = ShipArtifacts.buildTool("build-operator-verify.sh");
    var r = ShipArtifacts.exec(ShipArtifacts.deploy(), Map.of(), Duration.ofMinutes(2), null, verify.toString(),
        "manifests", "--operatorhub_validate", "--object_validate", bundle.toString());
    System.out.println("[operator-verify " + bundle + "]\n" + r.output());
    return r;
  }
}
