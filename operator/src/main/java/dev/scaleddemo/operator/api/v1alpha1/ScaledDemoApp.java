package dev.scaleddemo.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
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
// kubectl shows columns in CRD order. The CRD generator sorts them by jsonPath; PrinterColumnOrder puts them
// back in the order written here (quarkus.operator-sdk.crd.post-processor).
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
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
public class ScaledDemoApp extends CustomResource<ScaledDemoAppSpec, ScaledDemoAppStatus> implements Namespaced {
  public static final String GROUP = "scaleddemo.dev";
  public static final String VERSION = "v1alpha1";

  // No initSpec() default: JOSDK adds its finalizer with a server-side apply of a bare `new ScaledDemoApp()`
  // (force), so a default spec there would overwrite the user's spec with the Java defaults.
}
