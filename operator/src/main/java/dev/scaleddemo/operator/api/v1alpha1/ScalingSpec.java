package dev.scaleddemo.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas",
    message = "spec.scaling.minReplicas must not be greater than spec.scaling.maxReplicas",
    fieldPath = ".minReplicas", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.targetClicksPerSecondPerPod) || (isQuantity(self.targetClicksPerSecondPerPod)"
    + " && quantity(self.targetClicksPerSecondPerPod).isGreaterThan(quantity('0')))",
    message = "spec.scaling.targetClicksPerSecondPerPod must be a positive quantity such as 10m or 2",
    fieldPath = ".targetClicksPerSecondPerPod", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.onMetricLoss) || !has(self.onMetricLoss.fallbackReplicas) || !has(self.maxReplicas)"
    + " || self.onMetricLoss.fallbackReplicas <= self.maxReplicas",
    message = "spec.scaling.onMetricLoss.fallbackReplicas must not be greater than spec.scaling.maxReplicas",
    fieldPath = ".onMetricLoss.fallbackReplicas", reason = "FieldValueInvalid")
public class ScalingSpec {
  public static final String DEFAULT_TARGET = "10m";

  @JsonPropertyDescription("Lowest number of replicas the autoscaler keeps.")
  @Default("1")
  @Min(1)
  @Max(1000)
  private Integer minReplicas = 1;

  @JsonPropertyDescription("Highest number of replicas the autoscaler may create.")
  @Default("10")
  @Min(1)
  @Max(1000)
  private Integer maxReplicas = 10;

  @JsonPropertyDescription("Target average clicks per second per pod, as a Kubernetes quantity (10m = 0.01 clicks/s).")
  @Default(DEFAULT_TARGET)
  @Size(max = 32)
  @Pattern("^[0-9]+(\\.[0-9]+)?(m|k|M)?$")
  private String targetClicksPerSecondPerPod = DEFAULT_TARGET;

  @JsonPropertyDescription("Window of the PromQL rate() that turns the counter into clicks per second"
      + " (e.g. 2m; at least four scrape intervals).")
  @Default("2m")
  @Size(min = 2, max = 32)
  @Pattern(Formats.DURATION)
  @ValidationRule(value = "duration(self) >= duration('4s') && duration(self) <= duration('24h')",
      message = "spec.scaling.rateWindow must be a duration from 4s to 24h in Prometheus' units h, m, s, ms"
          + " (in that order, each at most once), such as 2m or 1m30s",
      reason = "FieldValueInvalid")
  private String rateWindow = "2m";

  @JsonPropertyDescription("What scales the app: PrometheusAdapter (a rule in prometheus-adapter's config and an"
      + " HPA on the custom metric it serves) or Keda (a KEDA ScaledObject with a prometheus trigger; KEDA makes the"
      + " HPA). Switching keeps the current replicas.")
  @Default("PrometheusAdapter")
  private ScalingBackend backend = ScalingBackend.PrometheusAdapter;

