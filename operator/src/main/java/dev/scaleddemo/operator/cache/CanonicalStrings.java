package dev.scaleddemo.operator.cache;

/**
 * One copy of each short string the informer caches hold many times (namespaces, label keys and values, the app's
 * name in every child, owner uids, condition types and reasons, timestamps). A fixed table of {@value #SLOTS} slots,
 * one string per slot, a new string replacing the one in its slot: it never grows, whatever tenants write (unlike
 * {@code String.intern}), and keeps at most {@value #SLOTS} strings of at most {@value #MAX_LENGTH} characters
 * alive that no cached object holds any more (a few MiB at worst). A string that lost its slot is merely not shared.
 * Lock-free: a race loses one sharing, never a string (strings are immutable, so safely published).
 */
final class CanonicalStrings {
  static final int SLOTS = 1 << 15;
  static final int MAX_LENGTH = 128;
  private final String[] table = new String[SLOTS];

  /** The shared copy of this string, or the string itself when it is long or becomes the shared copy. */
  String canonical(String s) {
    if (s.length() > MAX_LENGTH) {
      return s;
    }
    int hash = s.hashCode();
    int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
    String shared = table[slot];
    if (shared != null && shared.equals(s)) {
      return shared;
    }
    table[slot] = s;
    return s;
  }
}
