package dev.scaleddemo.operator.cache;

/**
 * Orders two resourceVersions of objects of one type, as Kubernetes allows since 1.35 (KEP-5504, comparable resource
 * versions): both well-formed (a decimal integer without leading zeros), the longer is the newer, and of equal
 * length the one that sorts later. Anything else is not comparable: only equality tells.
 */
public final class ResourceVersions {
  private ResourceVersions() {}

  /** True only when both are well-formed and {@code candidate} is strictly newer than {@code than}. */
  public static boolean newer(String candidate, String than) {
    if (!wellFormed(candidate) || !wellFormed(than)) {
      return false;
    }
    return candidate.length() != than.length() ? candidate.length() > than.length() : candidate.compareTo(than) > 0;
  }

  static boolean wellFormed(String version) {
    if (version == null || version.isEmpty() || version.charAt(0) == '0') {
      return false;
    }
    for (int i = 0; i < version.length(); i++) {
      char c = version.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
