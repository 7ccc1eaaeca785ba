package dev.scaleddemo.operator.ship;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.it.LocalCluster;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell scripts of hack/: they parse, shellcheck finds no warning (Debian's shellcheck, installed by .ci/run),
 * they share hack/lib.sh instead of copying its helpers, and hack/images.sh renders install.yaml with local tags.
 */
class HackScriptsTest {
  private static final Path HACK = TestApps.root().resolve("hack");
  /** The helpers of hack/lib.sh: defined there only. */
  private static final Pattern LIB_FUNCTION = Pattern.compile(
      "(?m)^\\s*(log|die|lock_tool_build|free_ports|await_established|alive|pid_of|set_pid|start|check_alive|any_alive|print_status"
          + "|stop_pid|wait_until|go_install_tool)\\s*\\(\\)");

  static List<Path> scripts() throws IOException {
    try (Stream<Path> s = Files.walk(HACK)) {
      return s.filter(p -> p.toString().endsWith(".sh")).sorted().toList();
    }
  }

  static LocalCluster.Result run(String... cmd) {
    return LocalCluster.exec(TestApps.root(), Map.of(), Duration.ofMinutes(2), null, cmd);
  }

  @Test
  void everyScriptParsesAndShellcheckFindsNoWarning() throws IOException {
    List<String> cmd = new ArrayList<>(List.of("shellcheck", "-x", "-S", "warning"));
    for (Path script : scripts()) {
      var r = run("bash", "-n", script.toString());
      assertThat(r.code()).as(script + ": " + r.output()).isZero();
      cmd.add(TestApps.root().relativize(script).toString());
    }
    var r = run(cmd.toArray(String[]::new));
    assertThat(r.output()).as("shellcheck output").isEmpty();
    assertThat(r.code()).isZero();
  }

  @Test
  void everyScriptUsesTheSharedLibrary() throws IOException {
    for (Path script : scripts()) {
      if (script.getFileName().toString().equals("lib.sh")) continue;
      String text = Files.readString(script);
      assertThat(text).as(script.toString()).containsPattern("(?m)^\\. \".*lib\\.sh\"$");
      assertThat(LIB_FUNCTION.matcher(text).results().map(m -> m.group(1)).toList())
          .as(script + " redefines helpers of hack/lib.sh").isEmpty();
    }
  }

  static List<HasMetadata> objects(String yaml) {
    return Serialization.unmarshal(yaml);
  }

  static Container operatorContainer(List<HasMetadata> objects) {
    return objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst()
        .orElseThrow().getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  @Test
  void imagesRenderSetsTheLocalTagsAndNothingElse() throws IOException {
    var r = run("bash", "hack/images.sh", "render", "--tag", "t1");
    assertThat(r.code()).as(r.output()).isZero();
    List<HasMetadata> rendered = objects(r.stdout());
    List<HasMetadata> installed = objects(Files.readString(ShipArtifacts.installYamlFile()));
    Container c = operatorContainer(rendered);
    assertThat(c.getImage()).isEqualTo("scaled-demo.local/scaled-demo-operator:t1");
    assertThat(c.getEnv()).filteredOn(e -> e.getName().equals("DEMO_APP_IMAGE")).extracting(EnvVar::getValue)
        .containsExactly("scaled-demo.local/demo-app:t1");
    assertThat(c.getImagePullPolicy()).as("the loaded image is used, not pulled").isEqualTo("IfNotPresent");
    // everything else is install.yaml as it is
    Container original = operatorContainer(installed);
    c.setImage(original.getImage());
    c.getEnv().replaceAll(e -> e.getName().equals("DEMO_APP_IMAGE") ? original.getEnv().stream()
        .filter(o -> o.getName().equals("DEMO_APP_IMAGE")).findFirst().orElseThrow() : e);
    assertThat(rendered).isEqualTo(installed);
  }

  @Test
  void imagesRefusesWhatItCannotRender() {
    assertThat(run("bash", "hack/images.sh", "render", "--tag", "a;b").code()).isNotZero();
    assertThat(run("bash", "hack/images.sh", "render", "--tag", "t1", "--bogus").code()).isNotZero();
    var r = LocalCluster.exec(TestApps.root(), Map.of("IMAGE_PREFIX", "Bad#Prefix"), Duration.ofMinutes(1), null,
        "bash", "hack/images.sh", "render");
    assertThat(r.code()).as(r.output()).isNotZero();
    assertThat(r.stderr()).contains("not an image repository prefix");
    assertThat(run("bash", "hack/images.sh", "load").stderr()).contains("--kind");
  }

  @Test
  void imagesLoadLeavesNoArchiveBehindWhenTheEngineFails(@TempDir Path tmp) throws IOException {
    var r = LocalCluster.exec(TestApps.root(), Map.of("CONTAINER_ENGINE", "false", "TMPDIR", tmp.toString()),
        Duration.ofMinutes(1), null, "bash", "hack/images.sh", "load", "--kind");
    assertThat(r.code()).as(r.output()).isNotZero();
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void releaseRefusesAVersionThatIsNotNewerThanThePreviousRelease() throws IOException {
    String previous = ShipArtifacts.previousReleaseVersion();
    var r = run("bash", "hack/release.sh", previous);
    assertThat(r.code()).isNotZero();
    assertThat(r.stderr()).contains("is not newer than the previous release " + previous);
    assertThat(run("bash", "hack/release.sh", "v1.0").stderr()).contains("usage:");
  }
}
