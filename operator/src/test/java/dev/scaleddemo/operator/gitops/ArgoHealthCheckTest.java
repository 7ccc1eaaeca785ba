package dev.scaleddemo.operator.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * health.lua against every case of health_test.yaml (Argo CD's own test layout for resource customizations): the
 * testdata objects are real statuses the operator wrote in GitOpsHealthIT, which also checks they are current.
 */
class ArgoHealthCheckTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void everyCaseOfHealthTestYaml() throws IOException {
    JsonNode tests = YAML.readTree(ArgoHealthCheck.DIR.resolve("health_test.yaml").toFile()).path("tests");
    assertThat(tests).isNotEmpty();
    List<String> inputs = new ArrayList<>();
    List<String> statuses = new ArrayList<>();
    for (JsonNode t : tests) {
      String input = t.path("inputPath").asText();
      inputs.add(input);
      JsonNode obj = YAML.readTree(ArgoHealthCheck.DIR.resolve(input).toFile());
      var health = ArgoHealthCheck.run(obj);
      assertThat(health).as(input).isEqualTo(new ArgoHealthCheck.Health(t.at("/healthStatus/status").asText(),
          t.at("/healthStatus/message").asText()));
      statuses.add(health.status());
    }
    assertThat(statuses).contains("Healthy", "Progressing", "Degraded", "Suspended");
    try (Stream<Path> files = Files.list(ArgoHealthCheck.TESTDATA)) {
      assertThat(files.map(p -> "testdata/" + p.getFileName()).sorted().toList()).as("every testdata file is a case")
          .containsExactlyInAnyOrderElementsOf(inputs);
    }
  }

  @Test
  void anObjectWithoutStatusIsProgressing() {
    var health = ArgoHealthCheck.run(YAML.createObjectNode().set("metadata",
        YAML.createObjectNode().put("name", "new").put("generation", 1)));
    assertThat(health).isEqualTo(new ArgoHealthCheck.Health("Progressing",
        "Waiting for the operator to report a status"));
  }

  @Test
  void luaStringsSurviveQuotesAndNewlines() {
    var obj = YAML.createObjectNode();
    obj.putObject("metadata").put("generation", 1);
    var status = obj.putObject("status").put("observedGeneration", 1);
    status.putArray("conditions").addObject().put("type", "Ready").put("status", "True")
        .put("reason", "Ready").put("message", "a \"quoted\" \\ line\nand another");
    assertThat(ArgoHealthCheck.run(obj)).isEqualTo(new ArgoHealthCheck.Health("Healthy",
        "a \"quoted\" \\ line\nand another"));
  }
}
