package dev.scaleddemo.operator.ship;

import static dev.scaleddemo.operator.ship.ShipArtifacts.NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleddemo.operator.ship.OlmCatalog.Bundle;
import dev.scaleddemo.operator.ship.OlmCatalog.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The OLM upgrade graph of deploy/catalog/ read as OLM resolves a channel (one head, every entry reachable from it,
 * replaces targets present and older, skipRange parses and covers the older versions); and the checker itself
 * on broken graphs. (opm is not available here; ShipArtifactsIT keeps the catalog in step with the build.)
 */
class OlmCatalogTest {

  static OlmCatalog checkedIn() throws IOException {
    return OlmCatalog.parse(Files.readString(ShipArtifacts.catalogFile()));
  }

  @Test
  void theCheckedInUpgradeGraphIsSound() throws IOException {
    OlmCatalog catalog = checkedIn();
    assertThat(catalog.problems()).isEmpty();
    assertThat(catalog.packageName()).isEqualTo(NAME);
    assertThat(catalog.channels()).containsOnlyKeys(catalog.defaultChannel());
  }

  @Test
  void theHeadIsThisBundleAndReplacesThePreviousRelease() throws IOException {
    JsonNode csv = ShipArtifacts.YAML.readTree(Files.readString(ShipArtifacts.bundleDir().resolve(ShipArtifacts.CSV_FILE)));
    String previous = NAME + ".v" + ShipArtifacts.previousReleaseVersion();
    assertThat(csv.at("/spec/replaces").asText()).as("quarkus.operator-sdk.bundle.replaces = hack/previous-release")
        .isEqualTo(previous);
    OlmCatalog catalog = checkedIn();
    List<Entry> entries = catalog.channels().get(catalog.defaultChannel());
    Entry head = entries.get(entries.size() - 1);
    assertThat(head.name()).isEqualTo(csv.at("/metadata/name").asText());
    assertThat(head.replaces()).isEqualTo(previous);
    assertThat(head.skipRange()).isEqualTo(csv.at("/metadata/annotations/olm.skipRange").asText());
    assertThat(catalog.bundles()).extracting(Bundle::name).contains(previous, head.name());
    assertThat(catalog.bundles()).allSatisfy(b -> assertThat(b.image())
        .isEqualTo(ShipArtifacts.bundleImage(csv.at("/metadata/annotations/containerImage").asText(), b.version())));
  }

  // ---------------------------------------------------------------------------------------------- broken graphs

  @Test
  void aMissingReplacesTargetFails() throws IOException {
    OlmCatalog broken = OlmCatalog.parse(Files.readString(Path.of("src/test/resources/catalog/missing-replaces.yaml")));
    assertThat(broken.problems()).anySatisfy(p -> assertThat(p)
        .contains("replaces scaled-demo-operator.v0.2.0, which is not in the channel"));
    // v0.1.0 is then a second head, stranded
    assertThat(broken.problems()).anySatisfy(p -> assertThat(p).contains("expected one channel head"));
  }

  /** A three-release channel 0.1.0 <- 0.2.0 <- 0.3.0, changed by {@code change}. */
  static OlmCatalog chain(UnaryOperator<List<Entry>> change) {
    List<Bundle> bundles = new ArrayList<>();
    for (String v : List.of("0.1.0", "0.2.0", "0.3.0")) {
      bundles.add(new Bundle(NAME + ".v" + v, v, "example.org/bundle:v" + v, List.of()));
    }
    List<Entry> entries = List.of(new Entry(NAME + ".v0.1.0", null, List.of(), null),
        new Entry(NAME + ".v0.2.0", NAME + ".v0.1.0", List.of(), ">=0.0.0 <0.2.0"),
        new Entry(NAME + ".v0.3.0", NAME + ".v0.2.0", List.of(), ">=0.0.0 <0.3.0"));
    Map<String, List<Entry>> channels = new LinkedHashMap<>();
    channels.put("alpha", change.apply(new ArrayList<>(entries)));
    return new OlmCatalog(NAME, "alpha", channels, bundles);
  }

  static Entry with(Entry e, String replaces, String skipRange) {
    return new Entry(e.name(), replaces, e.skips(), skipRange);
  }

  @Test
  void aSoundChainPassesAndSurvivesWritingAndReading() {
    OlmCatalog sound = chain(e -> e);
    assertThat(sound.problems()).isEmpty();
    assertThat(OlmCatalog.parse(sound.toYaml())).isEqualTo(sound);
  }

  @Test
  void twoHeadsFail() {
    OlmCatalog broken = chain(e -> { e.set(2, with(e.get(2), null, ">=0.0.0 <0.3.0")); return e; });
    assertThat(broken.problems()).anySatisfy(p -> assertThat(p).contains("expected one channel head"));
  }

  @Test
  void twoEntriesReplacingTheSameOneLeaveTwoHeads() {
    // 0.3.0 replaces 0.1.0 as 0.2.0 does: 0.2.0 is on no path to 0.3.0, users on it are stranded
    OlmCatalog broken = chain(e -> { e.set(2, with(e.get(2), NAME + ".v0.1.0", ">=0.0.0 <0.3.0")); return e; });
    assertThat(broken.problems()).anySatisfy(p -> assertThat(p).contains("expected one channel head"));
  }

