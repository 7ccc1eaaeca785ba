package dev.scaleddemo.operator.api.v1alpha1;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.quarkiverse.operatorsdk.annotations.CSVMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One demo app with its whole custom-metrics autoscaling setup. */
@Group(ScaledDemoApp.GROUP)
@Version(ScaledDemoApp.VERSION)
@Plural("scaleddemoapps")
@ShortNames("sda")
@Categories("all")
// display name and description of the owned CRD in the OLM bundle's CSV
@CSVMetadata(displayName = "Scaled Demo App",
    description = "A demo app autoscaled on its click rate: Deployment, Service, Ingress, ServiceMonitor, "
        + "prometheus-adapter rule, HPA and dashboard")
// kubectl shows columns in CRD order. The CRD generator sorts them by jsonPath; CrdPostProcessing puts them
// back in the order written here (quarkus.operator-sdk.crd.post-processor).
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Mode", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.scalingMode")
@AdditionalPrinterColumn(name = "Replicas", type = AdditionalPrinterColumn.Type.INTEGER, jsonPath = ".status.replicas")
@AdditionalPrinterColumn(name = "Desired", type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = ".status.desiredReplicas")
@AdditionalPrinterColumn(name = "Clicks/s", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.currentClicksPerSecondPerPod")
@AdditionalPrinterColumn(name = "Target", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".spec.scaling.targetClicksPerSecondPerPod")
@AdditionalPrinterColumn(name = "Min", type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = ".spec.scaling.minReplicas")
@AdditionalPrinterColumn(name = "Max", type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = ".spec.scaling.maxReplicas")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
// Every child is named after the app (the Service name is the strictest: a DNS-1035 label) and the instance label
// carries the name: a name that no child can carry is refused here instead of failing later.
@ValidationRule(value = "self.metadata.name.size() <= " + Formats.DNS_LABEL_MAX
    + " && self.metadata.name.matches('" + Formats.DNS_1035_LABEL + "')",
    message = "metadata.name must be at most 63 characters of lower-case letters, digits and '-', start with a letter"
        + " and end with a letter or digit: it names the app's Service, Deployment and other children",
    reason = "FieldValueInvalid")
// JOSDK adds its finalizer with a server-side apply of just the name and the finalizer, and an apply creates what
// is missing: after a quick delete it would bring the app back spec-less. A create must carry a spec; apps stored
// without one before this rule (oldSelf present) stay writable.
@ValidationRule(value = "has(self.spec) || oldSelf.hasValue()", optionalOldSelf = true,
    message = "spec is required (spec: {} for every default)", fieldPath = ".spec", reason = "FieldValueRequired")
public class ScaledDemoApp extends CustomResource<ScaledDemoAppSpec, ScaledDemoAppStatus> implements Namespaced {
  public static final String GROUP = "scaleddemo.dev";
  public static final String VERSION = "v1alpha1";

  /**
   * Reads any stored spec: one this model cannot hold (stored under an older, looser CRD) becomes an
   * {@link UnreadableSpec} that the validator reports, instead of an exception that stops the informer.
   */
  @Override
  @JsonDeserialize(using = UnreadableSpec.Reader.class)
  public void setSpec(ScaledDemoAppSpec spec) {
    super.setSpec(spec);
  }

  /** An unreadable stored status is dropped: the operator computes a new one. */
  @Override
  @JsonDeserialize(using = UnreadableSpec.StatusReader.class)
  public void setStatus(ScaledDemoAppStatus status) {
    super.setStatus(status);
  }

  // No initSpec() default: JOSDK adds its finalizer with a server-side apply of a bare `new ScaledDemoApp()`
  // (force), so a default spec there would overwrite the user's spec with the Java defaults.
}
