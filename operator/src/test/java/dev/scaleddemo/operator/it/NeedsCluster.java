package dev.scaleddemo.operator.it;

import dev.scaleddemo.operator.it.ClusterProvider.Capability;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * What a test class or method needs of its cluster beyond a conformant one. Where the selected
 * {@link ClusterProvider} lacks it (k3s has no kwok nodes, say), the test is skipped, naming what is missing and how
 * to get it; it is decided before anything starts (no cluster, no Quarkus), so a skipped class costs nothing.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(NeedsCluster.Condition.class)
public @interface NeedsCluster {
  Capability[] value();

  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      var needs = context.getElement().flatMap(e -> AnnotationSupport.findAnnotation(e, NeedsCluster.class));
      if (needs.isEmpty()) {
        return ConditionEvaluationResult.enabled("no cluster capability needed");
      }
      return evaluate(LocalCluster.selectedKind(), List.of(needs.get().value()));
    }

    static ConditionEvaluationResult evaluate(ClusterProvider.Kind kind, List<Capability> needed) {
      Set<Capability> missing = needed.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(needed);
      missing.removeAll(kind.capabilities());
      if (missing.isEmpty()) {
        return ConditionEvaluationResult.enabled("the " + kind + " cluster has " + needed);
      }
      return ConditionEvaluationResult.disabled("needs " + missing.stream().map(Capability::description).toList()
          + ", which the " + kind.name().toLowerCase() + " cluster does not have; run it with -D"
          + ClusterProvider.PROPERTY + "=local");
    }
  }
}
