package dev.scaleddemo.operator.dependent;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.CRDPresentActivationCondition;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import java.time.Duration;

/** Workflow conditions: which optional children exist. */
public final class WorkflowConditions {
  private WorkflowConditions() {}

  /** An Ingress only when spec.ingress is set; unset again deletes it. */
  public static class IngressRequested implements Condition<Ingress, ScaledDemoApp> {
    @Override
    public boolean isMet(DependentResource<Ingress, ScaledDemoApp> d, ScaledDemoApp app, Context<ScaledDemoApp> c) {
      return app.getSpec().getIngress() != null;
    }
  }

  /** A dashboard only when spec.monitoring.dashboard is true. */
  public static class DashboardRequested implements Condition<ConfigMap, ScaledDemoApp> {
    @Override
    public boolean isMet(DependentResource<ConfigMap, ScaledDemoApp> d, ScaledDemoApp app, Context<ScaledDemoApp> c) {
      return !Boolean.FALSE.equals(app.getSpec().getMonitoring().getDashboard());
    }
  }

  /**
   * The ServiceMonitor only where Prometheus Operator's CRD is installed. Rechecked every 10 s for as long as the
   * operator runs, so installing the CRD later brings the ServiceMonitor without a restart.
   */
  public static class ServiceMonitorCrdPresent extends CRDPresentActivationCondition<ServiceMonitor, ScaledDemoApp> {
    public ServiceMonitorCrdPresent() {
      super(Integer.MAX_VALUE, Duration.ofSeconds(10));
    }
  }
}
