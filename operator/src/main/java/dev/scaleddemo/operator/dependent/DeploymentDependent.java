package dev.scaleddemo.operator.dependent;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.cache.PrunedItemStore;
import dev.scaleddemo.operator.config.OperatorConfig;
import dev.scaleddemo.operator.manifest.DeploymentManifest;
import dev.scaleddemo.operator.manifest.Labels;
import dev.scaleddemo.operator.manifest.Names;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import jakarta.inject.Inject;

@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR, itemStore = PrunedItemStore.class,
    informerListLimit = PrunedItemStore.LIST_PAGE, onUpdateFilter = DeploymentChanged.class))
public class DeploymentDependent extends OwnedDependent<Deployment> {
  @Inject
  OperatorConfig config;

  // QOSDK's build step reads the resource type from a no-argument constructor (it generates the RBAC from it)
  public DeploymentDependent() {
    super(Deployment.class, Names::deployment);
  }

  @Override
  protected Deployment desired(ScaledDemoApp app, Context<ScaledDemoApp> context) {
    return DeploymentManifest.build(app, config.settings());
  }
}
