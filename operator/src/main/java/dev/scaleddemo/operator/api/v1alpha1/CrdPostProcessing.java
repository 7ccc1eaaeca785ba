package dev.scaleddemo.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Build-time fixes to the generated CRD. Printer columns: the generator sorts them by jsonPath, kubectl shows them in
 * CRD order, so this restores the order in which they are declared on {@link ScaledDemoApp}. Bounds inside maps
 * and Kubernetes types that no annotation reaches: without them the API server estimates the CEL rules over those
 * maps as unbounded and refuses the CRD (cost budget).
 */
public class CrdPostProcessing implements CRDPostProcessor {
  /** Most entries in spec.resources.requests / limits, and the longest quantity text. */
  public static final int MAX_RESOURCES = 16;
  public static final long MAX_QUANTITY_LENGTH = 64;
  public static final long MAX_LABEL_VALUE_LENGTH = 63;
  public static final long MAX_POLICIES = 10;

  @Override
  public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
    if (crd instanceof CustomResourceDefinition v1) {
      v1.getSpec().getVersions().forEach(v -> bound(v.getSchema().getOpenAPIV3Schema().getProperties().get("spec")));
      List<String> declared = Arrays.stream(ScaledDemoApp.class.getAnnotationsByType(AdditionalPrinterColumn.class))
          .map(AdditionalPrinterColumn::name).toList();
      for (var version : v1.getSpec().getVersions()) {
        if (version.getAdditionalPrinterColumns() != null) {
          version.getAdditionalPrinterColumns().sort(Comparator.comparingInt(
              (CustomResourceColumnDefinition c) -> declared.indexOf(c.getName()) < 0 ? Integer.MAX_VALUE
                  : declared.indexOf(c.getName())));
        }
      }
    }
    return crd;
  }

  private static void bound(JSONSchemaProps spec) {
    JSONSchemaProps labels = spec.getProperties().get("monitoring").getProperties().get("serviceMonitorLabels");
    labels.getAdditionalProperties().getSchema().setMaxLength(MAX_LABEL_VALUE_LENGTH);
    JSONSchemaProps resources = spec.getProperties().get("resources");
    for (String map : List.of("requests", "limits")) {
      JSONSchemaProps quantities = resources.getProperties().get(map);
      quantities.setMaxProperties((long) MAX_RESOURCES);
      quantities.getAdditionalProperties().getSchema().setMaxLength(MAX_QUANTITY_LENGTH);
    }
    resources.getProperties().get("claims").setMaxItems(0L);
    JSONSchemaProps behavior = spec.getProperties().get("scaling").getProperties().get("behavior");
    for (String direction : List.of("scaleUp", "scaleDown")) {
      behavior.getProperties().get(direction).getProperties().get("policies").setMaxItems(MAX_POLICIES);
    }
  }
}
