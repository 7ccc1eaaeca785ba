package dev.scaleddemo.operator.dependent;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.cache.PrunedItemStore;
import dev.scaleddemo.operator.manifest.Labels;
import dev.scaleddemo.operator.manifest.Names;
import dev.scaleddemo.operator.manifest.ServiceManifest;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR, itemStore = PrunedItemStore.class,
    informerListLimit = PrunedItemStore.LIST_PAGE))
public class ServiceDependent extends OwnedDependent<Service> {

  public ServiceDependent() {
    super(Service.class, Names::service);
  }

  @Override
  protected Service desired(ScaledDemoApp app, Context<ScaledDemoApp> context) {
    return ServiceManifest.build(app);
  }
}
