package dev.scaleddemo.operator.status;

/** Condition types and reasons of a ScaledDemoApp. */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String SPEC_VALID = "SpecValid";
  public static final String DEPLOYMENT_AVAILABLE = "DeploymentAvailable";
  public static final String MONITORING_AVAILABLE = "MonitoringAvailable";
  public static final String ADAPTER_RULE_SYNCED = "AdapterRuleSynced";
  public static final String ABLE_TO_SCALE = "AbleToScale";
  public static final String SCALING_ACTIVE = "ScalingActive";
  public static final String SCALING_LIMITED = "ScalingLimited";

  /** Ready=False reasons that the operator itself decides. */
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String RECONCILE_ERROR = "ReconcileError";

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  private Conditions() {}
}
