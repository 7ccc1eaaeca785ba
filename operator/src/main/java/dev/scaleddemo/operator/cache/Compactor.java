package dev.scaleddemo.operator.cache;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Set;

/**
 * Makes a cached model object smaller without changing what it says: its strings become the shared copies of
 * {@link CanonicalStrings}, its empty maps and lists (every fabric8 model object has its own empty
 * {@code additionalProperties} map, most have empty lists) the shared immutable empty ones. Safe because nothing
 * writes into a cached object: JOSDK clones the app before a reconcile, and compares children through copies
 * (its server-side-apply matcher converts both sides to new maps); the operator builds every object it sends.
 * Map keys stay as they are: Jackson's parser already interns field names. {@code fieldsV1} is {@link FieldSets}'.
 */
final class Compactor {
  /** Unique per object: sharing them would only push shared strings out of the table. */
  private static final Set<String> UNIQUE_IN_METADATA = Set.of("uid", "resourceVersion");

  private static final ClassValue<Field[]> FIELDS = new ClassValue<>() {
    @Override
    protected Field[] computeValue(Class<?> type) {
      List<Field> fields = new ArrayList<>();
      if (type != FieldsV1.class) {
        for (Class<?> c = type; c != null && isModel(c); c = c.getSuperclass()) {
          for (Field f : c.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && !Modifier.isFinal(f.getModifiers())
                && !f.getType().isPrimitive()
                && !(c == ObjectMeta.class && UNIQUE_IN_METADATA.contains(f.getName()))) {
              f.setAccessible(true);
              fields.add(f);
            }
          }
        }
      }
      return fields.toArray(Field[]::new);
    }
  };

  private final CanonicalStrings strings;

  Compactor(CanonicalStrings strings) {
    this.strings = strings;
  }

  /** Compacts this model object and everything it holds, in place. */
  void compact(Object model) {
    for (Field field : FIELDS.get(model.getClass())) {
      try {
        Object value = field.get(model);
        if (value != null) {
          Object compact = compactValue(value);
          if (compact != value) {
            field.set(model, compact);
          }
        }
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot compact " + field, e);
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Object compactValue(Object value) {
    if (value instanceof String s) {
      return strings.canonical(s);
    }
    if (value instanceof Map map) {
      if (map.isEmpty()) {
        return Collections.emptyMap();
      }
      for (Map.Entry entry : (Set<Map.Entry>) map.entrySet()) {
        Object v = entry.getValue();
        Object compact = v == null ? null : compactValue(v);
        if (compact != v && !replace(() -> entry.setValue(compact))) {
          return map;
        }
      }
      return map;
    }
    if (value instanceof List list) {
      if (list.isEmpty()) {
        return Collections.emptyList();
      }
      for (ListIterator it = list.listIterator(); it.hasNext(); ) {
        Object v = it.next();
        Object compact = v == null ? null : compactValue(v);
        if (compact != v && !replace(() -> it.set(compact))) {
          return list;
        }
      }
      return list;
    }
    if (isModel(value.getClass())) {
      compact(value);
    }
    return value;
  }

  /** An unmodifiable collection keeps its own values: only the sharing is lost. */
  private static boolean replace(Runnable set) {
    try {
      set.run();
      return true;
    } catch (UnsupportedOperationException e) {
      return false;
    }
  }

  private static boolean isModel(Class<?> type) {
    String name = type.getName();
    return !type.isEnum() && (name.startsWith("io.fabric8.") || name.startsWith("dev.scaleddemo.operator.api."));
  }
}
