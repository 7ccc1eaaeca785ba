package dev.scaleddemo.operator.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads the adapter config the way prometheus-adapter v0.12 does ({@code yaml.UnmarshalStrict} into
 * {@code pkg/config.MetricsDiscoveryConfig}, YAML 1.1 with merge keys): known fields and types only, no duplicate
 * keys, durations and regular expressions that parse. Also answers which metric a rule yields for a series.
 */
public final class AdapterConfigCheck {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  private static final Pattern PROM_DURATION =
      Pattern.compile("^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$");
  private static final Pattern SELECTOR = Pattern.compile("^\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?\\s*(?:\\{(.*)\\})?\\s*$",
      Pattern.DOTALL);
  private static final Pattern MATCHER = Pattern.compile(
      "\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`)\\s*(,|$)");
  private static final Pattern WINDOW = Pattern.compile("\\[([0-9]+(?:ms|[smhdwy])(?:[0-9]+(?:ms|[smhdwy]))*)\\]");

  private AdapterConfigCheck() {}

  private enum Type { STRING, BOOL, DURATION, CONFIG, RULE_LIST, RULE, FILTER_LIST, FILTER, RESOURCES, OVERRIDES,
    GROUP_RESOURCE, NAME, RESOURCE_RULES, RESOURCE_RULE }

  private static final Map<Type, Map<String, Type>> FIELDS = Map.ofEntries(
      Map.entry(Type.CONFIG, Map.of("rules", Type.RULE_LIST, "resourceRules", Type.RESOURCE_RULES,
          "externalRules", Type.RULE_LIST)),
      Map.entry(Type.RULE, Map.of("seriesQuery", Type.STRING, "seriesFilters", Type.FILTER_LIST,
          "resources", Type.RESOURCES, "name", Type.NAME, "metricsQuery", Type.STRING)),
      Map.entry(Type.FILTER, Map.of("is", Type.STRING, "isNot", Type.STRING)),
      Map.entry(Type.RESOURCES, Map.of("template", Type.STRING, "overrides", Type.OVERRIDES,
          "namespaced", Type.BOOL)),
      Map.entry(Type.GROUP_RESOURCE, Map.of("group", Type.STRING, "resource", Type.STRING)),
      Map.entry(Type.NAME, Map.of("matches", Type.STRING, "as", Type.STRING)),
      Map.entry(Type.RESOURCE_RULES, Map.of("cpu", Type.RESOURCE_RULE, "memory", Type.RESOURCE_RULE,
          "window", Type.DURATION)),
      Map.entry(Type.RESOURCE_RULE, Map.of("containerQuery", Type.STRING, "nodeQuery", Type.STRING,
          "resources", Type.RESOURCES, "containerLabel", Type.STRING)));

  private static final Map<Type, String> GO_NAMES = Map.ofEntries(
      Map.entry(Type.CONFIG, "config.MetricsDiscoveryConfig"), Map.entry(Type.RULE, "config.DiscoveryRule"),
      Map.entry(Type.FILTER, "config.RegexFilter"), Map.entry(Type.RESOURCES, "config.ResourceMapping"),
      Map.entry(Type.GROUP_RESOURCE, "config.GroupResource"), Map.entry(Type.NAME, "config.NameMapping"),
      Map.entry(Type.RESOURCE_RULES, "config.ResourceRules"), Map.entry(Type.RESOURCE_RULE, "config.ResourceRule"),
      Map.entry(Type.RULE_LIST, "[]config.DiscoveryRule"), Map.entry(Type.FILTER_LIST, "[]config.RegexFilter"),
      Map.entry(Type.OVERRIDES, "map[string]config.GroupResource"), Map.entry(Type.STRING, "string"),
      Map.entry(Type.BOOL, "bool"), Map.entry(Type.DURATION, "model.Duration"));

  /** Throws with the first problem prometheus-adapter would refuse to start on. A null root is an empty config. */
  public static void validate(Node root) throws AdapterRules.InvalidConfigException {
    if (root == null) return;
    List<String> problems = new ArrayList<>();
    check(root, Type.CONFIG, "", problems);
    if (!problems.isEmpty()) {
      throw new AdapterRules.InvalidConfigException("prometheus-adapter would not load the config: "
          + String.join("; ", problems.subList(0, Math.min(3, problems.size()))));
    }
  }

