package dev.scaleddemo.operator.status;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.List;
import java.util.Map;

/** Everything the status is computed from, gathered by the reconciler; nulls mean "not there". */
public record Observed(
    List<String> specProblems,
    Deployment deployment,
    HorizontalPodAutoscaler hpa,
    MonitoringState monitoring,
    AdapterRuleState adapterRule,
    Map<String, String> childErrors) {}
