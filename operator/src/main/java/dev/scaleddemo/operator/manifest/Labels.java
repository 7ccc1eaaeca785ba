package dev.scaleddemo.operator.manifest;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import java.util.LinkedHashMap;
import java.util.Map;

/** Labels every child carries, and the subset that selects the app's pods. */
public final class Labels {
  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String APP_NAME = "demo-app";
  public static final String OPERATOR = "scaled-demo-operator";
  /** Selects our children in informers, so the operator caches only what it made. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

  private Labels() {}

  public static Map<String, String> selector(ScaledDemoApp app) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(NAME, APP_NAME);
    m.put(INSTANCE, app.getMetadata().getName());
    return m;
  }

  public static Map<String, String> common(ScaledDemoApp app) {
    Map<String, String> m = selector(app);
    m.put(MANAGED_BY, OPERATOR);
    return m;
  }
}
