package dev.scaleddemo.operator;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.config.OperatorSettings;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Test fixtures: samples as the API server would store them (namespace, uid, defaults from field initialisers). */
public final class TestApps {
  public static final String NAMESPACE = "demo";
  public static final OperatorSettings SETTINGS = new OperatorSettings("example.org/demo-app:test",
      new OperatorSettings.AdapterSettings("monitoring", "prometheus-adapter", "config.yaml", "prometheus-adapter",
          Duration.ofSeconds(30), 20, 512 * 1024),
      new OperatorSettings.KedaSettings("http://prometheus-operated.monitoring.svc:9090", Duration.ofSeconds(15)));

  private TestApps() {}

  public static Path root() {
    return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
  }

  public static ScaledDemoApp sample(String file) {
    try {
      ScaledDemoApp app = Serialization.unmarshal(Files.readString(root().resolve("samples").resolve(file)),
          ScaledDemoApp.class);
      return stored(app);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static ScaledDemoApp minimal(String name) {
    ScaledDemoApp app = new ScaledDemoApp();
    app.getMetadata().setName(name);
    app.setSpec(new dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppSpec());
    return stored(app);
  }

  private static ScaledDemoApp stored(ScaledDemoApp app) {
    app.getMetadata().setNamespace(NAMESPACE);
    app.getMetadata().setUid("00000000-0000-0000-0000-" + String.format("%012d", Math.abs(app.getMetadata().getName().hashCode())));
    app.getMetadata().setGeneration(1L);
    app.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
    return app;
  }
}
