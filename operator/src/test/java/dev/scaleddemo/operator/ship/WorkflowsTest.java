package dev.scaleddemo.operator.ship;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.it.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * .github/workflows/ pass actionlint (github.com/rhysd/actionlint, built from the Go module proxy by
 * hack/build-actionlint.sh), and the release workflow does what a release needs.
 */
class WorkflowsTest {
  private static final Path WORKFLOWS = TestApps.root().resolve(".github/workflows");

  /** actionlint on every workflow file of {@code repo} (named explicitly: no git repository needed). */
  static LocalCluster.Result lint(Path repo) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(ShipArtifacts.buildTool("build-actionlint.sh").toString(), "-no-color"));
    try (var files = Files.list(repo.resolve(".github/workflows"))) {
      files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml")).sorted()
          .forEach(f -> cmd.add(repo.relativize(f).toString()));
    }
    assertThat(cmd).hasSizeGreaterThan(2);
    return ShipArtifacts.exec(repo, Map.of(), Duration.ofMinutes(2), null, cmd.toArray(String[]::new));
  }

  @Test
  void actionlintFindsNothing() throws IOException {
    var r = lint(TestApps.root());
    assertThat(r.output()).as("actionlint").isBlank();
    assertThat(r.code()).isZero();
  }

  @Test
  void actionlintCatchesABrokenWorkflow(@TempDir Path repo) throws IOException {
    Path dir = Files.createDirectories(repo.resolve(".github/workflows"));
    Files.writeString(dir.resolve("broken.yml"), """
        on: push
        jobs:
          x:
            runs-on: ubuntu-24.04
            steps:
              - run: echo "${{ github.no_such_context }}"
        """);
    var r = lint(repo);
    assertThat(r.code()).isNotZero();
    assertThat(r.output()).contains("broken.yml");
  }

  static JsonNode workflow(String file) throws IOException {
    return ShipArtifacts.YAML.readTree(Files.readString(WORKFLOWS.resolve(file)));
  }

  static List<String> runs(JsonNode job) {
    List<String> runs = new ArrayList<>();
    job.path("steps").forEach(s -> runs.add(s.path("run").asText("") + " " + s.path("uses").asText("")));
    return runs;
  }

  @Test
  void releaseRunsOnVersionTagsAndShipsEverything() throws IOException {
    JsonNode release = workflow("release.yml");
    assertThat(release.at("/on/push/tags").get(0).asText()).isEqualTo("v[0-9]+.[0-9]+.[0-9]+");
    assertThat(release.at("/env/PLATFORMS").asText()).isEqualTo("linux/amd64,linux/arm64");
    assertThat(release.at("/permissions/packages").asText()).isEqualTo("write");
    List<String> steps = runs(release.at("/jobs/release"));
    assertThat(steps).anySatisfy(s -> assertThat(s).contains("docker/setup-qemu-action"))
        .anySatisfy(s -> assertThat(s).contains("docker/setup-buildx-action"))
        .anySatisfy(s -> assertThat(s).contains("hack/release.sh \"$VERSION\" --push --platforms \"$PLATFORMS\""))
        .anySatisfy(s -> assertThat(s).contains("gh release create", "install.yaml",
            "scaled-demo-operator-$VERSION.tgz", "catalog.yaml"));
  }

  @Test
  void ciRunsTheRepositorysEntryPoint() throws IOException {
    assertThat(runs(workflow("ci.yml").at("/jobs/verify"))).anySatisfy(s -> assertThat(s).contains(".ci/run"));
  }
}
