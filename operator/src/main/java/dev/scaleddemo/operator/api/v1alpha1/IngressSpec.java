package dev.scaleddemo.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class IngressSpec {

  @JsonPropertyDescription("Host name the Ingress answers for (a DNS name, optionally with a leading '*.').")
  @Required
  @Size(min = 1, max = 253)
  @Pattern("^(\\*\\.)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$")
  @ValidationRule(value = "!self.matches('^[0-9]+([.][0-9]+){3}$')",
      message = "spec.ingress.host must be a DNS name, not an IP address", reason = "FieldValueInvalid")
  private String host;

  @JsonPropertyDescription("IngressClass to use. Unset means the cluster's default IngressClass.")
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  private String className;

  @JsonPropertyDescription("HTTP path prefix routed to the app.")
  @Default("/")
  @Size(max = 1024)
  @Pattern("^/[^\\s]*$")
  // what the API server refuses in an Ingress path of type Prefix (no normalisation is done for the user)
  @ValidationRule(value = "!self.contains('//') && !self.contains('/./') && !self.contains('/../')"
      + " && !self.endsWith('/.') && !self.endsWith('/..') && !self.lowerAscii().contains('%2f')",
      message = "spec.ingress.path must be a normalised path: no '//', '/./', '/../', '%2F' and no trailing"
          + " '/.' or '/..'", reason = "FieldValueInvalid")
  private String path = "/";

  public String getHost() { return host; }
  public void setHost(String host) { this.host = host; }
  public String getClassName() { return className; }
  public void setClassName(String className) { this.className = className; }
  public String getPath() { return path; }
  public void setPath(String path) { this.path = path; }
}
