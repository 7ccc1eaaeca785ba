package dev.scaleddemo.operator.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scaleddemo.operator.api.v1alpha1.MetricSpec;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppSpec;
import dev.scaleddemo.operator.validation.SpecValidator;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The prometheus-adapter rules the operator keeps in the adapter's shared config, as pure functions.
 *
 * <p>One rule per (counter, window), named {@link #metricName}. The operator edits or removes only rules it wrote:
 * the ConfigMap's {@link #RECORD_ANNOTATION} lists each one's metric name and content hash, so a look-alike rule
 * is never adopted and a hand edit of one of ours is seen and repaired. Rules are spliced into the config's text
 * ({@link AdapterConfigText}), so everything else in it stays byte for byte as it was.
 */
public final class AdapterRules {
  /** Annotation on the adapter ConfigMap recording the rules the operator wrote (JSON, see {@link Record}). */
  public static final String RECORD_ANNOTATION = "scaleddemo.dev/adapter-rules";
  /** The previous release's record (counters only); read once to migrate, then removed. */
  public static final String LEGACY_ANNOTATION = "scaleddemo.dev/owned-counters";
  /** Pod-template annotation on the adapter Deployment; a new value rolls the adapter so it rereads its config. */
  public static final String CONFIG_HASH_ANNOTATION = "scaleddemo.dev/adapter-config-hash";
  /** Deployment annotation: when the operator last rolled the adapter (coalescing survives operator restarts). */
  public static final String ROLLED_AT_ANNOTATION = "scaleddemo.dev/adapter-rolled-at";
  /** What the operator's rules select of a counter: every series that has a pod and a namespace. */
  private static final String SERIES_SELECTOR = "{namespace!=\"\",pod!=\"\"}";
  /** The tutorial's window: its rules keep the tutorial's metric name. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(2);

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private AdapterRules() {}

  /** The adapter config could not be read or would not load; the operator leaves it untouched. */
  public static class InvalidConfigException extends Exception {
    public InvalidConfigException(String message) {
      super(message);
    }
  }

  /** One rule the operator writes: a counter's rate over one window, served as {@code metric}. */
  public record Rule(String counter, String window, String metric) {
    public String seriesQuery() {
      return AdapterRules.seriesQuery(counter);
    }

    public String metricsQuery() {
      return "sum(rate(<<.Series>>{<<.LabelMatchers>>}[" + window + "])) by (<<.GroupBy>>)";
    }

    /** As an item of a block sequence whose dashes are at column {@code indent.length()}. */
    public String blockText(String indent) {
      return indent + "- seriesQuery: " + quote(seriesQuery()) + "\n"
          + indent + "  resources:\n"
          + indent + "    template: " + quote("<<.Resource>>") + "\n"
          + indent + "  name:\n"
          + indent + "    matches: " + quote("^" + counter + "$") + "\n"
          + indent + "    as: " + quote(metric) + "\n"
          + indent + "  metricsQuery: " + quote(metricsQuery()) + "\n";
    }

    /** As an item of a flow sequence. */
    public String flowText() {
      return "{seriesQuery: " + quote(seriesQuery()) + ", resources: {template: " + quote("<<.Resource>>")
          + "}, name: {matches: " + quote("^" + counter + "$") + ", as: " + quote(metric) + "}, metricsQuery: "
          + quote(metricsQuery()) + "}";
    }

    /** Content hash, the same however the rule is formatted (block, flow, re-indented by a tool). */
    public String contentHash() {
      var seq = (org.yaml.snakeyaml.nodes.SequenceNode) AdapterConfigText.yaml().compose(new StringReader(blockText("")));
      return AdapterConfigCheck.contentHash(seq.getValue().get(0));
    }
  }

  /** A valid app's claim on a rule. */
  public record Claim(String namespace, String name, Rule rule) {}

  /** What became of one metric: written by the operator, served by someone else's rule, or refused. */
  public record Outcome(Kind kind, String detail) {
    public enum Kind { WRITTEN, SERVED_BY_OTHER, NAMESPACE_LIMIT, TOO_LARGE }
  }

  /** Limits on what the tenants of the shared config may claim. */
  public record Limits(int rulesPerNamespace, int maxConfigBytes) {
    public static final Limits NONE = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  /** The operator's record: each rule's metric name and content hash, and whether it added the rules key. */
  public record Record(SortedMap<String, String> rules, boolean rulesKeyAdded) {
    public static final Record EMPTY = new Record(new TreeMap<>(), false);

    public static Record parse(String annotation) {
      if (annotation == null || annotation.isBlank()) {
        return EMPTY;
      }
      try {
        var node = JSON.readTree(annotation);
        SortedMap<String, String> rules = new TreeMap<>();
        node.path("rules").fields().forEachRemaining(e -> rules.put(e.getKey(), e.getValue().asText()));
        return new Record(rules, node.path("rulesKeyAdded").asBoolean(false));
      } catch (JsonProcessingException e) {
        return EMPTY; // unreadable: own nothing rather than guess
      }
    }

    public String format() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rules", rules);
      m.put("rulesKeyAdded", rulesKeyAdded);
      try {
        return JSON.writeValueAsString(m);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  public record MergeResult(String config, Record record, boolean changed, Map<String, Outcome> outcomes) {}

  /** The window in Go/Prometheus duration form (90s -> 1m30s), or null when it is not a duration. */
  public static String normalWindow(String window) {
    Duration d = SpecValidator.duration(window);
    if (d == null || d.isZero()) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    long h = d.toHours();
    long m = d.toMinutesPart();
    long s = d.toSecondsPart();
    long ms = d.toMillisPart();
    if (h > 0) b.append(h).append('h');
    if (m > 0) b.append(m).append('m');
    if (s > 0) b.append(s).append('s');
    if (ms > 0) b.append(ms).append("ms");
    return b.toString();
  }

  /**
   * The custom metric an app's HPA scales on: the tutorial's name for the default window, and for any other
   * window the same with the window appended ({@code demo_app_button_clicks_per_second_5m}).
   */
  public static String metricName(ScaledDemoAppSpec spec) {
    String counter = spec.getMetric().getCounter();
    String window = normalWindow(spec.getScaling().getRateWindow());
    return window == null || DEFAULT_WINDOW.equals(SpecValidator.duration(window)) ? MetricSpec.perSecondName(counter)
        : MetricSpec.perSecondName(counter) + "_" + window;
  }

  public static Rule rule(ScaledDemoAppSpec spec) {
    return new Rule(spec.getMetric().getCounter(), normalWindow(spec.getScaling().getRateWindow()), metricName(spec));
  }

  /**
   * One claim per valid app on the PrometheusAdapter backend, oldest first (creation time, then namespace/name).
   * Invalid apps and apps on the Keda backend claim nothing.
   */
  public static List<Claim> claims(List<ScaledDemoApp> apps) {
    return apps.stream()
        .filter(a -> a.getSpec() == null || SpecValidator.validate(a.getSpec()).isEmpty())
        .filter(a -> a.getSpec() == null || !a.getSpec().getScaling().usesKeda())
        .sorted(Comparator.comparing((ScaledDemoApp a) -> nullToEmpty(a.getMetadata().getCreationTimestamp()))
            .thenComparing(a -> nullToEmpty(a.getMetadata().getNamespace()))
            .thenComparing(a -> a.getMetadata().getName()))
        // Other apps come from the informer cache as stored: one without a spec uses every default.
        .map(a -> new Claim(a.getMetadata().getNamespace(), a.getMetadata().getName(),
            rule(a.getSpec() != null ? a.getSpec() : new ScaledDemoAppSpec())))
        .toList();
  }

  /**
   * Converges the config to the claimed rules. Only rules in the record (or, once, the previous release's
   * {@code legacyCounters}) are edited or removed; a claimed metric someone else's rule already yields gets no
   * rule of ours. The result is checked the way prometheus-adapter loads it.
   */
  public static MergeResult merge(String existing, Record record, Set<String> legacyCounters, List<Claim> claims,
      Limits limits) throws InvalidConfigException {
    String text = existing == null ? "" : existing;
    AdapterConfigText doc = AdapterConfigText.parse(text);
    List<AdapterConfigText.Item> items = doc.items();
    Map<Integer, Owned> ours = ours(doc, record, legacyCounters); // item index -> what it is

    // Which metric each claim needs, in priority order (oldest claim first).
    Map<String, Rule> wanted = new LinkedHashMap<>();
    for (Claim c : claims) {
      if (c.rule().window() != null) wanted.putIfAbsent(c.rule().metric(), c.rule());
    }
    Map<String, Outcome> outcomes = new TreeMap<>();
    for (Rule r : wanted.values()) {
      for (int i = 0; i < items.size(); i++) {
        if (ours.containsKey(i)) continue;
        String served = AdapterConfigCheck.servedBy(items.get(i).node(), r.counter(), r.metric(), i);
        if (served != null) {
          outcomes.put(r.metric(), new Outcome(Outcome.Kind.SERVED_BY_OTHER, served));
          break;
        }
      }
    }
    // Per-namespace limit: each namespace's first distinct rules (by its oldest claim) are granted.
    Set<String> granted = new HashSet<>();
    Map<String, Set<String>> perNamespace = new TreeMap<>();
    for (Claim c : claims) {
      String metric = c.rule().metric();
      if (c.rule().window() == null || outcomes.containsKey(metric)) continue;
      Set<String> ns = perNamespace.computeIfAbsent(nullToEmpty(c.namespace()), k -> new java.util.LinkedHashSet<>());
      if (ns.contains(metric)) continue;
      if (ns.size() < limits.rulesPerNamespace()) {
        ns.add(metric);
        granted.add(metric);
      }
    }
    for (Claim c : claims) {
      String metric = c.rule().metric();
      if (c.rule().window() != null && !granted.contains(metric) && !outcomes.containsKey(metric)) {
        outcomes.put(metric, new Outcome(Outcome.Kind.NAMESPACE_LIMIT, "namespace " + c.namespace() + " already has "
            + limits.rulesPerNamespace() + " distinct adapter rules, the most one namespace may have"));
      }
    }
    // Size ceiling: the config without our rules, plus ours in priority order while they fit.
    String foreignOnly = doc.without(ours.keySet(), false);
    long size = utf8Length(foreignOnly) + 64;
    List<Rule> desired = new ArrayList<>();
    for (Rule r : wanted.values()) {
      if (!granted.contains(r.metric())) continue;
      long cost = r.blockText("  ").length() + r.metric().length() + 24;
      if (size + cost > limits.maxConfigBytes()) {
        outcomes.put(r.metric(), new Outcome(Outcome.Kind.TOO_LARGE, "the adapter config would exceed "
            + limits.maxConfigBytes() + " bytes"));
        continue;
      }
      size += cost;
      desired.add(r);
      outcomes.put(r.metric(), new Outcome(Outcome.Kind.WRITTEN, ""));
    }

    // Keep our rules still wanted where they are (no change, no roll); remove the rest; append the new ones.
    Set<String> kept = new HashSet<>();
    Set<Integer> remove = new TreeSet<>();
    Set<String> desiredNames = new HashSet<>();
    desired.forEach(r -> desiredNames.add(r.metric()));
    for (var e : ours.entrySet()) {
      if (e.getValue().intact() && desiredNames.contains(e.getValue().metric()) && kept.add(e.getValue().metric())) {
        continue;
      }
      remove.add(e.getKey()); // no longer wanted, or edited by hand: restored below
    }
    List<Rule> add = desired.stream().filter(r -> !kept.contains(r.metric())).toList();
    boolean dropKey = record.rulesKeyAdded() && add.isEmpty() && remove.size() == items.size();
    String afterRemove = doc.without(remove, dropKey);
    boolean[] addedKey = {false};
    String merged = remove.isEmpty() ? doc.with(add, addedKey) : AdapterConfigText.parse(afterRemove).with(add, addedKey);
    boolean keyAdded = !dropKey && (record.rulesKeyAdded() || addedKey[0]);

    SortedMap<String, String> recorded = new TreeMap<>();
    AdapterConfigText result = AdapterConfigText.parse(merged);
    AdapterConfigCheck.validate(result.root());
    for (AdapterConfigText.Item item : result.items()) {
      String as = AdapterConfigCheck.nameAs(item.node());
      if (as != null && desiredNames.contains(as) && !recorded.containsKey(as)) {
        String hash = AdapterConfigCheck.contentHash(item.node());
        Rule r = desired.stream().filter(d -> d.metric().equals(as)).findFirst().orElseThrow();
        if (kept.contains(as) || hash.equals(r.contentHash())) recorded.put(as, hash);
      }
    }
    Record newRecord = new Record(recorded, keyAdded);
    boolean changed = !merged.equals(text) || !newRecord.equals(record) || !legacyCounters.isEmpty();
    return new MergeResult(merged, newRecord, changed, outcomes);
  }

  /** Metric names of the recorded rules still in the config as the operator wrote them. */
  public static Set<String> intactRules(String config, Record record) throws InvalidConfigException {
    Set<String> intact = new HashSet<>();
    ours(AdapterConfigText.parse(config), record, Set.of()).values().stream().filter(Owned::intact)
        .forEach(o -> intact.add(o.metric()));
    return intact;
  }

  /** An item of the config the operator wrote; not intact when someone edited it since (it is then restored). */
  private record Owned(String metric, boolean intact) {}

  /**
   * The items the operator wrote: one per recorded metric, with the recorded content. Should an admin's rule have
   * the very same content, ours is the one in the operator's own formatting (else the last: ours are appended).
   * A recorded rule found with other content but still with its metric name and the operator's seriesQuery was
   * edited by hand: it is still ours.
   */
  private static Map<Integer, Owned> ours(AdapterConfigText doc, Record record, Set<String> legacyCounters) {
    Map<String, List<Integer>> intact = new TreeMap<>();
    Map<String, Integer> edited = new TreeMap<>();
    List<AdapterConfigText.Item> items = doc.items();
    for (int i = 0; i < items.size(); i++) {
      Node node = items.get(i).node();
      String as = AdapterConfigCheck.nameAs(node);
      if (as == null) continue;
      if (AdapterConfigCheck.contentHash(node).equals(record.rules().get(as)) || isLegacy(node, as, legacyCounters)) {
        intact.computeIfAbsent(as, k -> new ArrayList<>()).add(i);
      } else if (record.rules().containsKey(as) && hasOurSeriesQuery(node, as)) {
        edited.putIfAbsent(as, i);
      }
    }
    Map<Integer, Owned> ours = new TreeMap<>();
    intact.forEach((metric, found) -> {
      int pick = found.get(found.size() - 1);
      for (int i : found) {
        if (inOurFormat(doc, items.get(i))) pick = i;
      }
      ours.put(pick, new Owned(metric, true));
    });
    edited.forEach((metric, i) -> {
      if (!intact.containsKey(metric)) ours.put(i, new Owned(metric, false));
    });
    return ours;
  }

  /** The seriesQuery of the operator's rule for {@code counter}. */
  public static String seriesQuery(String counter) {
    return counter + SERIES_SELECTOR;
  }

  private static boolean hasOurSeriesQuery(Node node, String metric) {
    String query = AdapterConfigCheck.stringField(node, "seriesQuery");
    if (query == null || !query.endsWith(SERIES_SELECTOR)) return false;
    String counter = query.substring(0, query.length() - SERIES_SELECTOR.length());
    return counter.endsWith("_total") && metric.startsWith(MetricSpec.perSecondName(counter));
  }

  private static boolean inOurFormat(AdapterConfigText doc, AdapterConfigText.Item item) {
    String text = doc.text().substring(item.start(), item.end()).replaceAll("\\s+", " ").trim();
    return text.startsWith("seriesQuery: \"") || text.startsWith("{seriesQuery: \"");
  }

  /** The previous release's rule for a counter it listed: exactly its seriesQuery and metric name. */
  private static boolean isLegacy(Node node, String as, Set<String> legacyCounters) {
    String query = AdapterConfigCheck.stringField(node, "seriesQuery");
    return legacyCounters.stream().anyMatch(c -> MetricSpec.perSecondName(c).equals(as)
        && seriesQuery(c).equals(query));
  }

  public static Set<String> parseLegacy(String annotation) {
    Set<String> owned = new TreeSet<>();
    if (annotation != null) {
      for (String s : annotation.split(",")) {
        if (!s.isBlank()) owned.add(s.trim());
      }
    }
    return owned;
  }

  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Short content hash; stored on the adapter's pod template to roll it on change. */
  public static String hash(String config) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(nullToEmpty(config).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static long utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String nullToEmpty(String s) {
    return Objects.requireNonNullElse(s, "");
  }
}
