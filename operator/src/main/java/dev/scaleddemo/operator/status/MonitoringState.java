package dev.scaleddemo.operator.status;

/** Whether the ServiceMonitor could be reconciled. */
public enum MonitoringState {
  AVAILABLE,
  CRD_MISSING,
  NOT_RECONCILED
}
