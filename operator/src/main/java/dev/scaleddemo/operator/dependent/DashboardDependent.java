package dev.scaleddemo.operator.dependent;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.cache.PrunedItemStore;
import dev.scaleddemo.operator.manifest.DashboardManifest;
import dev.scaleddemo.operator.manifest.Labels;
import dev.scaleddemo.operator.manifest.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR, itemStore = PrunedItemStore.class,
    informerListLimit = PrunedItemStore.LIST_PAGE))
public class DashboardDependent extends OwnedDependent<ConfigMap> {

  public DashboardDependent() {
    super(ConfigMap.class, Names::dashboard);
  }

  @Override
  protected ConfigMap desired(ScaledDemoApp app, Context<ScaledDemoApp> context) {
    return DashboardManifest.build(app);
  }
}
