package dev.scaleddemo.operator.it;

import dev.scaleddemo.operator.api.v1alpha1.ScaledDemoApp;
import dev.scaleddemo.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a ScaledDemoApp as the API server stores it, in the style of the Keycloak operator's CRAssert. */
public final class SdaAssert extends AbstractAssert<SdaAssert, ScaledDemoApp> {

  private SdaAssert(ScaledDemoApp app) {
    super(app, SdaAssert.class);
  }

  public static SdaAssert assertThat(ScaledDemoApp app) {
    return new SdaAssert(app);
  }

  /** The condition of that type, if the app has a status with it. */
  public static Optional<Condition> condition(ScaledDemoApp app, String type) {
    return conditions(app).stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Whether the app has a condition of that type with status True. */
  public static boolean isTrue(ScaledDemoApp app, String type) {
    return condition(app, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  private static List<Condition> conditions(ScaledDemoApp app) {
    return app == null || app.getStatus() == null || app.getStatus().getConditions() == null ? List.of()
        : app.getStatus().getConditions();
  }

  public SdaAssert hasCondition(String type, String status) {
    isNotNull();
    Condition c = condition(actual, type).orElse(null);
    if (c == null || !status.equals(c.getStatus())) {
      failWithMessage("Expected %s=%s on %s but the conditions are %s", type, status, name(), conditions(actual));
    }
    return this;
  }

  public SdaAssert hasCondition(String type, String status, String reason) {
    hasCondition(type, status);
    Condition c = condition(actual, type).orElseThrow();
    if (!reason.equals(c.getReason())) {
      failWithMessage("Expected %s reason %s on %s but it is %s (%s)", type, reason, name(), c.getReason(),
          c.getMessage());
    }
    return this;
  }

  /** Ready=True, listed first (what `kubectl get` and GitOps tools look at). */
  public SdaAssert isReady() {
    hasCondition(Conditions.READY, Conditions.TRUE);
    if (!Conditions.READY.equals(conditions(actual).get(0).getType())) {
      failWithMessage("Expected Ready first on %s but the conditions are %s", name(), conditions(actual));
    }
    return this;
  }

  /** The status describes the current spec. */
  public SdaAssert hasObservedCurrentGeneration() {
    isNotNull();
    Long observed = actual.getStatus() == null ? null : actual.getStatus().getObservedGeneration();
    if (!Objects.equals(observed, actual.getMetadata().getGeneration())) {
      failWithMessage("Expected %s's status to observe generation %s but it observed %s", name(),
          actual.getMetadata().getGeneration(), observed);
    }
    return this;
  }

  private String name() {
    return actual.getMetadata().getNamespace() + "/" + actual.getMetadata().getName();
  }
}
