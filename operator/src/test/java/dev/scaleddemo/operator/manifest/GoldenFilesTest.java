package dev.scaleddemo.operator.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.Regeneration;
import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every sample renders every child to checked-in YAML under src/test/resources/golden/SAMPLE/. A diff here is a
 * review item. Regenerate with {@code -Dgolden.update=true} (the run then fails: review and commit, run again).
 */
class GoldenFilesTest {
  private static final boolean UPDATE = Regeneration.requested("golden.update");

  static Map<String, Object> render(ScaledDemoApp app) throws Exception {
    Map<String, Object> children = new LinkedHashMap<>();
    children.put("deployment", DeploymentManifest.build(app, TestApps.SETTINGS));
    children.put("service", ServiceManifest.build(app));
    if (app.getSpec().getIngress() != null) {
      children.put("ingress", IngressManifest.build(app));
    }
    children.put("servicemonitor", ServiceMonitorManifest.build(app));
    if (app.getSpec().getScaling().usesKeda()) {
      children.put("scaledobject", ScaledObjectManifest.build(app, TestApps.SETTINGS.keda()));
    } else {
      adapterChildren(app, children);
    }
    if (!Boolean.FALSE.equals(app.getSpec().getMonitoring().getDashboard())) {
      children.put("dashboard", DashboardManifest.build(app));
    }
    return children;
  }

  private static void adapterChildren(ScaledDemoApp app, Map<String, Object> children) throws Exception {
    var merged = AdapterRules.merge("", AdapterRules.Record.EMPTY, Set.of(), AdapterRules.claims(List.of(app)),
        AdapterRules.Limits.NONE);
    children.put("adapter-rule", new ConfigMapBuilder().withNewMetadata()
        .withName(TestApps.SETTINGS.adapter().configMapName()).withNamespace(TestApps.SETTINGS.adapter().namespace())
        .addToAnnotations(AdapterRules.RECORD_ANNOTATION, merged.record().format())
        .endMetadata().addToData(TestApps.SETTINGS.adapter().configKey(), merged.config()).build());
    children.put("hpa", HpaManifest.build(app));
  }

  @TestFactory
  Stream<DynamicTest> samplesMatchGoldenFiles() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    try (Stream<Path> samples = Files.list(TestApps.root().resolve("samples"))) {
      for (Path sample : samples.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        String name = sample.getFileName().toString().replace(".yaml", "");
        Path dir = Path.of("src/test/resources/golden", name);
        tests.add(DynamicTest.dynamicTest(name, () -> {
          Map<String, Object> children = render(TestApps.sample(sample.getFileName().toString()));
          if (UPDATE) {
            Files.createDirectories(dir);
            try (Stream<Path> old = Files.list(dir)) {
              for (Path p : old.toList()) Files.delete(p);
            }
          }
          try (Stream<Path> existing = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
            List<String> files = existing.map(p -> p.getFileName().toString()).sorted().toList();
            if (!UPDATE) {
              assertThat(files).as("golden files of " + name)
                  .containsExactlyInAnyOrderElementsOf(children.keySet().stream().map(k -> k + ".yaml").toList());
            }
          }
          for (var child : children.entrySet()) {
            Path file = dir.resolve(child.getKey() + ".yaml");
            String yaml = Serialization.asYaml(child.getValue());
            if (UPDATE) {
              Files.writeString(file, yaml);
            } else {
              assertThat(yaml).as(file + " (regenerate with -Dgolden.update=true and review the diff)")
                  .isEqualTo(Files.readString(file));
            }
          }
          if (UPDATE) {
            throw Regeneration.regenerated(TestApps.root().relativize(dir.toAbsolutePath()).toString());
          }
        }));
      }
    }
    assertThat(tests).as("samples found").hasSizeGreaterThanOrEqualTo(2);
    return tests.stream();
  }
}
