package dev.scaleddemo.operator.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.scaleddemo.operator.api.v1alpha1.MetricSpec;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoAppSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The prometheus-adapter rules the operator keeps in the adapter's shared config, as pure functions.
 *
 * <p>One rule per distinct counter. A rule is the operator's when its seriesQuery is exactly {@link
 * #seriesQuery(String)} for a counter it serves or served before (the owned set is kept in an annotation on the
 * ConfigMap): every other rule, and every other top-level key, is left as it is.
 */
public final class AdapterRules {
  /** Annotation on the adapter ConfigMap listing the counters whose rules the operator wrote. */
  public static final String OWNED_ANNOTATION = "scaleddemo.dev/owned-counters";
  /** Pod-template annotation on the adapter Deployment; a new value rolls the adapter so it rereads its config. */
  public static final String CONFIG_HASH_ANNOTATION = "scaleddemo.dev/adapter-config-hash";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

  private AdapterRules() {}

  /** The adapter config could not be read; the operator leaves it untouched. */
  public static class InvalidConfigException extends Exception {
    public InvalidConfigException(String message) {
      super(message);
    }
  }

  /** Which app's window a shared counter's rule uses: the oldest app asking for the counter wins. */
  public record Claim(String counter, String rateWindow, String ownerNamespace, String ownerName) {}

  public record MergeResult(String config, SortedSet<String> ownedCounters, boolean changed) {}

  public static String seriesQuery(String counter) {
    return counter + "{namespace!=\"\",pod!=\"\"}";
  }

  public static String metricsQuery(String rateWindow) {
    return "sum(rate(<<.Series>>{<<.LabelMatchers>>}[" + rateWindow + "])) by (<<.GroupBy>>)";
  }

  public static ObjectNode rule(String counter, String rateWindow) {
    var f = JsonNodeFactory.instance;
    ObjectNode rule = f.objectNode();
    rule.put("seriesQuery", seriesQuery(counter));
    rule.putObject("resources").put("template", "<<.Resource>>");
    rule.putObject("name")
        .put("matches", "^" + counter + "$")
        .put("as", MetricSpec.perSecondName(counter));
    rule.put("metricsQuery", metricsQuery(rateWindow));
    return rule;
  }

  /**
   * One claim per distinct counter among the given apps. The oldest app (creation time, then namespace/name)
   * decides the window, so a new app can never change the rule that older apps already scale on.
   */
  public static SortedMap<String, Claim> claims(List<ScaledDemoApp> apps) {
    SortedMap<String, Claim> claims = new TreeMap<>();
    apps.stream()
        .sorted(Comparator.comparing((ScaledDemoApp a) -> nullToEmpty(a.getMetadata().getCreationTimestamp()))
            .thenComparing(a -> nullToEmpty(a.getMetadata().getNamespace()))
            .thenComparing(a -> a.getMetadata().getName()))
        .forEach(a -> {
          // Other apps come from the informer cache as stored: one without a spec uses every default.
          ScaledDemoAppSpec spec = a.getSpec() != null ? a.getSpec() : new ScaledDemoAppSpec();
          claims.putIfAbsent(spec.getMetric().getCounter(), new Claim(spec.getMetric().getCounter(),
              spec.getScaling().getRateWindow(), a.getMetadata().getNamespace(), a.getMetadata().getName()));
        });
    return claims;
  }

  public static SortedSet<String> parseOwned(String annotation) {
    SortedSet<String> owned = new TreeSet<>();
    if (annotation != null) {
      for (String s : annotation.split(",")) {
        if (!s.isBlank()) owned.add(s.trim());
      }
    }
    return owned;
  }

  public static String formatOwned(Set<String> owned) {
    return String.join(",", new TreeSet<>(owned));
  }

  /**
   * Merges the wanted rules into an existing config. Rules of counters no longer claimed are removed only when
   * the operator owned them; rules it does not own are kept in their order, ours follow sorted by counter.
   */
  public static MergeResult merge(String existing, Set<String> previouslyOwned, Map<String, Claim> wanted)
      throws InvalidConfigException {
    ObjectNode root = parse(existing);
    JsonNode rulesNode = root.get("rules");
    if (rulesNode != null && !rulesNode.isNull() && !rulesNode.isArray()) {
      throw new InvalidConfigException("'rules' in the adapter config is a " + rulesNode.getNodeType()
          + ", not a list");
    }
    ArrayNode newRules = JsonNodeFactory.instance.arrayNode();
    if (rulesNode != null && rulesNode.isArray()) {
      for (JsonNode rule : rulesNode) {
        if (!isOurs(rule, previouslyOwned, wanted.keySet())) {
          newRules.add(rule);
        }
      }
    }
    wanted.values().forEach(c -> newRules.add(rule(c.counter(), c.rateWindow())));
    ObjectNode updated = root.deepCopy();
    updated.set("rules", newRules);
    SortedSet<String> owned = new TreeSet<>(wanted.keySet());
    boolean changed = !updated.equals(root) || !owned.equals(new TreeSet<>(previouslyOwned));
    return new MergeResult(changed ? write(updated) : existing, owned, changed);
  }

  private static boolean isOurs(JsonNode rule, Set<String> owned, Set<String> wanted) {
    JsonNode q = rule.get("seriesQuery");
    if (q == null || !q.isTextual()) return false;
    String query = q.asText();
    // A rule with our exact seriesQuery for a counter we serve is adopted: two rules for one metric would clash.
    return owned.stream().anyMatch(c -> seriesQuery(c).equals(query))
        || wanted.stream().anyMatch(c -> seriesQuery(c).equals(query));
  }

  static ObjectNode parse(String config) throws InvalidConfigException {
    if (config == null || config.isBlank()) {
      return JsonNodeFactory.instance.objectNode();
    }
    try {
      JsonNode node = YAML.readTree(config);
      if (node == null || node.isMissingNode() || node.isNull()) {
        return JsonNodeFactory.instance.objectNode();
      }
      if (!node.isObject()) {
        throw new InvalidConfigException("the adapter config is a " + node.getNodeType() + ", not a mapping");
      }
      return (ObjectNode) node;
    } catch (JsonProcessingException e) {
      throw new InvalidConfigException("the adapter config is not valid YAML: " + e.getOriginalMessage());
    }
  }

  static String write(JsonNode node) {
    try {
      return YAML.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Short content hash of a config; stored on the adapter's pod template to roll it on change. */
  public static String hash(String config) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(nullToEmpty(config).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