  @JsonPropertyDescription("Passed unchanged to the HorizontalPodAutoscaler's spec.behavior (with Keda: to the"
      + " ScaledObject's advanced.horizontalPodAutoscalerConfig.behavior).")
  // the bounds the HPA API enforces, so a bad behavior is refused here, not when the HPA is applied
  @ValidationRule(value = "!has(self.scaleUp) || !has(self.scaleUp.stabilizationWindowSeconds)"
      + " || (self.scaleUp.stabilizationWindowSeconds >= 0 && self.scaleUp.stabilizationWindowSeconds <= 3600)",
      message = "spec.scaling.behavior.scaleUp.stabilizationWindowSeconds must be from 0 to 3600", reason = "FieldValueInvalid")
  @ValidationRule(value = "!has(self.scaleUp) || !has(self.scaleUp.selectPolicy)"
      + " || self.scaleUp.selectPolicy in ['Max', 'Min', 'Disabled']",
      message = "spec.scaling.behavior.scaleUp.selectPolicy must be Max, Min or Disabled", reason = "FieldValueInvalid")
  @ValidationRule(value = "!has(self.scaleUp) || !has(self.scaleUp.policies) || (self.scaleUp.policies.size() <= 10"
      + " && self.scaleUp.policies.all(p, has(p.type) && p.type in ['Pods', 'Percent'] && has(p.value) && p.value > 0"
      + " && p.value <= 2147483647 && has(p.periodSeconds) && p.periodSeconds > 0 && p.periodSeconds <= 1800))",
      message = "spec.scaling.behavior.scaleUp.policies must be at most 10 policies, each with type Pods or Percent, a value from 1 to"
          + " 2147483647 and periodSeconds from 1 to 1800", reason = "FieldValueInvalid")
  @ValidationRule(value = "!has(self.scaleUp) || !has(self.scaleUp.tolerance)"
      + " || (isQuantity(string(self.scaleUp.tolerance)) && !quantity(string(self.scaleUp.tolerance)).isLessThan(quantity('0')))",
      message = "spec.scaling.behavior.scaleUp.tolerance must be a non-negative quantity such as 50m", reason = "FieldValueInvalid")
  @ValidationRule(value = "!has(self.scaleDown) || !has(self.scaleDown.stabilizationWindowSeconds)"
      + " || (self.scaleDown.stabilizationWindowSeconds >= 0 && self.scaleDown.stabilizationWindowSeconds <= 3600)",
      message = "spec.scaling.behavior.scaleDown.stabilizationWindowSeconds must be from 0 to 3600", reason = "FieldValueInvalid")
  @ValidationRule(value = "!has(self.scaleDown) || !has(self.scaleDown.selectPolicy)"
      + " || self.scaleDown.selectPolicy in ['Max', 'Min', 'Disabled']",
      message = "spec.scaling.behavior.scaleDown.selectPolicy must be Max, Min or Disabled", reason = "FieldValueInvalid")
  @ValidationRule(value = "!has(self.scaleDown) || !has(self.scaleDown.policies) || (self.scaleDown.policies.size() <= 10"
      + " && self.scaleDown.policies.all(p, has(p.type) && p.type in ['Pods', 'Percent'] && has(p.value) && p.value > 0"
      + " && p.value <= 2147483647 && has(p.periodSeconds) && p.periodSeconds > 0 && p.periodSeconds <= 1800))",
      message = "spec.scaling.behavior.scaleDown.policies must be at most 10 policies, each with type Pods or Percent, a value from 1 to"
          + " 2147483647 and periodSeconds from 1 to 1800", reason = "FieldValueInvalid")
  @ValidationRule(value = "!has(self.scaleDown) || !has(self.scaleDown.tolerance)"
      + " || (isQuantity(string(self.scaleDown.tolerance)) && !quantity(string(self.scaleDown.tolerance)).isLessThan(quantity('0')))",
      message = "spec.scaling.behavior.scaleDown.tolerance must be a non-negative quantity such as 50m", reason = "FieldValueInvalid")
  private HorizontalPodAutoscalerBehavior behavior;

  @JsonPropertyDescription("What happens while the autoscaler cannot read the metric: Hold (the default) keeps the"
      + " replicas, Fallback keeps at least fallbackReplicas after a while.")
  @Default("{}")
  private OnMetricLossSpec onMetricLoss = new OnMetricLossSpec();

  public Integer getMinReplicas() { return minReplicas; }
  public void setMinReplicas(Integer minReplicas) { this.minReplicas = minReplicas; }
  public Integer getMaxReplicas() { return maxReplicas; }
  public void setMaxReplicas(Integer maxReplicas) { this.maxReplicas = maxReplicas; }
  public String getTargetClicksPerSecondPerPod() { return targetClicksPerSecondPerPod; }
  public void setTargetClicksPerSecondPerPod(String target) { this.targetClicksPerSecondPerPod = target; }
  public String getRateWindow() { return rateWindow; }
  public void setRateWindow(String rateWindow) { this.rateWindow = rateWindow; }
  public ScalingBackend getBackend() { return backend; }
  /** Null (an object stored before the field existed) is the default, PrometheusAdapter. */
  @JsonIgnore
  public boolean usesKeda() { return backend == ScalingBackend.Keda; }
  public void setBackend(ScalingBackend backend) { this.backend = backend; }
  public HorizontalPodAutoscalerBehavior getBehavior() { return behavior; }
  public void setBehavior(HorizontalPodAutoscalerBehavior behavior) { this.behavior = behavior; }
  public OnMetricLossSpec getOnMetricLoss() { return onMetricLoss; }
  public void setOnMetricLoss(OnMetricLossSpec onMetricLoss) { this.onMetricLoss = onMetricLoss; }
}
