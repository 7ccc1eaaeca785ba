package dev.scaleddemo.operator.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.it.LocalCluster;
import dev.scaleddemo.operator.manifest.AdapterRules.Limits;
import dev.scaleddemo.operator.manifest.AdapterRules.Record;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's strict check against prometheus-adapter's own loader (pkg/config.FromYAML, built by
 * hack/build-adapter-config-check.sh): the same verdict on every config of the corpus and on typical admin
 * mistakes, and every config the operator writes loads.
 */
class AdapterConfigConformanceIT {
  private static final Path CORPUS = Path.of("src/test/resources/adapter-configs");

  /** Admin mistakes the loader refuses (the regular-expression check is the adapter's start-up, not its loader). */
  private static final Map<String, String> MISTAKES = Map.of(
      "unknown-top-level-field", "ruels: []\n",
      "unknown-rule-field", "rules:\n- seriesQuery: up\n  metricQuery: x\n",
      "map-for-string", "rules:\n- seriesQuery: {a: b}\n",
      "bool-typo", "rules:\n- resources: {namespaced: maybe}\n",
      "bad-window", "resourceRules: {window: soon}\n",
      "duplicate-key", "rules:\n- seriesQuery: a\n  seriesQuery: b\n",
      "alias-flattened", "rules:\n- resources: podres\n",
      "list-for-mapping", "resourceRules: []\n",
      "merge-key", "rules:\n- &r {seriesQuery: up, name: {as: x}}\n- <<: *r\n  name: {as: y}\n",
      "yes-is-a-bool", "rules:\n- resources: {namespaced: yes}\n");

  @Test
  void theOperatorsCheckAgreesWithPrometheusAdaptersLoader(@TempDir Path dir) throws Exception {
    Path check = LocalCluster.build(TestApps.root(), "hack/build-adapter-config-check.sh", Duration.ofMinutes(10));
    Map<Path, String> cases = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(CORPUS)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        String config = Files.readString(p, StandardCharsets.UTF_8);
        cases.put(write(dir, p.getFileName().toString(), config), config);
        try {
          var merged = AdapterRules.merge(config, Record.EMPTY, Set.of(), AdapterConfigCorpusTest.CLAIMS, Limits.NONE);
          cases.put(write(dir, "merged-" + p.getFileName(), merged.config()), merged.config());
        } catch (AdapterRules.InvalidConfigException e) {
          // left untouched: nothing written
        }
      }
    }
    for (var m : MISTAKES.entrySet()) {
      cases.put(write(dir, m.getKey() + ".yaml", m.getValue()), m.getValue());
    }
    Map<String, Boolean> loader = load(check, new ArrayList<>(cases.keySet()));
    int compared = 0;
    for (var c : cases.entrySet()) {
      boolean ours;
      try {
        AdapterConfigCheck.validate(AdapterConfigText.parse(c.getValue()).root());
        ours = true;
      } catch (AdapterRules.InvalidConfigException e) {
        ours = false;
      }
      assertThat(ours).as("verdict on %s (prometheus-adapter's loader: %s)", c.getKey().getFileName(),
          loader.get(c.getKey().toString())).isEqualTo(loader.get(c.getKey().toString()));
      if (c.getKey().getFileName().toString().startsWith("merged-")) {
        assertThat(ours).as("the operator writes only configs that load").isTrue();
      }
      compared++;
    }
    System.out.printf("adapter config conformance: %d configs, same verdict as prometheus-adapter's loader%n",
        compared);
  }

  private static Path write(Path dir, String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  /** file -> whether prometheus-adapter's loader accepts it. */
  private static Map<String, Boolean> load(Path check, List<Path> files) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(check.toString()));
    files.forEach(f -> cmd.add(f.toString()));
    String out = LocalCluster.exec(TestApps.root(), Map.of(), Duration.ofSeconds(60), null, cmd.toArray(String[]::new))
        .output();
    Map<String, Boolean> verdicts = new LinkedHashMap<>();
    for (String line : out.split("\n")) {
      String[] parts = line.split("\t");
      if (parts.length >= 2 && (parts[1].equals("OK") || parts[1].equals("INVALID"))) {
        verdicts.put(parts[0], parts[1].equals("OK"));
      }
    }
    assertThat(verdicts).as(out).hasSize(files.size());
    return verdicts;
  }
}
