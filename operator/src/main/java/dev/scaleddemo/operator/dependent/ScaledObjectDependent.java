package dev.scaleddemo.operator.dependent;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.config.OperatorConfig;
import dev.scaleddemo.operator.keda.ScaledObject;
import dev.scaleddemo.operator.manifest.Labels;
import dev.scaleddemo.operator.manifest.Names;
import dev.scaleddemo.operator.manifest.ScaledObjectManifest;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import jakarta.inject.Inject;

/** The KEDA ScaledObject of an app on the Keda backend (KEDA makes the HPA from it). */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class ScaledObjectDependent extends OwnedDependent<ScaledObject> {
  @Inject
  OperatorConfig config;

  public ScaledObjectDependent() {
    super(ScaledObject.class, Names::scaledObject);
  }

  @Override
  protected ScaledObject desired(ScaledDemoApp app, Context<ScaledDemoApp> context) {
    return ScaledObjectManifest.build(app, config.settings().keda());
  }
}
