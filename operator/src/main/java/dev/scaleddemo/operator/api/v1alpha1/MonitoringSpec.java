package dev.scaleddemo.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MonitoringSpec {

  @JsonPropertyDescription("Prometheus scrape interval of the ServiceMonitor (e.g. 15s).")
  @Default("15s")
  @Size(min = 2, max = 32)
  @Pattern(Formats.DURATION)
  @ValidationRule(value = "duration(self) >= duration('1s') && duration(self) <= duration('1h')",
      message = "spec.monitoring.interval must be a duration from 1s to 1h in Prometheus' units h, m, s, ms"
          + " (in that order, each at most once), such as 15s or 1m30s",
      reason = "FieldValueInvalid")
  private String interval = "15s";

  @JsonPropertyDescription("Extra labels on the ServiceMonitor, so that a Prometheus selects it (e.g. release: prometheus).")
  @Size(max = 64)
  @ValidationRule(value = "self.all(k, k.size() <= 317 && k.matches('" + Formats.LABEL_KEY + "'))",
      message = "spec.monitoring.serviceMonitorLabels keys must be Kubernetes label keys: an optional DNS-subdomain"
          + " prefix and '/', then at most 63 characters of letters, digits, '-', '_' and '.'",
      reason = "FieldValueInvalid")
  @ValidationRule(value = "self.all(k, self[k].size() <= 63 && self[k].matches('" + Formats.LABEL_VALUE + "'))",
      message = "spec.monitoring.serviceMonitorLabels values must be Kubernetes label values: at most 63 characters"
          + " of letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
      reason = "FieldValueInvalid")
  private Map<String, String> serviceMonitorLabels;

  @JsonPropertyDescription("Whether to create a Grafana dashboard ConfigMap (label grafana_dashboard: \"1\").")
  @Default("true")
  private Boolean dashboard = true;

  public String getInterval() { return interval; }
  public void setInterval(String interval) { this.interval = interval; }
  public Map<String, String> getServiceMonitorLabels() { return serviceMonitorLabels; }
  public void setServiceMonitorLabels(Map<String, String> labels) { this.serviceMonitorLabels = labels; }
  public Boolean getDashboard() { return dashboard; }
  public void setDashboard(Boolean dashboard) { this.dashboard = dashboard; }
}