  private static void check(Node node, Type type, String path, List<String> problems) {
    if (node instanceof ScalarNode s && Tag.NULL.equals(s.getTag())) return; // null leaves the zero value
    String at = "line " + (node.getStartMark().getLine() + 1) + " (" + (path.isEmpty() ? "root" : path) + ")";
    switch (type) {
      case STRING -> {
        if (!(node instanceof ScalarNode)) problems.add(at + ": cannot unmarshal " + kind(node) + " into string");
      }
      case BOOL -> {
        if (!(node instanceof ScalarNode s) || !Tag.BOOL.equals(s.getTag())) {
          problems.add(at + ": cannot unmarshal " + kind(node) + " into bool");
        }
      }
      case DURATION -> {
        if (!(node instanceof ScalarNode s) || s.getValue().isEmpty() || !PROM_DURATION.matcher(s.getValue()).matches()) {
          problems.add(at + ": not a valid duration string: " + (node instanceof ScalarNode s ? "'" + s.getValue() + "'"
              : kind(node)));
        }
      }
      case RULE_LIST, FILTER_LIST -> {
        if (!(node instanceof SequenceNode seq)) {
          problems.add(at + ": cannot unmarshal " + kind(node) + " into " + GO_NAMES.get(type));
          return;
        }
        Type item = type == Type.RULE_LIST ? Type.RULE : Type.FILTER;
        for (int i = 0; i < seq.getValue().size(); i++) {
          check(seq.getValue().get(i), item, path + "[" + i + "]", problems);
        }
      }
      case OVERRIDES -> {
        Map<String, Node> fields = fields(node, type, at, problems);
        if (fields != null) fields.forEach((k, v) -> check(v, Type.GROUP_RESOURCE, path + "." + k, problems));
      }
      default -> {
        Map<String, Node> fields = fields(node, type, at, problems);
        if (fields == null) return;
        Map<String, Type> known = FIELDS.get(type);
        fields.forEach((k, v) -> {
          Type t = known.get(k);
          if (t == null) {
            problems.add("line " + (v.getStartMark().getLine() + 1) + ": field " + k + " not found in type "
                + GO_NAMES.get(type));
          } else {
            check(v, t, path.isEmpty() ? k : path + "." + k, problems);
          }
        });
        if (type == Type.RULE || type == Type.FILTER || type == Type.NAME) checkRegexes(type, fields, at, problems);
      }
    }
  }

  /** prometheus-adapter compiles these with Go's RE2 at start-up: no look-around, no back-references. */
  private static void checkRegexes(Type type, Map<String, Node> fields, String at, List<String> problems) {
    for (String key : type == Type.FILTER ? List.of("is", "isNot") : type == Type.NAME ? List.of("matches") : List.<String>of()) {
      String re = scalar(fields.get(key));
      if (re == null || re.isEmpty()) continue;
      if (re.contains("(?=") || re.contains("(?!") || re.contains("(?<=") || re.contains("(?<!")
          || re.matches(".*\\\\[1-9].*")) {
        problems.add(at + ": " + key + " '" + re + "' is not an RE2 regular expression (look-around or back-reference)");
        continue;
      }
      try {
        Pattern.compile(re);
      } catch (PatternSyntaxException e) {
        problems.add(at + ": " + key + " '" + re + "' does not compile: " + e.getDescription());
      }
    }
  }

