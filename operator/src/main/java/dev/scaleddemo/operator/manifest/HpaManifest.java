package dev.scaleddemo.operator.manifest;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.scaling.ScalingPlan;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;

/** autoscaling/v2 HPA on the per-second Pods metric that the app's adapter rule serves (one name per window). */
public final class HpaManifest {
  private HpaManifest() {}

  public static HorizontalPodAutoscaler build(ScaledDemoApp app) {
    return build(app, ScalingPlan.auto(app));
  }

  /** The HPA with the plan's bounds (the spec's, or pinned while paused, or raised while in fallback). */
  public static HorizontalPodAutoscaler build(ScaledDemoApp app, ScalingPlan plan) {
    var scaling = app.getSpec().getScaling();
    return new HorizontalPodAutoscalerBuilder()
        .withMetadata(Meta.build(app, Names.hpa(app)))
        .withNewSpec()
            .withNewScaleTargetRef()
                .withApiVersion("apps/v1").withKind("Deployment").withName(Names.deployment(app))
            .endScaleTargetRef()
            .withMinReplicas(plan.hpaMinReplicas())
            .withMaxReplicas(plan.hpaMaxReplicas())
            .addNewMetric()
                .withType("Pods")
                .withNewPods()
                    .withNewMetric().withName(AdapterRules.metricName(app.getSpec())).endMetric()
                    .withNewTarget()
                        .withType("AverageValue")
                        .withAverageValue(new Quantity(scaling.getTargetClicksPerSecondPerPod()))
                    .endTarget()
                .endPods()
            .endMetric()
            .withBehavior(scaling.getBehavior())
        .endSpec()
        .build();
  }
}
