package dev.scaleddemo.operator.ship;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Semantic versions and the version ranges OLM reads in {@code olm.skipRange} (blang/semver syntax: comparisons
 * {@code >= > <= < = !=} joined by spaces (and) or {@code ||} (or), e.g. {@code >=0.1.0 <0.2.0}).
 */
record Semver(int major, int minor, int patch, List<String> prerelease) implements Comparable<Semver> {
  private static final Pattern VERSION = Pattern.compile(
      "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z.-]+)?");
  private static final Pattern COMPARISON = Pattern.compile("(>=|<=|!=|>|<|=|==)?(.+)");

  static Semver parse(String s) {
    Matcher m = VERSION.matcher(s.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a semantic version: '" + s + "'");
    }
    List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
    return new Semver(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), pre);
  }

  /** A range such as {@code >=0.0.0 <0.2.0}; throws IllegalArgumentException when it does not parse. */
  static Predicate<Semver> range(String range) {
    if (range == null || range.isBlank()) {
      throw new IllegalArgumentException("empty range");
    }
    Predicate<Semver> any = v -> false;
    for (String alternative : range.split("\\|\\|")) {
      Predicate<Semver> all = v -> true;
      String[] parts = alternative.strip().split("\\s+");
      if (parts.length == 1 && parts[0].isEmpty()) {
        throw new IllegalArgumentException("empty alternative in '" + range + "'");
      }
      for (String part : parts) {
        all = all.and(comparison(part, range));
      }
      any = any.or(all);
    }
    return any;
  }

  private static Predicate<Semver> comparison(String part, String range) {
    Matcher m = COMPARISON.matcher(part);
    if (!m.matches()) {
      throw new IllegalArgumentException("bad comparison '" + part + "' in '" + range + "'");
    }
    Semver bound = parse(m.group(2));
    String op = m.group(1) == null ? "=" : m.group(1);
    return switch (op) {
      case ">=" -> v -> v.compareTo(bound) >= 0;
      case ">" -> v -> v.compareTo(bound) > 0;
      case "<=" -> v -> v.compareTo(bound) <= 0;
      case "<" -> v -> v.compareTo(bound) < 0;
      case "!=" -> v -> v.compareTo(bound) != 0;
      default -> v -> v.compareTo(bound) == 0;
    };
  }

  @Override
  public int compareTo(Semver o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) c = Integer.compare(minor, o.minor);
    if (c == 0) c = Integer.compare(patch, o.patch);
    if (c != 0) return c;
    // a pre-release sorts before its release (1.0.0-rc.1 < 1.0.0); identifiers compare numerically when numeric
    if (prerelease.isEmpty() || o.prerelease.isEmpty()) return Boolean.compare(prerelease.isEmpty(), o.prerelease.isEmpty());
    for (int i = 0; i < Math.min(prerelease.size(), o.prerelease.size()); i++) {
      String a = prerelease.get(i);
      String b = o.prerelease.get(i);
      boolean an = a.matches("\\d+");
      boolean bn = b.matches("\\d+");
      c = an && bn ? Long.compare(Long.parseLong(a), Long.parseLong(b)) : an != bn ? (an ? -1 : 1) : a.compareTo(b);
      if (c != 0) return c;
    }
    return Integer.compare(prerelease.size(), o.prerelease.size());
  }

  @Override
  public String toString() {
    List<String> s = new ArrayList<>(List.of(major + "." + minor + "." + patch));
    return prerelease.isEmpty() ? s.get(0) : s.get(0) + "-" + String.join(".", prerelease);
  }
}
