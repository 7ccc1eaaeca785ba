package dev.scaleddemo.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricSpec {
  public static final String DEFAULT_COUNTER = "demo_app_button_clicks_total";

  @JsonPropertyDescription("Prometheus counter the app exposes; it must end in _total. The custom metric served to the"
      + " autoscaler is the same name with _total replaced by _per_second.")
  @Default(DEFAULT_COUNTER)
  @Size(max = 200)
  @Pattern("^[a-zA-Z_:][a-zA-Z0-9_:]*_total$")
  // The Prometheus client strips _total and refuses a base name ending in a reserved suffix; '__' is reserved
  // for Prometheus' own names.
  @ValidationRule(value = "!self.startsWith('__') && !self.endsWith('_total_total') && !self.endsWith('_created_total')"
      + " && !self.endsWith('_bucket_total') && !self.endsWith('_info_total')",
      message = "spec.metric.counter must not start with '__' (reserved by Prometheus) nor end in _total_total,"
          + " _created_total, _bucket_total or _info_total (the Prometheus client refuses those names)",
      reason = "FieldValueInvalid")
  private String counter = DEFAULT_COUNTER;

  public String getCounter() { return counter; }
  public void setCounter(String counter) { this.counter = counter; }

  /** The per-second metric name served on custom.metrics.k8s.io for a counter. */
  public static String perSecondName(String counter) {
    return counter.substring(0, counter.length() - "_total".length()) + "_per_second";
  }

  @JsonIgnore
  public String perSecondName() {
    return perSecondName(counter);
  }
}
