package dev.scaleddemo.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricSpec {
  public static final String DEFAULT_COUNTER = "demo_app_button_clicks_total";

  @JsonPropertyDescription("Prometheus counter the app exposes; it must end in _total. The custom metric served to the"
      + " autoscaler is the same name with _total replaced by _per_second.")
  @Default(DEFAULT_COUNTER)
  @Size(max = 200)
  @Pattern("^[a-zA-Z_:][a-zA-Z0-9_:]*_total$")
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