  @Test
  void aSkipRangeThatDoesNotParseOrCoverFails() {
    assertThat(chain(e -> { e.set(2, with(e.get(2), NAME + ".v0.2.0", ">=0.0 <0.3.0")); return e; }).problems())
        .anySatisfy(p -> assertThat(p).contains("does not parse"));
    assertThat(chain(e -> { e.set(2, with(e.get(2), NAME + ".v0.2.0", ">=0.2.0 <0.3.0")); return e; }).problems())
        .containsExactly("head skipRange '>=0.2.0 <0.3.0' does not cover " + NAME + ".v0.1.0 (channel alpha)");
    assertThat(chain(e -> { e.set(2, with(e.get(2), NAME + ".v0.2.0", null)); return e; }).problems())
        .anySatisfy(p -> assertThat(p).contains("has no skipRange"));
    assertThat(chain(e -> { e.set(2, with(e.get(2), NAME + ".v0.2.0", ">=0.0.0 <=0.3.0")); return e; }).problems())
        .anySatisfy(p -> assertThat(p).contains("contains its own version"));
  }

  @Test
  void replacingANewerVersionOrAnEntryWithoutBundleFails() {
    assertThat(chain(e -> { e.set(1, with(e.get(1), NAME + ".v0.3.0", ">=0.0.0 <0.2.0"));
      e.set(2, with(e.get(2), NAME + ".v0.1.0", ">=0.0.0 <0.3.0")); return e; }).problems())
        .anySatisfy(p -> assertThat(p).contains("replaces the newer or same version"));
    assertThat(chain(e -> { e.add(new Entry(NAME + ".v0.4.0", NAME + ".v0.3.0", List.of(), ">=0.0.0 <0.4.0")); return e; })
        .problems()).anySatisfy(p -> assertThat(p).contains(NAME + ".v0.4.0 has no olm.bundle"));
  }

  // ---------------------------------------------------------------------------------------------- a release

  @Test
  void aReleaseBecomesTheHeadAndDropsPreReleases() {
    Bundle v1 = new Bundle(NAME + ".v0.1.0", "0.1.0", "b:v0.1.0", List.of());
    Bundle snapshot = new Bundle(NAME + ".v0.2.0-snapshot", "0.2.0-SNAPSHOT", "b:v0.2.0-SNAPSHOT", List.of());
    OlmCatalog main = OlmCatalog.empty(NAME, "alpha").withRelease("alpha", v1, snapshot,
        new Entry(snapshot.name(), v1.name(), List.of(), ">=0.0.0 <0.2.0-SNAPSHOT"));
    assertThat(main.problems()).isEmpty();
    Bundle v2 = new Bundle(NAME + ".v0.2.0", "0.2.0", "b:v0.2.0", List.of());
    OlmCatalog released = main.withRelease("alpha", v1, v2, new Entry(v2.name(), v1.name(), List.of(), ">=0.0.0 <0.2.0"));
    assertThat(released.problems()).isEmpty();
    assertThat(released.bundles()).extracting(Bundle::version).containsExactly("0.1.0", "0.2.0");
    // the next cycle: hack/previous-release names 0.2.0, which the catalog already has with its entry
    Bundle v3 = new Bundle(NAME + ".v0.3.0-snapshot", "0.3.0-SNAPSHOT", "b:v0.3.0-SNAPSHOT", List.of());
    OlmCatalog next = OlmCatalog.empty(NAME, "alpha").withRelease("alpha", v1, v2,
            new Entry(v2.name(), v1.name(), List.of(), ">=0.0.0 <0.2.0"))
        .withRelease("alpha", v2, v3, new Entry(v3.name(), v2.name(), List.of(), ">=0.0.0 <0.3.0-SNAPSHOT"));
    assertThat(next.problems()).isEmpty();
    assertThat(next.channels().get("alpha")).extracting(Entry::name).containsExactly(v1.name(), v2.name(), v3.name());
  }

  @Test
  void aPreviousReleaseMissingFromTheCatalogGetsTheEntryItsReleaseHad() {
    Bundle v1 = new Bundle(NAME + ".v0.1.0", "0.1.0", "b:v0.1.0", List.of());
    Bundle v2 = new Bundle(NAME + ".v0.2.0", "0.2.0", "b:v0.2.0", List.of());
    Bundle v3 = new Bundle(NAME + ".v0.3.0", "0.3.0", "b:v0.3.0", List.of());
    OlmCatalog catalog = OlmCatalog.empty(NAME, "alpha").withRelease("alpha", null, v1, new Entry(v1.name(), null,
        List.of(), null)).withRelease("alpha", v2, v3, new Entry(v3.name(), v2.name(), List.of(), ">=0.0.0 <0.3.0"));
    assertThat(catalog.problems()).isEmpty();
    assertThat(catalog.channels().get("alpha").get(1)).isEqualTo(new Entry(v2.name(), v1.name(), List.of(), ">=0.0.0 <0.2.0"));
  }

  @Test
  void semverOrderAndRanges() {
    assertThat(Semver.parse("0.2.0-SNAPSHOT")).isLessThan(Semver.parse("0.2.0")).isGreaterThan(Semver.parse("0.1.0"));
    assertThat(Semver.parse("1.0.0-rc.2")).isLessThan(Semver.parse("1.0.0-rc.10"));
    assertThat(Semver.range(">=0.0.0 <0.2.0").test(Semver.parse("0.1.0"))).isTrue();
    assertThat(Semver.range(">=0.0.0 <0.2.0").test(Semver.parse("0.2.0"))).isFalse();
    assertThat(Semver.range("<0.1.0 || >=0.3.0").test(Semver.parse("0.2.0"))).isFalse();
    assertThat(Semver.range("<0.1.0 || >=0.3.0").test(Semver.parse("0.3.1"))).isTrue();
    assertThatThrownBy(() -> Semver.range(">=0.0 <1.0.0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Semver.range("")).isInstanceOf(IllegalArgumentException.class);
  }
}
