package dev.scaleddemo.operator.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdapterRulesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** What the prometheus-adapter Helm chart ships, trimmed: a foreign rule and other top-level keys. */
  static final String CHART_CONFIG = """
      rules:
      - seriesQuery: '{__name__=~"^container_.*",container!="POD",namespace!="",pod!=""}'
        resources:
          overrides:
            namespace: {resource: "namespace"}
            pod: {resource: "pod"}
        name:
          matches: "^container_(.*)_seconds_total$"
        metricsQuery: sum(rate(<<.Series>>{<<.LabelMatchers>>,container!="POD"}[5m])) by (<<.GroupBy>>)
      resourceRules:
        cpu:
          containerQuery: sum(rate(container_cpu_usage_seconds_total{<<.LabelMatchers>>}[3m])) by (<<.GroupBy>>)
      """;

  private static ScaledDemoApp app(String name, String counter, String window, String created) {
    ScaledDemoApp a = TestApps.minimal(name);
    a.getSpec().getMetric().setCounter(counter);
    a.getSpec().getScaling().setRateWindow(window);
    a.getMetadata().setCreationTimestamp(created);
    return a;
  }

  private static JsonNode rules(String config) throws Exception {
    return YAML.readTree(config).get("rules");
  }

  @Test
  void ruleMatchesTheTutorial() {
    var rule = AdapterRules.rule("demo_app_button_clicks_total", "2m");
    assertThat(rule.get("seriesQuery").asText()).isEqualTo("demo_app_button_clicks_total{namespace!=\"\",pod!=\"\"}");
    assertThat(rule.get("resources").get("template").asText()).isEqualTo("<<.Resource>>");
    assertThat(rule.get("name").get("matches").asText()).isEqualTo("^demo_app_button_clicks_total$");
    assertThat(rule.get("name").get("as").asText()).isEqualTo("demo_app_button_clicks_per_second");
    assertThat(rule.get("metricsQuery").asText())
        .isEqualTo("sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)");
  }

  @Test
  void mergeKeepsForeignRulesAndOtherKeys() throws Exception {
    var claims = AdapterRules.claims(List.of(app("a", "demo_app_button_clicks_total", "2m", "2026-01-01T00:00:00Z")));
    var result = AdapterRules.merge(CHART_CONFIG, Set.of(), claims);
    assertThat(result.changed()).isTrue();
    assertThat(result.ownedCounters()).containsExactly("demo_app_button_clicks_total");
    JsonNode root = YAML.readTree(result.config());
    assertThat(root.get("resourceRules")).isEqualTo(YAML.readTree(CHART_CONFIG).get("resourceRules"));
    JsonNode rules = root.get("rules");
    assertThat(rules).hasSize(2);
    assertThat(rules.get(0)).isEqualTo(YAML.readTree(CHART_CONFIG).get("rules").get(0));
    assertThat(rules.get(1)).isEqualTo(YAML.readTree("""
        seriesQuery: 'demo_app_button_clicks_total{namespace!="",pod!=""}'
        resources:
          template: <<.Resource>>
        name:
          matches: ^demo_app_button_clicks_total$
          as: demo_app_button_clicks_per_second
        metricsQuery: sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)
        """));
  }

  @Test
  void mergeIsIdempotent() throws Exception {
    var claims = AdapterRules.claims(List.of(app("a", "demo_app_button_clicks_total", "2m", "2026-01-01T00:00:00Z")));
    var first = AdapterRules.merge(CHART_CONFIG, Set.of(), claims);
    var second = AdapterRules.merge(first.config(), first.ownedCounters(), claims);
    assertThat(second.changed()).isFalse();
    assertThat(second.config()).isSameAs(first.config());
  }

  @Test
  void removingTheLastAppRemovesOnlyItsRule() throws Exception {
    var claims = AdapterRules.claims(List.of(app("a", "demo_app_button_clicks_total", "2m", "2026-01-01T00:00:00Z")));
    var with = AdapterRules.merge(CHART_CONFIG, Set.of(), claims);
    var without = AdapterRules.merge(with.config(), with.ownedCounters(), Map.of());
    assertThat(without.changed()).isTrue();
    assertThat(without.ownedCounters()).isEmpty();
    assertThat(rules(without.config())).isEqualTo(rules(CHART_CONFIG));
  }

  @Test
  void aRuleWeNeverOwnedIsNotRemoved() throws Exception {
    String foreignIdentical = "rules:\n- seriesQuery: 'x_total{namespace!=\"\",pod!=\"\"}'\n  metricsQuery: custom\n";
    var result = AdapterRules.merge(foreignIdentical, Set.of(), Map.of());
    assertThat(result.changed()).isFalse();
    assertThat(result.config()).isEqualTo(foreignIdentical);
  }

  @Test
  void brokenOwnedRuleIsRestored() throws Exception {
    var claims = AdapterRules.claims(List.of(app("a", "demo_app_button_clicks_total", "2m", "2026-01-01T00:00:00Z")));
    var good = AdapterRules.merge(CHART_CONFIG, Set.of(), claims);
    String broken = good.config().replace("[2m]", "[99m]");
    assertThat(broken).isNotEqualTo(good.config());
    var repaired = AdapterRules.merge(broken, good.ownedCounters(), claims);
    assertThat(repaired.changed()).isTrue();
    assertThat(rules(repaired.config())).isEqualTo(rules(good.config()));
  }

  @Test
  void twoAppsSharingACounterShareOneRuleAndTheOldestWindowWins() throws Exception {
    var older = app("older", "demo_app_button_clicks_total", "2m", "2026-01-01T00:00:00Z");
    var newer = app("newer", "demo_app_button_clicks_total", "5m", "2026-02-01T00:00:00Z");
    var claims = AdapterRules.claims(List.of(newer, older));
    assertThat(claims).hasSize(1);
    var claim = claims.get("demo_app_button_clicks_total");
    assertThat(claim.rateWindow()).isEqualTo("2m");
    assertThat(claim.ownerName()).isEqualTo("older");
    var merged = AdapterRules.merge("", Set.of(), claims);
    assertThat(rules(merged.config())).hasSize(1);
    // The older app goes: the newer one's window takes over.
    var after = AdapterRules.merge(merged.config(), merged.ownedCounters(), AdapterRules.claims(List.of(newer)));
    assertThat(rules(after.config()).get(0).get("metricsQuery").asText()).contains("[5m]");
  }

  @Test
  void anAppStoredWithoutSpecClaimsTheDefaults() {
    var bare = app("bare", "x_total", "1m", "2026-01-01T00:00:00Z");
    bare.setSpec(null);
    var claim = AdapterRules.claims(List.of(bare)).get("demo_app_button_clicks_total");
    assertThat(claim.rateWindow()).isEqualTo("2m");
    assertThat(claim.ownerName()).isEqualTo("bare");
  }

  @Test
  void distinctCountersGetOneRuleEachInStableOrder() throws Exception {
    var claims = AdapterRules.claims(List.of(
        app("b", "shop_orders_total", "1m", "2026-01-01T00:00:00Z"),
        app("a", "demo_app_button_clicks_total", "2m", "2026-01-01T00:00:00Z")));
    JsonNode rules = rules(AdapterRules.merge(null, Set.of(), claims).config());
    assertThat(rules).hasSize(2);
    assertThat(rules.get(0).get("name").get("as").asText()).isEqualTo("demo_app_button_clicks_per_second");
    assertThat(rules.get(1).get("name").get("as").asText()).isEqualTo("shop_orders_per_second");
  }

  @Test
  void malformedConfigIsRefusedNotOverwritten() {
    var claims = AdapterRules.claims(List.of(app("a", "demo_app_button_clicks_total", "2m", "2026-01-01T00:00:00Z")));
    assertThatThrownBy(() -> AdapterRules.merge("rules: [unclosed", Set.of(), claims))
        .isInstanceOf(AdapterRules.InvalidConfigException.class).hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> AdapterRules.merge("rules: 5", Set.of(), claims))
        .isInstanceOf(AdapterRules.InvalidConfigException.class).hasMessageContaining("'rules'");
    assertThatThrownBy(() -> AdapterRules.merge("- a\n- b\n", Set.of(), claims))
        .isInstanceOf(AdapterRules.InvalidConfigException.class).hasMessageContaining("not a mapping");
  }

  @Test
  void ownedAnnotationRoundTrips() {
    assertThat(AdapterRules.parseOwned(AdapterRules.formatOwned(Set.of("b_total", "a_total"))))
        .containsExactly("a_total", "b_total");
    assertThat(AdapterRules.parseOwned(null)).isEmpty();
    assertThat(AdapterRules.parseOwned(" , ")).isEmpty();
  }

  @Test
  void hashChangesWithContentOnly() {
    assertThat(AdapterRules.hash("a")).isEqualTo(AdapterRules.hash("a")).hasSize(16).isNotEqualTo(AdapterRules.hash("b"));
  }
}
