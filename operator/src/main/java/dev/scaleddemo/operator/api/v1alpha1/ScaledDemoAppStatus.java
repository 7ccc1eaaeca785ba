package dev.scaleddemo.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaledDemoAppStatus {

  @JsonPropertyDescription("The metadata.generation this status was computed for.")
  private Long observedGeneration;

  @JsonPropertyDescription("Ready, and the conditions that say why not: SpecValid, DeploymentAvailable,"
      + " MonitoringAvailable, AdapterRuleSynced, Paused, Fallback, and the autoscaler's AbleToScale, ScalingActive, ScalingLimited.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Ready replicas of the demo app Deployment.")
  private Integer replicas;

  @JsonPropertyDescription("Replicas the autoscaler currently wants.")
  private Integer desiredReplicas;

  @JsonPropertyDescription("Current average clicks per second per pod, as the autoscaler last read it.")
  private String currentClicksPerSecondPerPod;

  @JsonPropertyDescription("Target average clicks per second per pod.")
  private String targetClicksPerSecondPerPod;

  @JsonPropertyDescription("Auto (the autoscaler scales on the metric), Paused (by annotation), Fallback (metric"
      + " missing, at least the fallback replicas) or Holding (metric missing, replicas kept).")
  private String scalingMode;

  @JsonPropertyDescription("The replica count the app is paused at; absent while not paused.")
  private Integer pausedReplicas;

  @JsonPropertyDescription("The scaling metric: last value, when it was seen, since when it is missing.")
  private MetricStatus metric;

  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
  public List<Condition> getConditions() { return conditions; }
  public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
  public Integer getReplicas() { return replicas; }
  public void setReplicas(Integer replicas) { this.replicas = replicas; }
  public Integer getDesiredReplicas() { return desiredReplicas; }
  public void setDesiredReplicas(Integer desiredReplicas) { this.desiredReplicas = desiredReplicas; }
  public String getCurrentClicksPerSecondPerPod() { return currentClicksPerSecondPerPod; }
  public void setCurrentClicksPerSecondPerPod(String v) { this.currentClicksPerSecondPerPod = v; }
  public String getTargetClicksPerSecondPerPod() { return targetClicksPerSecondPerPod; }
  public void setTargetClicksPerSecondPerPod(String v) { this.targetClicksPerSecondPerPod = v; }

  public String getScalingMode() { return scalingMode; }
  public void setScalingMode(String scalingMode) { this.scalingMode = scalingMode; }
  public Integer getPausedReplicas() { return pausedReplicas; }
  public void setPausedReplicas(Integer pausedReplicas) { this.pausedReplicas = pausedReplicas; }
  public MetricStatus getMetric() { return metric; }
  public void setMetric(MetricStatus metric) { this.metric = metric; }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof ScaledDemoAppStatus s)) return false;
    return Objects.equals(observedGeneration, s.observedGeneration) && Objects.equals(conditions, s.conditions)
        && Objects.equals(replicas, s.replicas) && Objects.equals(desiredReplicas, s.desiredReplicas)
        && Objects.equals(currentClicksPerSecondPerPod, s.currentClicksPerSecondPerPod)
        && Objects.equals(targetClicksPerSecondPerPod, s.targetClicksPerSecondPerPod)
        && Objects.equals(scalingMode, s.scalingMode) && Objects.equals(pausedReplicas, s.pausedReplicas)
        && Objects.equals(metric, s.metric);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions, replicas, desiredReplicas, currentClicksPerSecondPerPod,
        targetClicksPerSecondPerPod, scalingMode, pausedReplicas, metric);
  }
}
