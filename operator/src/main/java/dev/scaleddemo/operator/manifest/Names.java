package dev.scaleddemo.operator.manifest;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;

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
  public static String dashboard(ScaledDemoApp app) { return app.getMetadata().getName() + DASHBOARD_SUFFIX; }
}
