package dev.scaleddemo.operator.api.v1alpha1;

/**
 * Value formats shared by the CRD (schema patterns and CEL rules) and {@code SpecValidator}. Written with
 * {@code [.]} instead of an escaped dot, so the same text is a valid Java, OpenAPI (RE2) and CEL string.
 */
public final class Formats {
  /**
   * A duration both Prometheus and CEL's {@code duration()} read: units h, m, s, ms, in that order, each at most
   * once (Prometheus' own grammar also has y, w and d, which CEL cannot compare). At most five digits per unit.
   */
  public static final String DURATION = "^([0-9]{1,5}h)?([0-9]{1,5}m)?([0-9]{1,5}s)?([0-9]{1,5}ms)?$";

  /** A Kubernetes label key: optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
  public static final String LABEL_KEY = "^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
      + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";
  /** A Kubernetes label value (the length, at most 63, is checked separately). */
  public static final String LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";

  /** A DNS-1035 label: what a Service name must be, so every child named after the app can carry the name. */
  public static final String DNS_1035_LABEL = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
  public static final int DNS_LABEL_MAX = 63;

  /**
   * A container image reference (Docker's grammar): [registry[:port]/]path[:tag][@digest]. Empty means the
   * operator's default image.
   */
  public static final String IMAGE = "^$|^(([a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?([.][a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*"
      + "(:[0-9]{1,5})?/)?[a-z0-9]+(([.]|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+(([.]|_|__|-+)[a-z0-9]+)*)*)"
      + "(:[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127})?(@[a-z0-9]+([-+._][a-z0-9]+)*:[0-9a-fA-F]{32,128})?$";

  private Formats() {}
}
