package dev.scaleddemo.operator.dependent;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.cache.PrunedItemStore;
import dev.scaleddemo.operator.keda.ScaledObject;
import dev.scaleddemo.operator.manifest.HpaManifest;
import dev.scaleddemo.operator.manifest.Labels;
import dev.scaleddemo.operator.manifest.Names;
import dev.scaleddemo.operator.scaling.ScalingPlan;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.util.HashSet;
import java.util.Set;

/**
 * The app's HPA on the PrometheusAdapter backend. Its informer also maps the HPA that KEDA makes for the app's
 * ScaledObject (KEDA copies the ScaledObject's labels, ours among them) to the app: the status reads it, and
 * neither backend's HPA is created while the other's still exists. Only the HPA named like ours is ever managed
 * (or deleted) here: OwnedDependent finds the secondary by that name.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR, itemStore = PrunedItemStore.class,
    informerListLimit = PrunedItemStore.LIST_PAGE))
public class HpaDependent extends OwnedDependent<HorizontalPodAutoscaler>
    implements SecondaryToPrimaryMapper<HorizontalPodAutoscaler> {
  private final SecondaryToPrimaryMapper<HorizontalPodAutoscaler> owners = Mappers.fromOwnerReferences(ScaledDemoApp.class);

  public HpaDependent() {
    super(HorizontalPodAutoscaler.class, Names::hpa);
  }

  @Override
  protected HorizontalPodAutoscaler desired(ScaledDemoApp app, Context<ScaledDemoApp> context) {
    ScalingPlan plan = context.managedWorkflowAndDependentResourceContext().get(ScalingPlan.KEY, ScalingPlan.class)
        .orElseGet(() -> ScalingPlan.auto(app));
    return HpaManifest.build(app, plan);
  }

  @Override
  public Set<ResourceID> toPrimaryResourceIDs(HorizontalPodAutoscaler hpa) {
    Set<ResourceID> ids = new HashSet<>(owners.toPrimaryResourceIDs(hpa));
    var refs = hpa.getMetadata().getOwnerReferences();
    if (refs != null) {
      refs.stream().filter(HpaDependent::isScaledObjectController)
          // our ScaledObject has the app's name
          .forEach(r -> ids.add(new ResourceID(r.getName(), hpa.getMetadata().getNamespace())));
    }
    return ids;
  }

  private static boolean isScaledObjectController(OwnerReference r) {
    return Boolean.TRUE.equals(r.getController()) && "ScaledObject".equals(r.getKind())
        && r.getApiVersion() != null && r.getApiVersion().startsWith(ScaledObject.GROUP + "/");
  }
}
