package dev.scaleddemo.operator.dependent;

import dev.scaleddemo.operator.status.DeploymentView;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Objects;

/**
 * Which updates of an app's Deployment trigger a reconcile: a change of its spec (a new generation), of its metadata
 * (labels, annotations, owners, finalizers: what a hand edit of ours would change without a new generation), or of
 * what the status calculator reads of its status ({@link DeploymentView}). The Deployment controller's other status
 * updates (its Progressing reason at each step of a rollout, observedGeneration, lastUpdateTime) each cost a whole
 * reconcile of the app, with every child compared to its desired state, for nothing.
 */
public class DeploymentChanged implements OnUpdateFilter<Deployment> {
  @Override
  public boolean accept(Deployment updated, Deployment old) {
    var now = updated.getMetadata();
    var was = old.getMetadata();
    return !Objects.equals(now.getGeneration(), was.getGeneration())
        || !Objects.equals(now.getLabels(), was.getLabels())
        || !Objects.equals(now.getAnnotations(), was.getAnnotations())
        || !Objects.equals(now.getOwnerReferences(), was.getOwnerReferences())
        || !Objects.equals(now.getFinalizers(), was.getFinalizers())
        || !Objects.equals(now.getDeletionTimestamp(), was.getDeletionTimestamp())
        || !Objects.equals(DeploymentView.of(updated), DeploymentView.of(old));
  }
}
