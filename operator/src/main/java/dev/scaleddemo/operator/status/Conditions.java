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
  public static final String PAUSED = "Paused";
  public static final String FALLBACK = "Fallback";
  /** KEDA's ScaledObject Ready and Active conditions, mirrored on the Keda backend (with Paused and Fallback). */
  public static final String SCALED_OBJECT_READY = "ScaledObjectReady";
  public static final String SCALED_OBJECT_ACTIVE = "ScaledObjectActive";
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
  public static final String DEPLOYMENT_UNAVAILABLE = "DeploymentUnavailable";
  public static final String MONITORING_UNAVAILABLE = "MonitoringUnavailable";
  public static final String ADAPTER_RULE_NOT_SYNCED = "AdapterRuleNotSynced";

  // Reasons of Ready=True, SpecValid, MonitoringAvailable, DeploymentAvailable and the mirrored HPA conditions
  public static final String REASON_READY = "Ready";
  public static final String VALID = "Valid";
  public static final String SERVICE_MONITOR_RECONCILED = "ServiceMonitorReconciled";
  public static final String NOT_RECONCILED = "NotReconciled";
  public static final String DEPLOYMENT_MISSING = "DeploymentMissing";
  public static final String MINIMUM_REPLICAS_AVAILABLE = "MinimumReplicasAvailable";
  public static final String NO_READY_REPLICAS = "NoReadyReplicas";
  public static final String AUTOSCALER_PENDING = "AutoscalerPending";

  // Reasons of Paused
  public static final String PAUSED_BY_ANNOTATION = "PausedByAnnotation";
  public static final String NOT_PAUSED = "NotPaused";
  /** Also Ready=False's reason: a pause annotation that cannot be read (nothing is changed until it is fixed). */
  public static final String INVALID_PAUSE_ANNOTATION = "InvalidPauseAnnotation";

  // Reasons of Fallback
  public static final String METRIC_MISSING = "MetricMissing";
  public static final String METRIC_AVAILABLE = "MetricAvailable";
  /** The metric is missing, but not for spec.scaling.onMetricLoss.after yet. */
  public static final String FALLBACK_PENDING = "FallbackPending";
  /** The metric is missing and the policy is Hold: the autoscaler keeps the replicas. */
  public static final String HOLDING = "Holding";
  /** Paused: the pause, not the fallback, decides the replicas. */
  public static final String SUSPENDED_BY_PAUSE = "SuspendedByPause";

  // Values of status.scalingMode (the Mode printer column)
  public static final String MODE_AUTO = "Auto";
  public static final String MODE_PAUSED = "Paused";
  public static final String MODE_FALLBACK = "Fallback";
  public static final String MODE_HOLDING = "Holding";

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  private Conditions() {}
}
