package dev.scaleddemo.operator.generated;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.Regeneration;
import dev.scaleddemo.operator.TestApps;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Checks what the Quarkus build generates (runs after package, so it reads this build's output): the CRD, its
 * checked-in copy under crds/, and the RBAC. {@code -Dcrds.update=true} refreshes crds/.
 */
class GeneratedArtifactsIT {
  static final String CRD_FILE = "scaleddemoapps.scaleddemo.dev-v1.yml";
  static final Path GENERATED = Path.of("target/kubernetes");

  static CustomResourceDefinition crd() throws IOException {
    return Serialization.unmarshal(Files.readString(GENERATED.resolve(CRD_FILE)), CustomResourceDefinition.class);
  }

  static JSONSchemaProps spec() throws IOException {
    return crd().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
  }

  @Test
  void checkedInCrdMatchesTheBuild() throws IOException {
    Path checkedIn = TestApps.root().resolve("crds").resolve(CRD_FILE);
    if (Regeneration.requested("crds.update")) {
      Files.createDirectories(checkedIn.getParent());
      Files.copy(GENERATED.resolve(CRD_FILE), checkedIn, StandardCopyOption.REPLACE_EXISTING);
      throw Regeneration.regenerated(TestApps.root().relativize(checkedIn).toString());
    }
    assertThat(checkedIn).as("crds/ is stale: run mvn verify -Dcrds.update=true and commit crds/")
        .hasSameTextualContentAs(GENERATED.resolve(CRD_FILE));
  }

  @Test
  void namesAndPrinterColumns() throws IOException {
    var crd = crd();
    assertThat(crd.getMetadata().getName()).isEqualTo("scaleddemoapps.scaleddemo.dev");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("sda");
    assertThat(crd.getSpec().getNames().getCategories()).containsExactly("all");
    var version = crd.getSpec().getVersions().get(0);
    assertThat(version.getName()).isEqualTo("v1alpha1");
    assertThat(version.getSubresources().getStatus()).isNotNull();
    assertThat(version.getAdditionalPrinterColumns()).extracting(CustomResourceColumnDefinition::getName)
        .containsExactly("Ready", "Mode", "Replicas", "Desired", "Clicks/s", "Target", "Min", "Max", "Age");
    assertThat(version.getAdditionalPrinterColumns()).extracting(CustomResourceColumnDefinition::getType)
        .containsExactly("string", "string", "integer", "integer", "string", "string", "integer", "integer", "date");
  }

  @Test
  void schemaDefaults() throws IOException {
    var spec = spec().getProperties();
    assertThat(spec.get("port").getDefault().asInt()).isEqualTo(8000);
    assertThat(spec.get("servicePort").getDefault().asInt()).isEqualTo(8080);
    var scaling = spec.get("scaling").getProperties();
    assertThat(scaling.get("minReplicas").getDefault().asInt()).isEqualTo(1);
    assertThat(scaling.get("maxReplicas").getDefault().asInt()).isEqualTo(10);
    assertThat(scaling.get("targetClicksPerSecondPerPod").getDefault().asText()).isEqualTo("10m");
    assertThat(scaling.get("rateWindow").getDefault().asText()).isEqualTo("2m");
    var onMetricLoss = scaling.get("onMetricLoss").getProperties();
    assertThat(onMetricLoss.get("policy").getDefault().asText()).isEqualTo("Hold");
    assertThat(onMetricLoss.get("after").getDefault().asText()).isEqualTo("2m");
    assertThat(spec.get("metric").getProperties().get("counter").getDefault().asText())
        .isEqualTo("demo_app_button_clicks_total");
    var monitoring = spec.get("monitoring").getProperties();
    assertThat(monitoring.get("interval").getDefault().asText()).isEqualTo("15s");
    assertThat(monitoring.get("dashboard").getDefault().asBoolean()).isTrue();
    assertThat(spec.get("ingress").getProperties().get("path").getDefault().asText()).isEqualTo("/");
    assertThat(spec.get("ingress").getRequired()).containsExactly("host");
    // Objects default to {} so their fields' defaults apply when the user leaves the whole object out.
    for (String obj : List.of("scaling", "metric", "monitoring")) {
      assertThat(spec.get(obj).getDefault()).as(obj).isNotNull();
    }
  }

  @Test
  void celRulesAndBounds() throws IOException {
    var spec = spec();
    assertThat(spec.getXKubernetesValidations()).extracting(ValidationRule::getFieldPath)
        .containsExactly(".scaling.rateWindow");
    var scaling = spec.getProperties().get("scaling");
    assertThat(scaling.getXKubernetesValidations()).extracting(ValidationRule::getRule)
        .anySatisfy(r -> assertThat(r).contains("self.minReplicas <= self.maxReplicas"))
        .anySatisfy(r -> assertThat(r).contains("quantity(self.targetClicksPerSecondPerPod).isGreaterThan(quantity('0'))"))
        .anySatisfy(r -> assertThat(r).contains("self.onMetricLoss.fallbackReplicas <= self.maxReplicas"));
    assertThat(scaling.getProperties().get("onMetricLoss").getXKubernetesValidations())
        .extracting(ValidationRule::getFieldPath).containsExactly(".fallbackReplicas");
    assertThat(scaling.getProperties().get("minReplicas").getMinimum()).isEqualTo(1.0);
    assertThat(spec.getProperties().get("port").getMaximum()).isEqualTo(65535.0);
    assertThat(spec.getProperties().get("ingress").getProperties().get("host").getPattern()).startsWith("^(\\*\\.)?");
    // Every field is documented.
    List<String> undocumented = new ArrayList<>();
    collectUndocumented("spec", spec, undocumented);
    assertThat(undocumented).isEmpty();
  }

  private static void collectUndocumented(String path, JSONSchemaProps props, List<String> out) {
    if (props.getProperties() == null) return;
    props.getProperties().forEach((name, child) -> {
      String p = path + "." + name;
      if (child.getDescription() == null || child.getDescription().isBlank()) out.add(p);
      // Nested Kubernetes types (resources, behavior) carry the generator's own text or none: only ours count.
      if (!List.of("spec.resources", "spec.scaling.behavior").contains(p)) collectUndocumented(p, child, out);
    });
  }

  @Test
  void rbacHasNoWildcards() throws IOException {
    List<HasMetadata> items = Serialization.unmarshal(Files.readString(GENERATED.resolve("kubernetes.yml")));
    List<PolicyRule> rules = new ArrayList<>();
    for (HasMetadata item : items) {
      if (item instanceof ClusterRole cr) rules.addAll(cr.getRules());
      if (item instanceof Role r) rules.addAll(r.getRules());
    }
    assertThat(rules).as("generated RBAC rules").isNotEmpty();
    assertThat(rules).allSatisfy(r -> {
      assertThat(r.getVerbs()).doesNotContain("*");
      assertThat(r.getResources()).doesNotContain("*");
      assertThat(r.getApiGroups()).doesNotContain("*");
    });
    String granted = rules.stream().flatMap(r -> r.getResources().stream()).sorted().distinct()
        .collect(Collectors.joining(","));
    assertThat(granted).contains("scaleddemoapps/status", "deployments", "horizontalpodautoscalers", "servicemonitors",
        "configmaps", "ingresses", "services", "events");
  }
}