  /** A mapping's fields with merge keys applied (explicit keys win, earlier merge sources win); null if no mapping. */
  private static Map<String, Node> fields(Node node, Type type, String at, List<String> problems) {
    if (!(node instanceof MappingNode m)) {
      problems.add(at + ": cannot unmarshal " + kind(node) + " into " + GO_NAMES.get(type));
      return null;
    }
    Map<String, Node> explicit = new LinkedHashMap<>();
    Map<String, Node> merged = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && Tag.MERGE.equals(k.getTag())) {
        List<Node> sources = t.getValueNode() instanceof SequenceNode s ? s.getValue() : List.of(t.getValueNode());
        for (Node src : sources) {
          Map<String, Node> f = fields(src, type, at, problems);
          if (f != null) f.forEach(merged::putIfAbsent);
        }
        continue;
      }
      String key = scalar(t.getKeyNode());
      if (key == null) {
        problems.add(at + ": a key is not a scalar");
      } else if (explicit.put(key, t.getValueNode()) != null) {
        problems.add("line " + (t.getKeyNode().getStartMark().getLine() + 1) + ": key \"" + key
            + "\" already set in map");
      }
    }
    merged.putAll(explicit);
    return merged;
  }

  private static String kind(Node node) {
    if (node instanceof MappingNode) return "!!map";
    if (node instanceof SequenceNode) return "!!seq";
    return node.getTag().getValue().replace(Tag.PREFIX, "!!") + " `" + ((ScalarNode) node).getValue() + "`";
  }

  private static String scalar(Node node) {
    return node instanceof ScalarNode s && !Tag.NULL.equals(s.getTag()) ? s.getValue() : null;
  }

  private static Map<String, Node> fieldsOrEmpty(Node node) {
    Map<String, Node> f = fields(node, Type.RULE, "", new ArrayList<>());
    return f == null ? Map.of() : f;
  }

  /** A rule's string field (merge keys applied), or null. */
  static String stringField(Node rule, String key) {
    return scalar(fieldsOrEmpty(rule).get(key));
  }

  /** A rule's {@code name.as}, or null. */
  static String nameAs(Node rule) {
    Node name = fieldsOrEmpty(rule).get("name");
    return name == null ? null : scalar(fieldsOrEmpty(name).get("as"));
  }

  /** Hash of a node's content (merge keys and aliases resolved, key order ignored), whatever its formatting. */
  static String contentHash(Node node) {
    try {
      return AdapterRules.hash(JSON.writeValueAsString(plain(node, 0)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object plain(Node node, int depth) {
    if (depth > 50) return "...";
    if (node instanceof ScalarNode s) return Tag.NULL.equals(s.getTag()) ? null : s.getValue();
    if (node instanceof SequenceNode s) {
      List<Object> out = new ArrayList<>();
      s.getValue().forEach(n -> out.add(plain(n, depth + 1)));
      return out;
    }
    Map<String, Object> out = new TreeMap<>();
    fieldsOrEmpty(node).forEach((k, v) -> out.put(k, plain(v, depth + 1)));
    return out;
  }

  /**
   * If the rule yields {@code metric} for the series {@code counter} (its seriesQuery's metric name selector, its
   * seriesFilters and its name mapping, as prometheus-adapter's naming does), says which rule and window; else null.
   */
  static String servedBy(Node rule, String counter, String metric, int index) {
    Map<String, Node> f = fieldsOrEmpty(rule);
    String query = scalar(f.get("seriesQuery"));
    if (query == null || !selectsName(query, counter)) return null;
    Node filters = f.get("seriesFilters");
    if (filters instanceof SequenceNode s) {
      for (Node filter : s.getValue()) {
        Map<String, Node> ff = fieldsOrEmpty(filter);
        if (!matchesFilter(scalar(ff.get("is")), counter, true) || !matchesFilter(scalar(ff.get("isNot")), counter, false)) {
          return null;
        }
      }
    }
    Map<String, Node> name = f.get("name") == null ? Map.of() : fieldsOrEmpty(f.get("name"));
    String matches = scalar(name.get("matches"));
    String as = scalar(name.get("as"));
    String yielded;
    try {
      Pattern p = Pattern.compile(matches == null || matches.isEmpty() ? ".*" : matches);
      Matcher m = p.matcher(counter);
      if (!m.find()) return null;
      if (as == null || as.isEmpty()) {
        if (m.groupCount() > 1) return null;
        as = m.groupCount() == 1 ? "$1" : "$0";
      }
      yielded = expand(as, m);
    } catch (PatternSyntaxException e) {
      return null;
    }
    if (!metric.equals(yielded)) return null;
    String metricsQuery = scalar(f.get("metricsQuery"));
    Matcher w = WINDOW.matcher(metricsQuery == null ? "" : metricsQuery);
    return "rules[" + index + "] (seriesQuery " + query.trim() + ", " + (w.find() ? "window " + w.group(1)
        : "no rate window") + ")";
  }

  private static boolean matchesFilter(String re, String name, boolean positive) {
    if (re == null || re.isEmpty()) return true;
    try {
      return Pattern.compile(re).matcher(name).find() == positive;
    } catch (PatternSyntaxException e) {
      return false;
    }
  }

  /** Whether a PromQL series selector's metric-name part selects {@code name} (other labels are not known here). */
  static boolean selectsName(String selector, String name) {
    Matcher s = SELECTOR.matcher(selector);
    if (!s.matches()) return false;
    if (s.group(1) != null && !s.group(1).equals(name)) return false;
    String body = s.group(2) == null ? "" : s.group(2).trim();
    Matcher m = MATCHER.matcher(body);
    int pos = 0;
    while (pos < body.length()) {
      if (!m.find(pos) || m.start() != pos) return false;
      pos = m.end();
      if (!"__name__".equals(m.group(1))) continue;
      String value = unquote(m.group(3));
      boolean ok;
      try {
        ok = switch (m.group(2)) {
          case "=" -> value.equals(name);
          case "!=" -> !value.equals(name);
          case "=~" -> Pattern.compile("^(?:" + value + ")$").matcher(name).matches();
          default -> !Pattern.compile("^(?:" + value + ")$").matcher(name).matches();
        };
      } catch (PatternSyntaxException e) {
        return false;
      }
      if (!ok) return false;
    }
    return true;
  }

  private static String unquote(String q) {
    String body = q.substring(1, q.length() - 1);
    return q.startsWith("`") ? body : body.replaceAll("\\\\(.)", "$1");
  }

  /** Go's regexp.Expand: $1, ${1}, $name, ${name}, $$; {@code $1x} is the (missing) group named "1x". */
  static String expand(String template, Matcher m) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c != '$' || i + 1 >= template.length()) {
        out.append(c);
        continue;
      }
      if (template.charAt(i + 1) == '$') {
        out.append('$');
        i++;
        continue;
      }
      String name;
      int end;
      if (template.charAt(i + 1) == '{') {
        end = template.indexOf('}', i + 2);
        if (end < 0) {
          out.append(c);
          continue;
        }
        name = template.substring(i + 2, end);
      } else {
        end = i + 1;
        while (end < template.length() && (Character.isLetterOrDigit(template.charAt(end)) || template.charAt(end) == '_')) end++;
        name = template.substring(i + 1, end);
        end--;
        if (name.isEmpty()) {
          out.append(c);
          continue;
        }
      }
      i = end;
      String value = null;
      try {
        value = name.matches("[0-9]+") ? m.group(Integer.parseInt(name)) : m.group(name);
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        value = null;
      }
      if (value != null) out.append(value);
    }
    return out.toString();
  }
}
