package dev.scaleddemo.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.scaling) || !has(self.monitoring) || !has(self.scaling.rateWindow) || !has(self.monitoring.interval)"
        + " || duration(self.scaling.rateWindow).getMilliseconds() >= 4 * duration(self.monitoring.interval).getMilliseconds()",
    message = "spec.scaling.rateWindow must be at least four times spec.monitoring.interval (rate() needs several samples)",
    fieldPath = ".scaling.rateWindow",
    reason = "FieldValueInvalid")
public class ScaledDemoAppSpec {
  // CEL: a container resource name (quantities are int-or-string, hence string() before isQuantity)
  private static final String RESOURCE_NAME = "(k in ['cpu', 'memory', 'ephemeral-storage'] || k.startsWith('hugepages-')"
      + " || k.matches('^[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[-A-Za-z0-9_.]{1,63}$'))";

  @JsonPropertyDescription("Container image of the demo app. Empty means the image the operator is configured with.")
  @Size(max = 512)
  @Pattern(Formats.IMAGE)
  private String image;

  @JsonPropertyDescription("Container port the demo app listens on; the container port is named 'http'.")
  @Default("8000")
  @Min(1)
  @Max(65535)
  private Integer port = 8000;

  @JsonPropertyDescription("Port of the Service in front of the demo app; the Service port is named 'web'.")
  @Default("8080")
  @Min(1)
  @Max(65535)
  private Integer servicePort = 8080;

  @JsonPropertyDescription("Compute resources of the demo app container. Unset means defaults sized for the demo app"
      + " (requests cpu 50m, memory 96Mi; limit memory 192Mi).")
  @ValidationRule(value = "!has(self.claims) || size(self.claims) == 0",
      message = "spec.resources.claims is not supported: the demo app's Pod declares no resource claims",
      reason = "FieldValueForbidden")
  @ValidationRule(value = "!has(self.requests) || (self.requests.size() <= 16 && self.requests.all(k, "
      + RESOURCE_NAME + " && isQuantity(string(self.requests[k])) && !quantity(string(self.requests[k])).isLessThan(quantity('0'))))",
      message = "spec.resources.requests must map at most 16 resource names (cpu, memory, ephemeral-storage,"
          + " hugepages-<size> or a domain-prefixed name) to non-negative quantities such as 100m or 128Mi",
      reason = "FieldValueInvalid")
  @ValidationRule(value = "!has(self.limits) || (self.limits.size() <= 16 && self.limits.all(k, "
      + RESOURCE_NAME + " && isQuantity(string(self.limits[k])) && !quantity(string(self.limits[k])).isLessThan(quantity('0'))))",
      message = "spec.resources.limits must map at most 16 resource names (cpu, memory, ephemeral-storage,"
          + " hugepages-<size> or a domain-prefixed name) to non-negative quantities such as 100m or 128Mi",
      reason = "FieldValueInvalid")
  @ValidationRule(value = "!has(self.requests) || !has(self.limits) || self.requests.all(k, !(k in self.limits)"
      + " || !isQuantity(string(self.requests[k])) || !isQuantity(string(self.limits[k]))"
      + " || quantity(string(self.requests[k])).compareTo(quantity(string(self.limits[k]))) <= 0)",
      message = "spec.resources.requests must not exceed spec.resources.limits for the same resource",
      reason = "FieldValueInvalid")
  private ResourceRequirements resources;

  @JsonPropertyDescription("How the HorizontalPodAutoscaler scales the demo app.")
  @Default("{}")
  private ScalingSpec scaling = new ScalingSpec();

  @JsonPropertyDescription("The Prometheus counter the app is scaled on.")
  @Default("{}")
  private MetricSpec metric = new MetricSpec();

  @JsonPropertyDescription("How Prometheus scrapes the app and whether a Grafana dashboard is made.")
  @Default("{}")
  private MonitoringSpec monitoring = new MonitoringSpec();

  @JsonPropertyDescription("Optional Ingress in front of the Service. Absent means no Ingress.")
  private IngressSpec ingress;

  public String getImage() { return image; }
  public void setImage(String image) { this.image = image; }
  public Integer getPort() { return port; }
  public void setPort(Integer port) { this.port = port; }
  public Integer getServicePort() { return servicePort; }
  public void setServicePort(Integer servicePort) { this.servicePort = servicePort; }
  public ResourceRequirements getResources() { return resources; }
  public void setResources(ResourceRequirements resources) { this.resources = resources; }
  public ScalingSpec getScaling() { return scaling; }
  public void setScaling(ScalingSpec scaling) { this.scaling = scaling; }
  public MetricSpec getMetric() { return metric; }
  public void setMetric(MetricSpec metric) { this.metric = metric; }
  public MonitoringSpec getMonitoring() { return monitoring; }
  public void setMonitoring(MonitoringSpec monitoring) { this.monitoring = monitoring; }
  public IngressSpec getIngress() { return ingress; }
  public void setIngress(IngressSpec ingress) { this.ingress = ingress; }
}
