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
  /** KEDA's ScaledObject conditions, mirrored on the Keda backend. */
  public static final String SCALED_OBJECT_READY = "ScaledObjectReady";
  public static final String SCALED_OBJECT_ACTIVE = "ScaledObjectActive";
  public static final String FALLBACK = "Fallback";
  public static final String PAUSED = "Paused";
  /** kstatus' (Flux, cli-utils) abnormal-true conditions, also read by the Argo CD health check. */
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";

  // Reasons of Reconciling and Stalled (besides Ready's reasons, reused where they are the cause)
  public static final String CONVERGED = "Converged";
  public static final String ROLLING_OUT = "RollingOut";
  public static final String NOT_STALLED = "NotStalled";
  public static final String SERVICE_MONITOR_CRD_MISSING = "ServiceMonitorCRDMissing";
  public static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";
  public static final String KEDA_CRD_MISSING = "KedaCRDMissing";
  /** One backend's HPA waits until the other's is gone. */
  public static final String AUTOSCALER_HANDOVER = "AutoscalerHandover";
  public static final String SCALED_OBJECT_NOT_READY = "ScaledObjectNotReady";
  public static final String KEDA_PENDING = "KedaPending";

  /** Ready=False reasons that the operator itself decides. */
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String RECONCILE_ERROR = "ReconcileError";

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  private Conditions() {}
}
