package dev.scaleddemo.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The CRD generator sorts printer columns by jsonPath; kubectl shows them in CRD order. This build-time post
 * processor restores the order in which they are declared on {@link ScaledDemoApp}.
 */
public class PrinterColumnOrder implements CRDPostProcessor {

  @Override
  public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
    if (crd instanceof CustomResourceDefinition v1) {
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
}
