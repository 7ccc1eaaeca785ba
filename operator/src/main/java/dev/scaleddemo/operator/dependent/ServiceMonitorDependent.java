package dev.scaleddemo.operator.dependent;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.cache.PrunedItemStore;
import dev.scaleddemo.operator.manifest.Labels;
import dev.scaleddemo.operator.manifest.Names;
import dev.scaleddemo.operator.manifest.ServiceMonitorManifest;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR, itemStore = PrunedItemStore.class,
    informerListLimit = PrunedItemStore.LIST_PAGE))
public class ServiceMonitorDependent extends OwnedDependent<ServiceMonitor> {

  public ServiceMonitorDependent() {
    super(ServiceMonitor.class, Names::serviceMonitor);
  }

  @Override
  protected ServiceMonitor desired(ScaledDemoApp app, Context<ScaledDemoApp> context) {
    return ServiceMonitorManifest.build(app);
  }
}
