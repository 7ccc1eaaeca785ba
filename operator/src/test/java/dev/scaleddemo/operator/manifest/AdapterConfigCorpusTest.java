package dev.scaleddemo.operator.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleddemo.operator.manifest.AdapterRules.Limits;
import dev.scaleddemo.operator.manifest.AdapterRules.Outcome;
import dev.scaleddemo.operator.manifest.AdapterRules.Record;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Real adapter configs (src/test/resources/adapter-configs): adding the operator's rules and removing them again
 * gives the admin's config back byte for byte, and every step is a config prometheus-adapter loads.
 */
class AdapterConfigCorpusTest {
  private static final Path CORPUS = Path.of("src/test/resources/adapter-configs");
  private static final String INVALID = "invalid-upstream-sample-config.yaml";

  static final List<AdapterRules.Claim> CLAIMS = AdapterRules.claims(List.of(
      AdapterRulesTest.app("team-a", "clicks", "demo_app_button_clicks_total", "2m", "2026-01-01T00:00:00Z"),
      AdapterRulesTest.app("team-b", "clicks", "demo_app_button_clicks_total", "5m", "2026-01-02T00:00:00Z"),
      AdapterRulesTest.app("team-b", "orders", "shop_orders_total", "90s", "2026-01-03T00:00:00Z")));

  @TestFactory
  Stream<DynamicTest> addingThenRemovingOurRulesGivesTheConfigBackByteForByte() throws Exception {
    try (Stream<Path> files = Files.list(CORPUS)) {
      return files.filter(p -> p.toString().endsWith(".yaml") && !p.endsWith(INVALID)).sorted().toList().stream()
          .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> roundTrip(
              Files.readString(p, StandardCharsets.UTF_8))));
    }
  }

  private static void roundTrip(String original) throws Exception {
    var added = AdapterRules.merge(original, Record.EMPTY, Set.of(), CLAIMS, Limits.NONE);
    var written = added.outcomes().entrySet().stream()
        .filter(e -> e.getValue().kind() == Outcome.Kind.WRITTEN).map(java.util.Map.Entry::getKey).toList();
    assertThat(added.record().rules().keySet()).containsExactlyInAnyOrderElementsOf(written);
    assertThat(written).contains("demo_app_button_clicks_per_second_5m", "shop_orders_per_second_1m30s");
    // every foreign rule's text is still there, in order
    var before = AdapterConfigText.parse(original);
    var after = AdapterConfigText.parse(added.config());
    int from = 0;
    for (var item : before.items()) {
      String text = original.substring(item.start(), item.end());
      from = added.config().indexOf(text, from);
      assertThat(from).as("foreign rule kept: %s", text).isNotNegative();
    }
    assertThat(after.items()).hasSize(before.items().size() + written.size());

    var again = AdapterRules.merge(added.config(), added.record(), Set.of(), CLAIMS, Limits.NONE);
    assertThat(again.changed()).as("idempotent").isFalse();

    var removed = AdapterRules.merge(added.config(), added.record(), Set.of(), List.of(), Limits.NONE);
    assertThat(removed.config()).isEqualTo(original);
    assertThat(removed.record().rules()).isEmpty();
  }

  @Test
  void theUpstreamSampleConfigIsNotValidYamlAndIsLeftAlone() throws Exception {
    String sample = Files.readString(CORPUS.resolve(INVALID));
    assertThatThrownBy(() -> AdapterRules.merge(sample, Record.EMPTY, Set.of(), CLAIMS, Limits.NONE))
        .isInstanceOf(AdapterRules.InvalidConfigException.class).hasMessageContaining("not valid YAML");
  }

  @Test
  void theChartsDefaultRulesDoNotServeOurMetricButTheTutorialsRuleDoes() throws Exception {
    var chart = AdapterRules.merge(Files.readString(CORPUS.resolve("helm-chart-default.yaml")), Record.EMPTY,
        Set.of(), CLAIMS, Limits.NONE);
    assertThat(chart.outcomes().get("demo_app_button_clicks_per_second").kind()).isEqualTo(Outcome.Kind.WRITTEN);
    var tutorial = AdapterRules.merge(Files.readString(CORPUS.resolve("tutorial-per-second.yaml")), Record.EMPTY,
        Set.of(), CLAIMS, Limits.NONE);
    assertThat(tutorial.outcomes().get("demo_app_button_clicks_per_second").kind())
        .isEqualTo(Outcome.Kind.SERVED_BY_OTHER);
  }
}
