package dev.scaleddemo.operator.cache;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * One shared copy of each distinct subtree of the {@code fieldsV1} sets in the informer caches. Every child of one
 * kind has the same set of fields the operator applied, but for its owner reference's uid, so without sharing each
 * cached child holds its own tree of about 10 to 80 small maps (most of the heap an app costs). Shared trees are
 * unmodifiable, so a writer fails instead of changing every object's fields; a tree no cached object holds any more
 * is collected with its last object (weak references).
 */
final class FieldSets {
  private static final Map<Map<String, Object>, WeakReference<Map<String, Object>>> SHARED = new WeakHashMap<>();

  private FieldSets() {}

  /** The shared copy of this tree (built from shared subtrees), or the tree itself when it holds a non-map value. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> share(Map<String, Object> tree) {
    if (tree.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> copy = new LinkedHashMap<>(tree.size() * 4 / 3 + 1);
    for (var entry : tree.entrySet()) {
      if (!(entry.getValue() instanceof Map<?, ?> child)) {
        return tree;
      }
      copy.put(entry.getKey(), share((Map<String, Object>) child));
    }
    Map<String, Object> candidate = Collections.unmodifiableMap(copy);
    synchronized (SHARED) {
      var existing = SHARED.get(candidate);
      var shared = existing == null ? null : existing.get();
      if (shared != null) {
        return shared;
      }
      SHARED.put(candidate, new WeakReference<>(candidate));
      return candidate;
    }
  }
}
