package dev.scaleddemo.operator.dependent;

import dev.scaleddemo.operator.status.DeploymentView;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Which updates of an app's Deployment trigger a reconcile: a change of its spec (a new generation), of its metadata
 * (labels, annotations other than the Deployment controller's, owners, finalizers: what a hand edit would change
 * without a new generation), or of what the status calculator reads of its status ({@link DeploymentView}). The
 * Deployment controller's other updates (its revision annotation, its Progressing reason at each step of a rollout,
 * observedGeneration) each cost a whole reconcile of the app, with every child compared to its desired state, for
 * nothing: of its four updates while a new app's first pod starts, only one triggers a reconcile.
 */
public class DeploymentChanged implements OnUpdateFilter<Deployment> {
  /** The Deployment controller's annotations: the revision it writes on its first sync and at each rollout. */
  static final String DEPLOYMENT_CONTROLLER_PREFIX = "deployment.kubernetes.io/";

  @Override
  public boolean accept(Deployment updated, Deployment old) {
    var now = updated.getMetadata();
    var was = old.getMetadata();
    return !Objects.equals(now.getGeneration(), was.getGeneration())
        || !Objects.equals(now.getLabels(), was.getLabels())
        || !Objects.equals(notTheControllers(now.getAnnotations()), notTheControllers(was.getAnnotations()))
        || !Objects.equals(now.getOwnerReferences(), was.getOwnerReferences())
        || !Objects.equals(now.getFinalizers(), was.getFinalizers())
        || !Objects.equals(now.getDeletionTimestamp(), was.getDeletionTimestamp())
        || !Objects.equals(DeploymentView.of(updated), DeploymentView.of(old));
  }

  private static Map<String, String> notTheControllers(Map<String, String> annotations) {
    if (annotations == null) return Map.of();
    return annotations.entrySet().stream().filter(e -> !e.getKey().startsWith(DEPLOYMENT_CONTROLLER_PREFIX))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
