package dev.scaleddemo.operator.reconciler;

import dev.scaleddemo.operator.api.v1alpha1.Annotations;
import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Map;
import java.util.Objects;

/**
 * Which updates of a ScaledDemoApp trigger a reconcile: JOSDK's generation awareness plus the pause annotations,
 * which change metadata only (no new generation). JOSDK ANDs a configured filter with its own, so generation
 * awareness is off on the controller and done here; status-only updates (our own patches) still trigger nothing.
 */
public class SpecOrPauseChanged implements OnUpdateFilter<ScaledDemoApp> {
  @Override
  public boolean accept(ScaledDemoApp updated, ScaledDemoApp old) {
    var now = updated.getMetadata();
    var was = old.getMetadata();
    return now.getGeneration() == null || was.getGeneration() == null
        || now.getGeneration() > was.getGeneration()
        || now.getDeletionTimestamp() != null
        || !Objects.equals(now.getFinalizers(), was.getFinalizers())
        || !Objects.equals(pause(now.getAnnotations()), pause(was.getAnnotations()));
  }

  private static Map<String, String> pause(Map<String, String> annotations) {
    if (annotations == null) return Map.of();
    var paused = annotations.get(Annotations.PAUSED);
    var count = annotations.get(Annotations.PAUSED_REPLICAS);
    return Map.of("paused", String.valueOf(paused), "count", String.valueOf(count));
  }
}
