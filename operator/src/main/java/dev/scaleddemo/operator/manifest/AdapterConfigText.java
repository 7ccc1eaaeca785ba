package dev.scaleddemo.operator.manifest;

import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.DocumentEndEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The adapter config as text plus the positions of its top-level {@code rules} list, so that rules can be added
 * and removed by splicing text: every byte outside the spliced ranges (comments, anchors, aliases, merge keys,
 * key order, quoting, flow style) stays as the admin wrote it, and removing what was added gives the original back.
 * Only the first YAML document counts, as for prometheus-adapter.
 */
public final class AdapterConfigText {
  /** One item of {@code rules}: char range from its first token to its last one, and its node. */
  public record Item(int start, int end, Node node) {}

  private final String text;
  private final Node root;
  /** Whether the first document's root is a mapping in block style (false: empty document or flow mapping). */
  private final boolean blockRoot;
  /** Start of the {@code rules} key (-1 when absent). */
  private final int rulesKeyStart;
  /** The value of {@code rules}: a block or flow sequence, an empty value, or something else (an error). */
  private final RulesValue rulesValue;
  /** For a flow sequence: the position just after '['; for a block one: the end of the key's line. */
  private final int rulesOpenEnd;
  private final List<Item> items;

  private enum RulesValue { ABSENT, EMPTY, BLOCK, FLOW, OTHER }

  private AdapterConfigText(String text, Node root, boolean blockRoot, int rulesKeyStart, RulesValue rulesValue,
      int rulesOpenEnd, List<Item> items) {
    this.text = text;
    this.root = root;
    this.blockRoot = blockRoot;
    this.rulesKeyStart = rulesKeyStart;
    this.rulesValue = rulesValue;
    this.rulesOpenEnd = rulesOpenEnd;
    this.items = items;
  }

  public String text() { return text; }

  /** The first document's root node (aliases resolved to their anchored node), or null for an empty config. */
  public Node root() { return root; }

  public List<Item> items() { return items; }

  public boolean hasRulesKey() { return rulesKeyStart >= 0; }

