package dev.scaleddemo.operator.status;

import dev.scaleddemo.operator.scaling.ScalingPlan;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.List;
import java.util.Map;

/**
 * Everything the status is computed from, gathered by the reconciler; nulls mean "not there" (no plan: the spec is
 * invalid and nothing was reconciled, so the scaling fields of the status stay as they were). {@code hpa} is the
 * HPA of the app's backend: ours, or the one KEDA made for the ScaledObject.
 */
public record Observed(
    List<String> specProblems,
    Deployment deployment,
    HorizontalPodAutoscaler hpa,
    MonitoringState monitoring,
    AdapterRuleState adapterRule,
    Map<String, String> childErrors,
    ScalingPlan plan,
    KedaState keda) {

  /** An app on the PrometheusAdapter backend, without a scaling plan. */
  public Observed(List<String> specProblems, Deployment deployment, HorizontalPodAutoscaler hpa,
      MonitoringState monitoring, AdapterRuleState adapterRule, Map<String, String> childErrors) {
    this(specProblems, deployment, hpa, monitoring, adapterRule, childErrors, null, KedaState.NOT_USED);
  }
}
