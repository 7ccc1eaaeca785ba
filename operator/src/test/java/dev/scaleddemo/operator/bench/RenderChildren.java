package dev.scaleddemo.operator.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.config.OperatorSettings;
import dev.scaleddemo.operator.manifest.AdapterRules;
import dev.scaleddemo.operator.manifest.DashboardManifest;
import dev.scaleddemo.operator.manifest.DeploymentManifest;
import dev.scaleddemo.operator.manifest.HpaManifest;
import dev.scaleddemo.operator.manifest.IngressManifest;
import dev.scaleddemo.operator.manifest.Labels;
import dev.scaleddemo.operator.manifest.ServiceManifest;
import dev.scaleddemo.operator.manifest.ServiceMonitorManifest;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The children the operator would create for some apps, from its own pure builders, for the scale benchmark's raw
 * baseline ({@code hack/bench/scale.sh}): reads a JSON list of ScaledDemoApps on stdin, writes a JSON list of
 * objects on stdout: each app's namespaced children without the owner reference (there is no owner in the
 * baseline) and labelled as managed by the baseline rather than the operator, then the adapter ConfigMap with every
 * app's rule merged into {@code config} (the first argument, the admin's config text; empty when absent).
 */
public final class RenderChildren {
  /** The baseline's objects say who made them instead of the operator. */
  static final String RAW_MANAGER = "scale-bench-raw";

  private RenderChildren() {}

  /** The default of {@code scaleddemo.demo-app.image=${DEMO_APP_IMAGE:<image>}} in application.properties. */
  static String defaultImage() throws IOException {
    var properties = new java.util.Properties();
    try (var r = java.nio.file.Files.newBufferedReader(
        TestApps.root().resolve("operator/src/main/resources/application.properties"))) {
      properties.load(r);
    }
    String value = properties.getProperty("scaleddemo.demo-app.image");
    return value.substring(value.indexOf(':') + 1, value.length() - 1);
  }

  public static void main(String[] args) throws IOException {
    ObjectMapper json = new ObjectMapper();
    // the operator's defaults (application.properties): the default image, the adapter in monitoring/
    OperatorSettings settings = new OperatorSettings(defaultImage(), TestApps.SETTINGS.adapter(),
        TestApps.SETTINGS.keda());
    List<ScaledDemoApp> apps = new ArrayList<>();
    for (var node : json.readTree(System.in)) {
      ScaledDemoApp app = Serialization.unmarshal(json.writeValueAsString(node), ScaledDemoApp.class);
      app.getMetadata().setUid(UUID.randomUUID().toString());
      app.getMetadata().setGeneration(1L);
      apps.add(app);
    }
    List<HasMetadata> out = new ArrayList<>();
    for (ScaledDemoApp app : apps) {
      List<HasMetadata> children = new ArrayList<>(List.of(DeploymentManifest.build(app, settings),
          ServiceManifest.build(app), ServiceMonitorManifest.build(app), HpaManifest.build(app)));
      if (app.getSpec().getIngress() != null) {
        children.add(IngressManifest.build(app));
      }
      if (!Boolean.FALSE.equals(app.getSpec().getMonitoring().getDashboard())) {
        children.add(DashboardManifest.build(app));
      }
      children.forEach(c -> {
        c.getMetadata().setOwnerReferences(null);
        // out of the operator's informers (they select managed-by): it would otherwise cache and process the
        // baseline's objects too, and the baseline would share the operator's CPU
        var labels = new java.util.LinkedHashMap<>(c.getMetadata().getLabels());
        labels.put(Labels.MANAGED_BY, RAW_MANAGER);
        c.getMetadata().setLabels(labels);
      });
      out.addAll(children);
    }
    var adapter = settings.adapter();
    try {
      var merged = AdapterRules.merge(args.length > 0 ? args[0] : "", AdapterRules.Record.EMPTY, Set.of(),
          AdapterRules.claims(apps), AdapterRules.Limits.NONE);
      out.add(new ConfigMapBuilder().withNewMetadata().withName(adapter.configMapName())
          .withNamespace(adapter.namespace()).addToAnnotations(AdapterRules.RECORD_ANNOTATION, merged.record().format())
          .endMetadata().addToData(adapter.configKey(), merged.config()).build());
    } catch (AdapterRules.InvalidConfigException e) {
      throw new IllegalArgumentException("the admin config does not parse: " + e.getMessage(), e);
    }
    System.out.println(Serialization.asJson(out));
  }
}
