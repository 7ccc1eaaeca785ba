package dev.scaleddemo.operator.dependent;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.manifest.HpaManifest;
import dev.scaleddemo.operator.manifest.Labels;
import dev.scaleddemo.operator.scaling.ScalingPlan;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class HpaDependent extends CRUDKubernetesDependentResource<HorizontalPodAutoscaler, ScaledDemoApp> {

  public HpaDependent() {
    super(HorizontalPodAutoscaler.class);
  }

  @Override
  protected HorizontalPodAutoscaler desired(ScaledDemoApp app, Context<ScaledDemoApp> context) {
    ScalingPlan plan = context.managedWorkflowAndDependentResourceContext().get(ScalingPlan.KEY, ScalingPlan.class)
        .orElseGet(() -> ScalingPlan.auto(app));
    return HpaManifest.build(app, plan);
  }
}
