package dev.scaleddemo.operator.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * kubectl's table output ({@code kubectl get}), read the way kubectl prints it: columns start at the header's
 * offsets, so an empty cell (a printer column with no value yet) is blank instead of shifting the others left.
 */
public final class KubectlTable {
  private static final Pattern WORD = Pattern.compile("\\S+");

  private KubectlTable() {}

  /** The column names of the table's header line. */
  public static List<String> header(String table) {
    return WORD.matcher(table.lines().findFirst().orElse("")).results().map(m -> m.group()).toList();
  }

  /** The cells of the first row, by column name. */
  public static Map<String, String> firstRow(String table) {
    List<String> lines = table.lines().toList();
    if (lines.size() < 2) {
      throw new AssertionError("no row in\n" + table);
    }
    return cells(lines.get(0), lines.get(1));
  }

  /** The cells of the row whose first column is {@code name}, by column name. */
  public static Map<String, String> row(String table, String name) {
    List<String> lines = table.lines().toList();
    String row = lines.stream().skip(1).filter(l -> l.startsWith(name + " ")).findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + name + " in\n" + table));
    return cells(lines.get(0), row);
  }

  static Map<String, String> cells(String header, String row) {
    List<String> names = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    for (Matcher m = WORD.matcher(header); m.find(); ) {
      names.add(m.group());
      starts.add(m.start());
    }
    Map<String, String> cells = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      int start = Math.min(starts.get(i), row.length());
      int end = i + 1 < names.size() ? Math.min(starts.get(i + 1), row.length()) : row.length();
      cells.put(names.get(i), row.substring(start, end).trim());
    }
    return cells;
  }
}
