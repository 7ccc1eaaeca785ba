package dev.scaleddemo.operator.manifest;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.keda.ScaledObject;

/** Every child's name, in one place. */
public final class Names {
  public static final String CONTAINER = "demo-app";
  public static final String HTTP_PORT = "http";
  public static final String SERVICE_PORT = "web";
  public static final String DASHBOARD_SUFFIX = "-dashboard";

  private Names() {}

  public static String deployment(ScaledDemoApp app) { return app.getMetadata().getName(); }
  public static String service(ScaledDemoApp app) { return app.getMetadata().getName(); }
  public static String ingress(ScaledDemoApp app) { return app.getMetadata().getName(); }
  public static String serviceMonitor(ScaledDemoApp app) { return app.getMetadata().getName(); }
  public static String hpa(ScaledDemoApp app) { return app.getMetadata().getName(); }
  public static String scaledObject(ScaledDemoApp app) { return app.getMetadata().getName(); }
  /** The HPA KEDA makes for the app's ScaledObject (KEDA's default name). */
  public static String kedaHpa(ScaledDemoApp app) { return ScaledObject.HPA_NAME_PREFIX + scaledObject(app); }
  public static String dashboard(ScaledDemoApp app) { return app.getMetadata().getName() + DASHBOARD_SUFFIX; }

  /**
   * The dashboard's file in the Grafana sidecar's one folder for all namespaces: namespace and name joined by '_',
   * which neither can contain, so two apps never share a file.
   */
  public static String dashboardFile(ScaledDemoApp app) {
    return app.getMetadata().getNamespace() + "_" + app.getMetadata().getName() + DASHBOARD_SUFFIX + ".json";
  }

  /**
   * Grafana's dashboard uid (at most 40 of [a-zA-Z0-9_-]): {@code sda-<namespace>_<name>} when it fits, else
   * {@code sda-} and a hash of namespace/name. Readable uids contain '_', hashes never do: no two apps share one.
   */
  public static String dashboardUid(ScaledDemoApp app) {
    String ns = app.getMetadata().getNamespace();
    String name = app.getMetadata().getName();
    String readable = "sda-" + ns + "_" + name;
    return readable.length() <= 40 && readable.matches("[a-z0-9_-]+") ? readable
        : "sda-" + AdapterRules.hash(ns + "/" + name);
  }
}
