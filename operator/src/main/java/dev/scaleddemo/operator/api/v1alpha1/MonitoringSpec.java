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
  @Size(max = 32)
  @Pattern("^([0-9]+(ms|s|m|h))+$")
  private String interval = "15s";

  @JsonPropertyDescription("Extra labels on the ServiceMonitor, so that a Prometheus selects it (e.g. release: prometheus).")
  @ValidationRule(value = "self.all(k, k.size() <= 253 && self[k].size() <= 63)",
      message = "spec.monitoring.serviceMonitorLabels keys must be at most 253 and values at most 63 characters")
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
