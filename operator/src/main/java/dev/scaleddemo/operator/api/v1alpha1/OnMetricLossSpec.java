package dev.scaleddemo.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** What happens while the autoscaler cannot read the app's metric (Prometheus or the adapter away). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.policy) || self.policy != 'Fallback' || has(self.fallbackReplicas)",
    message = "spec.scaling.onMetricLoss.fallbackReplicas is required when policy is Fallback",
    fieldPath = ".fallbackReplicas", reason = "FieldValueRequired")
public class OnMetricLossSpec {
  public static final String DEFAULT_AFTER = "2m";
  public static final String MIN_AFTER = "30s";
  public static final String MAX_AFTER = "24h";
  public static final int MAX_FALLBACK_REPLICAS = 1000;

  /** Hold: keep the replicas the autoscaler had. Fallback: at least fallbackReplicas once the metric is gone. */
  public enum Policy { Hold, Fallback }

  @JsonPropertyDescription("Hold keeps the replicas the autoscaler had when the metric went missing (the autoscaler"
      + " freezes). Fallback keeps at least fallbackReplicas once the metric has been missing for 'after': it never"
      + " scales the app down during an outage, and is released when the metric is back.")
  @Default("Hold")
  private Policy policy = Policy.Hold;

  @JsonPropertyDescription("Replicas the app has at least while in fallback. Required when policy is Fallback; at"
      + " most spec.scaling.maxReplicas.")
  @Min(1)
  @Max(MAX_FALLBACK_REPLICAS)
  private Integer fallbackReplicas;

  @JsonPropertyDescription("How long the metric must be missing before the fallback applies, as a duration from 30s"
      + " to 24h such as 2m or 1m30s.")
  @Default(DEFAULT_AFTER)
  @Size(min = 2, max = 32)
  @Pattern(Formats.DURATION)
  @ValidationRule(value = "duration(self) >= duration('" + MIN_AFTER + "') && duration(self) <= duration('"
      + MAX_AFTER + "')",
      message = "spec.scaling.onMetricLoss.after must be a duration from 30s to 24h in Prometheus' units h, m, s, ms"
          + " (in that order, each at most once), such as 2m or 1m30s",
      reason = "FieldValueInvalid")
  private String after = DEFAULT_AFTER;

  public Policy getPolicy() { return policy; }
  public void setPolicy(Policy policy) { this.policy = policy; }
  public Integer getFallbackReplicas() { return fallbackReplicas; }
  public void setFallbackReplicas(Integer fallbackReplicas) { this.fallbackReplicas = fallbackReplicas; }
  public String getAfter() { return after; }
  public void setAfter(String after) { this.after = after; }
}