  static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setProcessComments(false);
    options.setMaxAliasesForCollections(100);
    return new Yaml(options);
  }

  public static AdapterConfigText parse(String text) throws AdapterRules.InvalidConfigException {
    String t = text == null ? "" : text;
    try {
      Iterator<Node> docs = yaml().composeAll(new StringReader(t)).iterator();
      Node root = docs.hasNext() ? docs.next() : null;
      return scan(t, root);
    } catch (MarkedYAMLException e) {
      throw new AdapterRules.InvalidConfigException("the adapter config is not valid YAML: " + oneLine(e.getMessage()));
    } catch (YAMLException e) {
      throw new AdapterRules.InvalidConfigException("the adapter config is not valid YAML: " + oneLine(e.getMessage()));
    }
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\n\\s*", " ").trim();
  }

  /** Walks the parser events of the first document to find where {@code rules} and its items are. */
  private static AdapterConfigText scan(String text, Node root) {
    int[] charIndex = charIndex(text);
    Deque<Frame> stack = new ArrayDeque<>();
    boolean blockRoot = false;
    int rulesKeyStart = -1;
    RulesValue rulesValue = RulesValue.ABSENT;
    int rulesOpenEnd = -1;
    List<int[]> ranges = new ArrayList<>();
    Frame rulesFrame = null;
    String pendingKey = null;
    int pendingKeyStart = -1;
    int[] current = null; // item being read: {start, end}

    for (Event e : yaml().parse(new StringReader(text))) {
      if (e instanceof DocumentEndEvent) {
        break;
      }
      boolean isStart = e instanceof CollectionStartEvent;
      boolean isEnd = e instanceof CollectionEndEvent;
      boolean isLeaf = e instanceof ScalarEvent || e instanceof AliasEvent;
      if (!isStart && !isEnd && !isLeaf) {
        continue;
      }
      int start = index(charIndex, e.getStartMark());
      int end = index(charIndex, e.getEndMark());
      Frame top = stack.peek();
      if (rulesFrame != null && top == rulesFrame && !isEnd) {
        current = new int[] {start, end};
      }
      // block collections end where the next token starts (after comments): only leaves and flow ends count
      if (current != null && (isLeaf || (isEnd && top.flow))) {
        current[1] = Math.max(current[1], end);
      }
      boolean isRulesValue = false;
      if (top != null && stack.size() == 1 && top.mapping && !isEnd) {
        if (top.expectKey) {
          pendingKey = e instanceof ScalarEvent s ? s.getValue() : null;
          pendingKeyStart = start;
          top.expectKey = false;
        } else {
          top.expectKey = true;
          if ("rules".equals(pendingKey) && rulesKeyStart < 0) {
            isRulesValue = true;
            rulesKeyStart = pendingKeyStart;
            if (e instanceof SequenceStartEvent seq) {
              rulesValue = seq.isFlow() ? RulesValue.FLOW : RulesValue.BLOCK;
              rulesOpenEnd = end;
            } else if (e instanceof ScalarEvent s && s.getValue().isEmpty() && start == end) {
              rulesValue = RulesValue.EMPTY;
              rulesOpenEnd = lineEnd(text, pendingKeyStart + 1);
            } else {
              rulesValue = RulesValue.OTHER;
            }
          }
        }
      }
      if (isStart) {
        Frame f = new Frame(e instanceof MappingStartEvent, ((CollectionStartEvent) e).isFlow());
        if (stack.isEmpty()) {
          blockRoot = f.mapping && !f.flow;
        }
        if (isRulesValue && e instanceof SequenceStartEvent) {
          rulesFrame = f;
        }
        stack.push(f);
      } else if (isEnd) {
        stack.pop();
      }
      if (current != null && stack.peek() == rulesFrame) {
        ranges.add(current);
        current = null;
      }
      if (isEnd && stack.isEmpty()) {
        break;
      }
    }
    List<Item> items = new ArrayList<>();
    if (rulesFrame != null && root instanceof org.yaml.snakeyaml.nodes.MappingNode m) {
      Node seq = m.getValue().stream().filter(t -> t.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode s
          && "rules".equals(s.getValue())).map(org.yaml.snakeyaml.nodes.NodeTuple::getValueNode).findFirst().orElse(null);
      if (seq instanceof org.yaml.snakeyaml.nodes.SequenceNode s) {
        for (int i = 0; i < ranges.size() && i < s.getValue().size(); i++) {
          items.add(new Item(ranges.get(i)[0], ranges.get(i)[1], s.getValue().get(i)));
        }
      }
    }
    return new AdapterConfigText(text, root, blockRoot || root == null, rulesKeyStart, rulesValue, rulesOpenEnd,
        items);
  }

  private static final class Frame {
    final boolean mapping;
    final boolean flow;
    boolean expectKey = true;

    Frame(boolean mapping, boolean flow) {
      this.mapping = mapping;
      this.flow = flow;
    }
  }

  /** SnakeYAML counts code points; Java strings count chars. Null when they are the same. */
  private static int[] charIndex(String text) {
    if (text.codePointCount(0, text.length()) == text.length()) {
      return null;
    }
    int[] map = new int[text.codePointCount(0, text.length()) + 1];
    int cp = 0;
    for (int i = 0; i < text.length(); i = text.offsetByCodePoints(i, 1)) {
      map[cp++] = i;
    }
    map[cp] = text.length();
    return map;
  }

  private static int index(int[] charIndex, Mark mark) {
    return charIndex == null ? mark.getIndex() : charIndex[Math.min(mark.getIndex(), charIndex.length - 1)];
  }

  private static int lineStart(String text, int pos) {
    return text.lastIndexOf('\n', pos - 1) + 1;
  }

  /** Position after the newline ending the line at pos (or the end of the text). */
  private static int lineEnd(String text, int pos) {
    if (pos > 0 && text.charAt(pos - 1) == '\n') {
      return pos;
    }
    int nl = text.indexOf('\n', pos);
    return nl < 0 ? text.length() : nl + 1;
  }

  /** Column of the dash in front of an item of a block sequence. */
  private int dashPosition(Item item) {
    int i = item.start() - 1;
    while (i >= 0 && Character.isWhitespace(text.charAt(i))) {
      i--;
    }
    return i >= 0 && text.charAt(i) == '-' ? i : item.start();
  }

  /**
   * The text with the given items of {@code rules} removed; {@code dropKey} also removes the {@code rules} key
   * when nothing else is left in it (the operator added the key itself).
   */
  public String without(Set<Integer> indices, boolean dropKey) throws AdapterRules.InvalidConfigException {
    if (indices.isEmpty()) {
      return text;
    }
    if (dropKey && indices.size() == items.size() && rulesValue == RulesValue.BLOCK) {
      int from = lineStart(text, rulesKeyStart);
      int to = lineEnd(text, items.get(items.size() - 1).end());
      if (to == text.length() && !text.endsWith("\n") && from > 0) {
        from--; // the newline the operator added in front of the key
      }
      return text.substring(0, from) + text.substring(to);
    }
    StringBuilder out = new StringBuilder(text);
    List<int[]> cuts = new ArrayList<>();
    TreeSet<Integer> sorted = new TreeSet<>(indices);
    // runs of consecutive removed items, cut as one range each
    Integer runStart = null;
    Integer prev = null;
    for (int i : sorted) {
      if (runStart != null && i != prev + 1) {
        cuts.add(range(runStart, prev));
        runStart = null;
      }
      if (runStart == null) runStart = i;
      prev = i;
    }
    cuts.add(range(runStart, prev));
    cuts.sort((a, b) -> Integer.compare(b[0], a[0]));
    for (int[] cut : cuts) {
      out.delete(cut[0], cut[1]);
    }
    return out.toString();
  }

  private int[] range(int first, int last) {
    if (rulesValue == RulesValue.FLOW) {
      if (first > 0) {
        return new int[] {items.get(first - 1).end(), items.get(last).end()};
      }
      if (last < items.size() - 1) {
        return new int[] {items.get(0).start(), items.get(last + 1).start()};
      }
      return new int[] {items.get(0).start(), items.get(last).end()};
    }
    int from = lineStart(text, dashPosition(items.get(first)));
    int to = lineEnd(text, items.get(last).end());
    if (to == text.length() && !text.endsWith("\n") && from > 0) {
      from--; // appended at the end of a text without a final newline: the operator added that newline
    }
    return new int[] {from, to};
  }

  /** The text with rules appended to {@code rules}; records in {@code addedKey} whether the key was created. */
  public String with(List<AdapterRules.Rule> rules, boolean[] addedKey) throws AdapterRules.InvalidConfigException {
    addedKey[0] = false;
    if (rules.isEmpty()) {
      return text;
    }
    switch (rulesValue) {
      case OTHER -> throw new AdapterRules.InvalidConfigException("'rules' in the adapter config is not a list");
      case FLOW -> {
        StringBuilder add = new StringBuilder();
        for (AdapterRules.Rule r : rules) {
          if (add.length() > 0 || !items.isEmpty()) add.append(", ");
          add.append(r.flowText());
        }
        int at = items.isEmpty() ? rulesOpenEnd : items.get(items.size() - 1).end();
        return text.substring(0, at) + add + text.substring(at);
      }
      case BLOCK, EMPTY -> {
        int at;
        String indent;
        if (items.isEmpty()) {
          at = rulesOpenEnd;
          indent = " ".repeat(rulesKeyStart - lineStart(text, rulesKeyStart));
        } else {
          Item last = items.get(items.size() - 1);
          at = lineEnd(text, last.end());
          int dash = dashPosition(items.get(0));
          indent = " ".repeat(dash - lineStart(text, dash));
        }
        String block = blockText(rules, indent);
        if (at == text.length() && !text.isEmpty() && !text.endsWith("\n")) {
          if (!items.isEmpty()) {
            // the list ends the text without a final newline (a ConfigMap written with |-): appending would add
            // a line break to the admin's last value, so ours go in front of the first item instead
            at = lineStart(text, dashPosition(items.get(0)));
            return text.substring(0, at) + block + text.substring(at);
          }
          return text + "\n" + block.substring(0, block.length() - 1);
        }
        return text.substring(0, at) + block + text.substring(at);
      }
      default -> {
        if (root != null && !(root instanceof org.yaml.snakeyaml.nodes.MappingNode)) {
          throw new AdapterRules.InvalidConfigException("the adapter config is a " + root.getNodeId()
              + ", not a mapping");
        }
        if (!blockRoot) {
          throw new AdapterRules.InvalidConfigException("the adapter config's root is a flow mapping without"
              + " 'rules': add 'rules: []' to it");
        }
        addedKey[0] = true;
        String block = "rules:\n" + blockText(rules, "");
        if (!text.isEmpty() && !text.endsWith("\n")) {
          return text + "\n" + block.substring(0, block.length() - 1);
        }
        return text + block;
      }
    }
  }

  private static String blockText(List<AdapterRules.Rule> rules, String indent) {
    StringBuilder b = new StringBuilder();
    for (AdapterRules.Rule r : rules) {
      b.append(r.blockText(indent));
    }
    return b.toString();
  }
}
