package dev.scaleddemo.operator.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.Map;

/**
 * An informer cache that keeps only what the operator reads. Of {@code metadata.managedFields} it keeps the
 * server-side-apply entries (JOSDK compares a child with its desired state through its own Apply entry) and drops
 * the {@code Update} entries of controllers and hand edits; the kept field sets are shared between objects
 * ({@link FieldSets}). kubectl's client-side copy of the whole object ({@code last-applied-configuration}) goes too.
 * What is kept is compacted ({@link Compactor}): strings shared between all the caches, empty maps and lists shared.
 * Objects are pruned in place before they are stored and handed to the event handlers, so no copy is kept.
 */
public class PrunedItemStore<R extends HasMetadata> extends BasicItemStore<R> {
  /**
   * The informers' lists come in pages of this many objects, each pruned before the next is read. Unpaged, a restart
   * read every app's children of a kind in one response, all kinds at once, and the heap grew for that moment and
   * stayed grown (README "Scale").
   */
  public static final long LIST_PAGE = 250;
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  private static final Compactor COMPACTOR = new Compactor(new CanonicalStrings());

  public PrunedItemStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public R put(String key, R obj) {
    prune(obj);
    COMPACTOR.compact(obj);
    return super.put(key, obj);
  }

  protected void prune(R obj) {
    var meta = obj.getMetadata();
    if (meta.getManagedFields() != null) {
      meta.getManagedFields().removeIf(entry -> !"Apply".equals(entry.getOperation()));
      for (var entry : meta.getManagedFields()) {
        if (entry.getFieldsV1() != null) {
          entry.getFieldsV1().setAdditionalProperties(FieldSets.share(entry.getFieldsV1().getAdditionalProperties()));
        }
      }
    }
    dropLastApplied(meta.getAnnotations());
  }

  static void dropLastApplied(Map<String, String> annotations) {
    if (annotations != null) {
      annotations.remove(LAST_APPLIED);
    }
  }

  /**
   * For ScaledDemoApps: no managedFields at all. The reconciler reads spec and status; JOSDK writes the finalizer
   * and the status with server-side apply of objects it builds without them.
   */
  public static class Primary<R extends HasMetadata> extends PrunedItemStore<R> {
    @Override
    protected void prune(R obj) {
      obj.getMetadata().setManagedFields(null);
      dropLastApplied(obj.getMetadata().getAnnotations());
    }
  }
}
