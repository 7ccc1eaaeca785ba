package dev.scaleddemo.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The app's scaling metric as the autoscaler last read it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricStatus {
  @JsonPropertyDescription("Last value the autoscaler read (average clicks per second per pod, a quantity).")
  private String lastValue;

  @JsonPropertyDescription("When the operator last saw a value from the autoscaler (refreshed when the value changes;"
      + " set to missingSince when the metric goes missing).")
  private String lastSeenTime;

  @JsonPropertyDescription("Since when the autoscaler cannot read the metric; absent while it can.")
  private String missingSince;

  public String getLastValue() { return lastValue; }
  public void setLastValue(String lastValue) { this.lastValue = lastValue; }
  public String getLastSeenTime() { return lastSeenTime; }
  public void setLastSeenTime(String lastSeenTime) { this.lastSeenTime = lastSeenTime; }
  public String getMissingSince() { return missingSince; }
  public void setMissingSince(String missingSince) { this.missingSince = missingSince; }

  @Override
  public boolean equals(Object o) {
    return o instanceof MetricStatus m && Objects.equals(lastValue, m.lastValue)
        && Objects.equals(lastSeenTime, m.lastSeenTime) && Objects.equals(missingSince, m.missingSince);
  }

  @Override
  public int hashCode() {
    return Objects.hash(lastValue, lastSeenTime, missingSince);
  }
}
