package dev.scaleddemo.operator.api.v1alpha1;

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
  @Size(max = 32)
  @Pattern("^([0-9]+(ms|s|m|h))+$")
  private String rateWindow = "2m";

  @JsonPropertyDescription("Passed unchanged to the HorizontalPodAutoscaler's spec.behavior.")
  private HorizontalPodAutoscalerBehavior behavior;

  public Integer getMinReplicas() { return minReplicas; }
  public void setMinReplicas(Integer minReplicas) { this.minReplicas = minReplicas; }
  public Integer getMaxReplicas() { return maxReplicas; }
  public void setMaxReplicas(Integer maxReplicas) { this.maxReplicas = maxReplicas; }
  public String getTargetClicksPerSecondPerPod() { return targetClicksPerSecondPerPod; }
  public void setTargetClicksPerSecondPerPod(String target) { this.targetClicksPerSecondPerPod = target; }
  public String getRateWindow() { return rateWindow; }
  public void setRateWindow(String rateWindow) { this.rateWindow = rateWindow; }
  public HorizontalPodAutoscalerBehavior getBehavior() { return behavior; }
  public void setBehavior(HorizontalPodAutoscalerBehavior behavior) { this.behavior = behavior; }
}
