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
import io.javaoperatorsdk.operator.processing.event.ResourceID;

@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR, itemStore = PrunedItemStore.class))
public class ServiceDependent extends OwnedDependent<Service> {

  public ServiceDependent() {
    super(Service.class);
  }

  @Override
  protected Service desired(ScaledDemoApp app, Context<ScaledDemoApp> context) {
    return ServiceManifest.build(app);
  }

  /** Found by name: JOSDK would otherwise build the whole desired object once more to learn it. */
  @Override
  protected ResourceID targetSecondaryResourceID(ScaledDemoApp app, Context<ScaledDemoApp> context) {
    return new ResourceID(Names.service(app), app.getMetadata().getNamespace());
  }
}
