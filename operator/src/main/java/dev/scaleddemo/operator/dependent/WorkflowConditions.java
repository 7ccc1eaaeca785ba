package dev.scaleddemo.operator.dependent;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.keda.ScaledObject;
import dev.scaleddemo.operator.manifest.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.CRDPresentActivationCondition;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import java.time.Duration;

/** Workflow conditions: which optional children exist. */
public final class WorkflowConditions {
  /** How often a missing optional CRD (Prometheus Operator's, KEDA's) is looked for again: one GET each. */
  public static final Duration CRD_RECHECK = Duration.ofSeconds(10);
  /** The optional CRDs the activation conditions look for. */
  public static final int OPTIONAL_CRDS = 2;

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
      super(Integer.MAX_VALUE, CRD_RECHECK);
    }
  }

  /**
   * The adapter rule only on the PrometheusAdapter backend: on Keda it is removed from the shared config (the
   * dependent's delete) and the HPA that depends on it goes too.
   */
  public static class AdapterBackend implements Condition<ConfigMap, ScaledDemoApp> {
    @Override
    public boolean isMet(DependentResource<ConfigMap, ScaledDemoApp> d, ScaledDemoApp app, Context<ScaledDemoApp> c) {
      return !app.getSpec().getScaling().usesKeda();
    }
  }

  /**
   * Our HPA on the PrometheusAdapter backend, once KEDA's HPA for the app is gone: two HPAs on one Deployment
   * would fight over its replicas. Until then the Deployment keeps the replicas it has.
   */
  public static class AdapterHpaAllowed implements Condition<HorizontalPodAutoscaler, ScaledDemoApp> {
    @Override
    public boolean isMet(DependentResource<HorizontalPodAutoscaler, ScaledDemoApp> d, ScaledDemoApp app,
        Context<ScaledDemoApp> c) {
      return !app.getSpec().getScaling().usesKeda() && !hasHpa(c, Names.kedaHpa(app));
    }
  }

  /**
   * The ScaledObject on the Keda backend, once our HPA is gone (KEDA would make a second HPA next to it). Until
   * then the Deployment keeps the replicas it has.
   */
  public static class KedaBackend implements Condition<ScaledObject, ScaledDemoApp> {
    @Override
    public boolean isMet(DependentResource<ScaledObject, ScaledDemoApp> d, ScaledDemoApp app, Context<ScaledDemoApp> c) {
      return app.getSpec().getScaling().usesKeda() && !hasHpa(c, Names.hpa(app));
    }
  }

  /**
   * The ScaledObject only where KEDA's CRD is installed (rechecked every 10 s, as the ServiceMonitor's), so the
   * PrometheusAdapter backend works without KEDA and installing KEDA later needs no restart.
   */
  public static class KedaCrdPresent extends CRDPresentActivationCondition<ScaledObject, ScaledDemoApp> {
    public KedaCrdPresent() {
      super(Integer.MAX_VALUE, CRD_RECHECK);
    }
  }

  /** Whether the app's HPA informer holds an HPA of that name (ours or KEDA's, see HpaDependent). */
  public static boolean hasHpa(Context<ScaledDemoApp> c, String name) {
    return c.getSecondaryResources(HorizontalPodAutoscaler.class).stream()
        .anyMatch(h -> name.equals(h.getMetadata().getName()));
  }
}
