package dev.scaleddemo.operator.ship;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An OLM file-based catalog of one package (deploy/catalog/&lt;package&gt;/catalog.yaml): {@code olm.package},
 * {@code olm.channel} (entries with {@code replaces}, {@code skips}, {@code skipRange}) and {@code olm.bundle}
 * documents. {@link #problems()} reads the upgrade graph the way OLM resolves a channel; {@link #withRelease} is how
 * a release adds itself to it.
 */
record OlmCatalog(String packageName, String defaultChannel, Map<String, List<Entry>> channels, List<Bundle> bundles) {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  record Entry(String name, String replaces, List<String> skips, String skipRange) {}

  /** A bundle: its CSV name, version (olm.package property), image and the APIs it owns (olm.gvk). */
  record Bundle(String name, String version, String image, List<JsonNode> gvks) {}

  // ---------------------------------------------------------------------------------------------- reading

  static OlmCatalog parse(String yaml) {
    String pkg = null;
    String defaultChannel = null;
    Map<String, List<Entry>> channels = new LinkedHashMap<>();
    List<Bundle> bundles = new ArrayList<>();
    int packages = 0;
    Set<String> bundlePackages = new HashSet<>();
    try (var docs = ShipArtifacts.YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        switch (doc.path("schema").asText()) {
          case "olm.package" -> {
            packages++;
            pkg = doc.path("name").asText(null);
            defaultChannel = doc.path("defaultChannel").asText(null);
          }
          case "olm.channel" -> {
            List<Entry> entries = new ArrayList<>();
            doc.path("entries").forEach(e -> {
              List<String> skips = new ArrayList<>();
              e.path("skips").forEach(s -> skips.add(s.asText()));
              entries.add(new Entry(e.path("name").asText(null), e.path("replaces").asText(null), skips,
                  e.path("skipRange").asText(null)));
            });
            channels.put(doc.path("name").asText() + "@" + doc.path("package").asText(), entries);
          }
          case "olm.bundle" -> {
            String version = null;
            List<JsonNode> gvks = new ArrayList<>();
            for (JsonNode p : doc.path("properties")) {
              if (p.path("type").asText().equals("olm.package")) version = p.at("/value/version").asText(null);
              if (p.path("type").asText().equals("olm.gvk")) gvks.add(p.path("value"));
            }
            bundles.add(new Bundle(doc.path("name").asText(null), version, doc.path("image").asText(null), gvks));
            bundlePackages.add(doc.path("package").asText());
          }
          default -> throw new IllegalArgumentException("unknown schema in catalog: " + doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (packages != 1) {
      throw new IllegalArgumentException("a catalog of one package has exactly one olm.package, found " + packages);
    }
    bundlePackages.remove(pkg);
    if (!bundlePackages.isEmpty()) {
      throw new IllegalArgumentException("bundles of other packages " + bundlePackages + " in the catalog of " + pkg);
    }
    // channels keyed "name@package": only this package's count
    Map<String, List<Entry>> own = new LinkedHashMap<>();
    String p = pkg;
    channels.forEach((k, v) -> {
      if (k.endsWith("@" + p)) own.put(k.substring(0, k.length() - p.length() - 1), v);
      else throw new IllegalArgumentException("channel " + k + " of another package");
    });
    return new OlmCatalog(pkg, defaultChannel, own, bundles);
  }

  // ---------------------------------------------------------------------------------------------- checking

  /** What OLM would refuse or strand users on; empty when the graph is sound. */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    Map<String, Semver> versions = new LinkedHashMap<>();
    for (Bundle b : bundles) {
      if (b.name() == null || b.image() == null || b.image().isBlank()) problems.add("bundle without name or image: " + b);
      try {
        if (versions.put(b.name(), Semver.parse(String.valueOf(b.version()))) != null) {
          problems.add("bundle " + b.name() + " appears twice");
        }
      } catch (IllegalArgumentException e) {
        problems.add("bundle " + b.name() + ": olm.package version: " + e.getMessage());
      }
    }
    if (!channels.containsKey(defaultChannel)) {
      problems.add("default channel " + defaultChannel + " is not a channel of " + packageName);
    }
    channels.forEach((channel, entries) -> problems.addAll(channelProblems(channel, entries, versions)));
    return problems;
  }

  private static List<String> channelProblems(String channel, List<Entry> entries, Map<String, Semver> versions) {
    List<String> problems = new ArrayList<>();
    String in = " (channel " + channel + ")";
    Map<String, Entry> byName = new LinkedHashMap<>();
    for (Entry e : entries) {
      if (byName.put(e.name(), e) != null) problems.add("entry " + e.name() + " appears twice" + in);
      if (!versions.containsKey(e.name())) problems.add("entry " + e.name() + " has no olm.bundle" + in);
    }
    if (entries.isEmpty()) {
      problems.add("no entries" + in);
      return problems;
    }
    Set<String> replacedOrSkipped = new HashSet<>();
    for (Entry e : entries) {
      Semver version = versions.get(e.name());
      if (e.replaces() != null) {
        replacedOrSkipped.add(e.replaces());
        if (!byName.containsKey(e.replaces())) {
          problems.add(e.name() + " replaces " + e.replaces() + ", which is not in the channel" + in);
        } else if (version != null && versions.containsKey(e.replaces())
            && versions.get(e.replaces()).compareTo(version) >= 0) {
          problems.add(e.name() + " replaces the newer or same version " + e.replaces() + in);
        }
      }
      replacedOrSkipped.addAll(e.skips());
      if (e.skipRange() != null) {
        try {
          Predicate<Semver> range = Semver.range(e.skipRange());
          if (version != null && range.test(version)) {
            problems.add(e.name() + " skipRange '" + e.skipRange() + "' contains its own version" + in);
          }
        } catch (IllegalArgumentException ex) {
          problems.add(e.name() + " skipRange '" + e.skipRange() + "' does not parse: " + ex.getMessage() + in);
        }
      }
    }
    // the head: the one entry nothing replaces or skips
    List<Entry> heads = entries.stream().filter(e -> !replacedOrSkipped.contains(e.name())).toList();
    if (heads.size() != 1) {
      problems.add("expected one channel head, found " + heads.stream().map(Entry::name).toList() + in);
      return problems;
    }
    Entry head = heads.get(0);
    // every entry is reachable from the head through replaces/skips: otherwise users on it are stranded
    Set<String> reached = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(head.name()));
    while (!todo.isEmpty()) {
      Entry e = byName.get(todo.pop());
      if (e == null || !reached.add(e.name())) continue;
      if (e.replaces() != null) todo.push(e.replaces());
      e.skips().forEach(todo::push);
    }
    entries.stream().filter(e -> !reached.contains(e.name()))
        .forEach(e -> problems.add(e.name() + " is not reachable from the channel head " + head.name() + in));
    // the head upgrades every older version in one step: its skipRange covers them all
    Semver headVersion = versions.get(head.name());
    List<Entry> older = entries.stream().filter(e -> e != head && versions.containsKey(e.name())).toList();
    if (!older.isEmpty() && head.skipRange() == null) {
      problems.add("head " + head.name() + " has no skipRange" + in);
    } else if (!older.isEmpty()) {
      try {
        Predicate<Semver> range = Semver.range(head.skipRange());
        for (Entry e : older) {
          Semver v = versions.get(e.name());
          if (headVersion != null && v.compareTo(headVersion) >= 0) {
            problems.add(e.name() + " is not older than the head " + head.name() + in);
          } else if (!range.test(v)) {
            problems.add("head skipRange '" + head.skipRange() + "' does not cover " + e.name() + in);
          }
        }
      } catch (IllegalArgumentException ignored) {
        // reported above
      }
    }
    return problems;
  }

  // ---------------------------------------------------------------------------------------------- a release

  /**
   * This catalog with {@code release} as the new head of {@code channel}: released bundles older than it are kept
   * with their entries (pre-release builds never ship and are dropped), {@code previous} is added when missing
   * (the first catalog), then the release itself.
   */
  OlmCatalog withRelease(String channel, Bundle previous, Bundle release, Entry releaseEntry) {
    Semver version = Semver.parse(release.version());
    Predicate<Bundle> kept = b -> {
      Semver v = Semver.parse(b.version());
      return v.prerelease().isEmpty() && v.compareTo(version) < 0;
    };
    List<Bundle> newBundles = new ArrayList<>(bundles.stream().filter(kept).toList());
    Set<String> keptNames = new HashSet<>(newBundles.stream().map(Bundle::name).toList());
    Map<String, List<Entry>> newChannels = new LinkedHashMap<>();
    channels.forEach((name, entries) ->
        newChannels.put(name, new ArrayList<>(entries.stream().filter(e -> keptNames.contains(e.name())).toList())));
    List<Entry> entries = newChannels.computeIfAbsent(channel, c -> new ArrayList<>());
    if (previous != null && !keptNames.contains(previous.name()) && kept.test(previous)) {
      // the entry its release would have had: it replaces the newest release before it and skips all older ones
      Semver previousVersion = Semver.parse(previous.version());
      String replaces = newBundles.stream().filter(b -> Semver.parse(b.version()).compareTo(previousVersion) < 0)
          .max(Comparator.comparing(b -> Semver.parse(b.version()))).map(Bundle::name).orElse(null);
      newBundles.add(previous);
      entries.add(new Entry(previous.name(), replaces, List.of(), replaces == null ? null : ">=0.0.0 <" + previousVersion));
    }
    newBundles.add(release);
    entries.add(releaseEntry);
    newBundles.sort(Comparator.comparing(b -> Semver.parse(b.version())));
    newChannels.values().forEach(list -> list.sort(Comparator.comparing(e -> newBundles.stream()
        .filter(b -> b.name().equals(e.name())).map(b -> Semver.parse(b.version())).findFirst().orElseThrow())));
    return new OlmCatalog(packageName, defaultChannel, newChannels, newBundles);
  }

  static OlmCatalog empty(String packageName, String defaultChannel) {
    return new OlmCatalog(packageName, defaultChannel, new LinkedHashMap<>(), List.of());
  }

  // ---------------------------------------------------------------------------------------------- writing

  String toYaml() {
    List<JsonNode> docs = new ArrayList<>();
    ObjectNode pkg = NODES.objectNode().put("schema", "olm.package").put("name", packageName)
        .put("defaultChannel", defaultChannel);
    docs.add(pkg);
    channels.forEach((name, entries) -> {
      ObjectNode ch = NODES.objectNode().put("schema", "olm.channel").put("package", packageName).put("name", name);
      ArrayNode list = ch.putArray("entries");
      for (Entry e : entries) {
        ObjectNode n = list.addObject().put("name", e.name());
        if (e.replaces() != null) n.put("replaces", e.replaces());
        if (!e.skips().isEmpty()) e.skips().forEach(n.putArray("skips")::add);
        if (e.skipRange() != null) n.put("skipRange", e.skipRange());
      }
      docs.add(ch);
    });
    for (Bundle b : bundles) {
      ObjectNode doc = NODES.objectNode().put("schema", "olm.bundle").put("package", packageName)
          .put("name", b.name()).put("image", b.image());
      ArrayNode props = doc.putArray("properties");
      props.addObject().put("type", "olm.package").putObject("value").put("packageName", packageName)
          .put("version", b.version());
      b.gvks().forEach(g -> props.addObject().put("type", "olm.gvk").set("value", g));
      docs.add(doc);
    }
    StringBuilder out = new StringBuilder();
    for (JsonNode doc : docs) {
      try {
        out.append("---\n").append(ShipArtifacts.YAML.writeValueAsString(doc));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out.toString();
  }
}
