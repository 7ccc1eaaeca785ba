package dev.scaleddemo.operator.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.manifest.AdapterRules.Limits;
import dev.scaleddemo.operator.manifest.AdapterRules.MergeResult;
import dev.scaleddemo.operator.manifest.AdapterRules.Outcome;
import dev.scaleddemo.operator.manifest.AdapterRules.Record;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AdapterRulesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** An admin's rule for http_requests_total that looks exactly like one of ours (the walkthrough rule). */
  static final String ADMIN_HTTP_RULE = """
      rules:
      # the frontends scale on this
      - seriesQuery: 'http_requests_total{namespace!="",pod!=""}'
        resources: &podres {template: "<<.Resource>>"}
        name: {matches: "^http_requests_total$", as: http_requests_per_second}
        metricsQuery: sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)
      - seriesQuery: 'other_total{namespace!="",pod!=""}'
        resources: *podres
        name: {as: other_per_second}
      """;

  static ScaledDemoApp app(String namespace, String name, String counter, String window, String created) {
    ScaledDemoApp a = TestApps.minimal(name);
    a.getMetadata().setNamespace(namespace);
    a.getSpec().getMetric().setCounter(counter);
    a.getSpec().getScaling().setRateWindow(window);
    a.getMetadata().setCreationTimestamp(created);
    return a;
  }

  static ScaledDemoApp app(String name, String counter, String window) {
    return app("demo", name, counter, window, "2026-01-01T00:00:00Z");
  }

  static MergeResult merge(String config, Record record, List<ScaledDemoApp> apps) throws Exception {
    return AdapterRules.merge(config, record, Set.of(), AdapterRules.claims(apps), Limits.NONE);
  }

  private static JsonNode rules(String config) throws Exception {
    return YAML.readTree(config).get("rules");
  }

  private static JsonNode rule(String config, String metric) throws Exception {
    for (JsonNode r : rules(config)) {
      if (metric.equals(r.path("name").path("as").asText())) return r;
    }
    return null;
  }

  @Test
  void theDefaultWindowKeepsTheTutorialsNameAndOtherWindowsGetTheirOwn() {
    assertThat(AdapterRules.metricName(app("a", "demo_app_button_clicks_total", "2m").getSpec()))
        .isEqualTo("demo_app_button_clicks_per_second");
    assertThat(AdapterRules.metricName(app("a", "demo_app_button_clicks_total", "120s").getSpec()))
        .isEqualTo("demo_app_button_clicks_per_second");
    assertThat(AdapterRules.metricName(app("a", "demo_app_button_clicks_total", "5m").getSpec()))
        .isEqualTo("demo_app_button_clicks_per_second_5m");
    assertThat(AdapterRules.metricName(app("a", "demo_app_button_clicks_total", "90s").getSpec()))
        .isEqualTo("demo_app_button_clicks_per_second_1m30s");
    assertThat(AdapterRules.metricName(app("a", "x_total", "60m").getSpec())).isEqualTo("x_per_second_1h");
  }

  @Test
  void theTutorialsRule() throws Exception {
    var r = merge("", Record.EMPTY, List.of(app("a", "demo_app_button_clicks_total", "2m")));
    JsonNode rule = rule(r.config(), "demo_app_button_clicks_per_second");
    assertThat(rule.get("seriesQuery").asText()).isEqualTo("demo_app_button_clicks_total{namespace!=\"\",pod!=\"\"}");
    assertThat(rule.get("resources").get("template").asText()).isEqualTo("<<.Resource>>");
    assertThat(rule.get("name").get("matches").asText()).isEqualTo("^demo_app_button_clicks_total$");
    assertThat(rule.get("metricsQuery").asText())
        .isEqualTo("sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)");
    assertThat(r.outcomes().get("demo_app_button_clicks_per_second").kind()).isEqualTo(Outcome.Kind.WRITTEN);
  }

  @Test
  void aLookAlikeAdminRuleIsNeverTakenOverNorRemoved() throws Exception {
    // the case: a tenant with the admin's counter and another window
    var tenant = app("tenant", "t", "http_requests_total", "1h", "2026-01-01T00:00:00Z");
    var with = merge(ADMIN_HTTP_RULE, Record.EMPTY, List.of(tenant));
    assertThat(with.config()).startsWith(ADMIN_HTTP_RULE);
    assertThat(rule(with.config(), "http_requests_per_second_1h").get("metricsQuery").asText()).contains("[1h]");
    assertThat(with.record().rules()).containsOnlyKeys("http_requests_per_second_1h");
    var without = merge(with.config(), with.record(), List.of());
    assertThat(without.config()).isEqualTo(ADMIN_HTTP_RULE);
  }

  @Test
  void aForeignRuleYieldingTheMetricServesItAndNoSecondRuleIsAdded() throws Exception {
    var tenant = app("tenant", "t", "http_requests_total", "2m", "2026-01-01T00:00:00Z");
    var r = merge(ADMIN_HTTP_RULE, Record.EMPTY, List.of(tenant));
    assertThat(r.changed()).isFalse();
    assertThat(r.config()).isEqualTo(ADMIN_HTTP_RULE);
    Outcome o = r.outcomes().get("http_requests_per_second");
    assertThat(o.kind()).isEqualTo(Outcome.Kind.SERVED_BY_OTHER);
    assertThat(o.detail()).contains("rules[0]", "window 2m");
  }

  @Test
  void theTutorialsGenericRuleServesTheDefaultWindowOnly() throws Exception {
    String tutorial = """
        rules:
        - seriesQuery: '{__name__=~"^.*_total$",namespace!="",pod!=""}'
          resources: {template: "<<.Resource>>"}
          name: {matches: "^(.*)_total", as: "${1}_per_second"}
          metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[1m])) by (<<.GroupBy>>)'
        """;
    var r = merge(tutorial, Record.EMPTY, List.of(app("a", "demo_app_button_clicks_total", "2m"),
        app("b", "demo_app_button_clicks_total", "5m")));
    assertThat(r.outcomes().get("demo_app_button_clicks_per_second").detail()).contains("window 1m");
    assertThat(r.record().rules()).containsOnlyKeys("demo_app_button_clicks_per_second_5m");
    assertThat(rule(r.config(), "demo_app_button_clicks_per_second")).isNull();
  }

  @Test
  void anOwnRuleGivesWayWhenTheAdminAddsOneYieldingTheSameMetric() throws Exception {
    var a = app("a", "http_requests_total", "2m");
    var ours = merge("", Record.EMPTY, List.of(a));
    assertThat(ours.record().rules()).containsOnlyKeys("http_requests_per_second");
    // the admin's rules arrive in front of ours: ours is removed, theirs serves
    String config = ADMIN_HTTP_RULE + ours.config().substring("rules:\n".length());
    var r = merge(config, ours.record(), List.of(a));
    assertThat(r.outcomes().get("http_requests_per_second").kind()).isEqualTo(Outcome.Kind.SERVED_BY_OTHER);
    assertThat(r.config()).isEqualTo(ADMIN_HTTP_RULE);
    assertThat(r.record().rules()).isEmpty();
  }

  @Test
  void aHandEditOfOurRuleIsRepairedInPlaceOfTheEditedOne() throws Exception {
    var a = app("a", "shop_orders_total", "2m");
    var ours = merge(ADMIN_HTTP_RULE, Record.EMPTY, List.of(a));
    String edited = ADMIN_HTTP_RULE + ours.config().substring(ADMIN_HTTP_RULE.length()).replace("[2m]", "[10m]");
    assertThat(edited).startsWith(ADMIN_HTTP_RULE).contains("[10m]");
    var repaired = merge(edited, ours.record(), List.of(a));
    assertThat(repaired.config()).isEqualTo(ours.config());
    assertThat(merge(edited, ours.record(), List.of()).config()).isEqualTo(ADMIN_HTTP_RULE);
  }

  @Test
  void oneRulePerCounterAndWindow() throws Exception {
    var r = merge("", Record.EMPTY, List.of(
        app("x", "a1", "demo_app_button_clicks_total", "2m", "2026-01-01T00:00:00Z"),
        app("y", "a2", "demo_app_button_clicks_total", "5m", "2026-01-02T00:00:00Z"),
        app("z", "a3", "demo_app_button_clicks_total", "300s", "2026-01-03T00:00:00Z")));
    assertThat(rules(r.config())).hasSize(2);
    assertThat(rule(r.config(), "demo_app_button_clicks_per_second").get("metricsQuery").asText()).contains("[2m]");
    assertThat(rule(r.config(), "demo_app_button_clicks_per_second_5m").get("metricsQuery").asText()).contains("[5m]");
  }

  @Test
  void invalidAppsClaimNothing() throws Exception {
    var invalid = app("bad", "shop_orders_total", "10s");
    invalid.getSpec().getMonitoring().setInterval("15s"); // window shorter than four scrapes: SpecValidator refuses it
    assertThat(AdapterRules.claims(List.of(invalid))).isEmpty();
  }

  @Test
  void aNamespaceGetsNoMoreThanItsLimitOfRules() throws Exception {
    var apps = List.of(
        app("greedy", "a", "one_total", "2m", "2026-01-01T00:00:00Z"),
        app("greedy", "b", "two_total", "2m", "2026-01-02T00:00:00Z"),
        app("greedy", "c", "one_total", "2m", "2026-01-03T00:00:00Z"),
        app("other", "d", "three_total", "2m", "2026-01-04T00:00:00Z"));
    var r = AdapterRules.merge("", Record.EMPTY, Set.of(), AdapterRules.claims(apps), new Limits(1, Integer.MAX_VALUE));
    assertThat(r.record().rules()).containsOnlyKeys("one_per_second", "three_per_second");
    assertThat(r.outcomes().get("two_per_second").kind()).isEqualTo(Outcome.Kind.NAMESPACE_LIMIT);
    assertThat(r.outcomes().get("two_per_second").detail()).contains("greedy");
  }

  @Test
  void theConfigStaysBelowItsCeilingAndTheOldestClaimsWin() throws Exception {
    var apps = List.of(
        app("n", "a", "one_total", "2m", "2026-01-01T00:00:00Z"),
        app("n", "b", "two_total", "2m", "2026-01-02T00:00:00Z"));
    var r = AdapterRules.merge("", Record.EMPTY, Set.of(), AdapterRules.claims(apps), new Limits(10, 500));
    assertThat(r.record().rules()).containsOnlyKeys("one_per_second");
    assertThat(r.outcomes().get("two_per_second").kind()).isEqualTo(Outcome.Kind.TOO_LARGE);
    assertThat(AdapterRules.utf8Length(r.config()) + r.record().format().length()).isLessThan(500);
  }

  @Test
  void aConfigPrometheusAdapterWouldRefuseIsRefused() {
    var claims = AdapterRules.claims(List.of(app("a", "demo_app_button_clicks_total", "2m")));
    assertThatThrownBy(() -> AdapterRules.merge("rules: [unclosed", Record.EMPTY, Set.of(), claims, Limits.NONE))
        .isInstanceOf(AdapterRules.InvalidConfigException.class).hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> AdapterRules.merge("rules: 5", Record.EMPTY, Set.of(), claims, Limits.NONE))
        .isInstanceOf(AdapterRules.InvalidConfigException.class).hasMessageContaining("'rules'");
    assertThatThrownBy(() -> AdapterRules.merge("- a\n- b\n", Record.EMPTY, Set.of(), claims, Limits.NONE))
        .isInstanceOf(AdapterRules.InvalidConfigException.class).hasMessageContaining("not a mapping");
    assertThatThrownBy(() -> AdapterRules.merge("rules: []\nrule: []\n", Record.EMPTY, Set.of(), claims, Limits.NONE))
        .isInstanceOf(AdapterRules.InvalidConfigException.class)
        .hasMessageContaining("field rule not found in type config.MetricsDiscoveryConfig");
    assertThatThrownBy(() -> AdapterRules.merge("rules:\n- seriesQuery: {a: b}\n", Record.EMPTY, Set.of(), claims,
        Limits.NONE)).hasMessageContaining("cannot unmarshal !!map into string");
    assertThatThrownBy(() -> AdapterRules.merge("rules:\n- resources: {namespaced: maybe}\n", Record.EMPTY, Set.of(),
        claims, Limits.NONE)).hasMessageContaining("into bool");
    assertThatThrownBy(() -> AdapterRules.merge("rules:\n- name: {matches: \"(?=x)\"}\n", Record.EMPTY, Set.of(),
        claims, Limits.NONE)).hasMessageContaining("not an RE2");
    assertThatThrownBy(() -> AdapterRules.merge("resourceRules: {window: soon}\n", Record.EMPTY, Set.of(), claims,
        Limits.NONE)).hasMessageContaining("not a valid duration");
    assertThatThrownBy(() -> AdapterRules.merge("rules:\n- seriesQuery: a\n  seriesQuery: b\n", Record.EMPTY, Set.of(),
        claims, Limits.NONE)).hasMessageContaining("already set in map");
    // the corruption: the old Jackson round trip turned an alias into a plain string, which the adapter refuses
    assertThatThrownBy(() -> AdapterRules.merge("rules:\n- resources: podres\n", Record.EMPTY, Set.of(), claims,
        Limits.NONE)).hasMessageContaining("cannot unmarshal !!str `podres` into config.ResourceMapping");
  }

  @Test
  void mergeKeysAndAliasesAreReadAsTheAdapterReadsThem() throws Exception {
    String config = """
        rules:
        - &base
          seriesQuery: 'a_total{namespace!="",pod!=""}'
          resources: {template: "<<.Resource>>"}
          name: {as: a_per_second}
        - <<: *base
          name: {as: b_per_second}
        """;
    var r = merge(config, Record.EMPTY, List.of(app("x", "a_total", "2m")));
    assertThat(r.outcomes().get("a_per_second").kind()).isEqualTo(Outcome.Kind.SERVED_BY_OTHER);
    assertThat(r.config()).isEqualTo(config);
  }

  @Test
  void thePreviousReleasesRulesMoveToTheRecordWithoutAnyEdit() throws Exception {
    // as the previous release wrote it (Jackson's YAML writer)
    String old = """
        rules:
        - seriesQuery: "demo_app_button_clicks_total{namespace!=\\"\\",pod!=\\"\\"}"
          resources:
            template: <<.Resource>>
          name:
            matches: ^demo_app_button_clicks_total$
            as: demo_app_button_clicks_per_second
          metricsQuery: "sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)"
        - seriesQuery: "gone_total{namespace!=\\"\\",pod!=\\"\\"}"
          resources:
            template: <<.Resource>>
          name:
            matches: ^gone_total$
            as: gone_per_second
          metricsQuery: "sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)"
        """;
    var r = AdapterRules.merge(old, Record.EMPTY, Set.of("demo_app_button_clicks_total", "gone_total"),
        AdapterRules.claims(List.of(app("a", "demo_app_button_clicks_total", "2m"))), Limits.NONE);
    assertThat(r.changed()).isTrue();
    assertThat(r.config()).isEqualTo(old.substring(0, old.indexOf("- seriesQuery: \"gone")));
    assertThat(r.record().rules()).containsOnlyKeys("demo_app_button_clicks_per_second");
    var again = merge(r.config(), r.record(), List.of(app("a", "demo_app_button_clicks_total", "2m")));
    assertThat(again.changed()).isFalse();
  }

  @Test
  void recordRoundTripsAndAnUnreadableOneOwnsNothing() {
    var rec = new Record(new java.util.TreeMap<>(java.util.Map.of("b", "1", "a", "2")), true);
    assertThat(Record.parse(rec.format())).isEqualTo(rec);
    assertThat(Record.parse("{not json")).isEqualTo(Record.EMPTY);
    assertThat(Record.parse(null)).isEqualTo(Record.EMPTY);
  }

  @Test
  void goExpandSemantics() {
    var m = Pattern.compile("^(.*)_total$").matcher("x_total");
    assertThat(m.find()).isTrue();
    assertThat(AdapterConfigCheck.expand("${1}_per_second", m)).isEqualTo("x_per_second");
    assertThat(AdapterConfigCheck.expand("$1_per_second", m)).isEmpty(); // Go reads the group "1_per_second"
    assertThat(AdapterConfigCheck.expand("$0", m)).isEqualTo("x_total");
  }

  @Test
  void hashChangesWithContentOnly() {
    assertThat(AdapterRules.hash("a")).isEqualTo(AdapterRules.hash("a")).hasSize(16).isNotEqualTo(AdapterRules.hash("b"));
  }
}
