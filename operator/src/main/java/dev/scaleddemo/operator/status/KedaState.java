package dev.scaleddemo.operator.status;

import dev.scaleddemo.operator.keda.ScaledObject;

/** Where an app's Keda backend stands; {@code scaledObject} is the live one when {@link Phase#APPLIED}. */
public record KedaState(Phase phase, ScaledObject scaledObject) {
  public enum Phase {
    /** The app is on the PrometheusAdapter backend. */
    NOT_USED,
    /** KEDA's ScaledObject CRD is not installed. */
    CRD_MISSING,
    /** The ScaledObject waits until the app's PrometheusAdapter HPA is gone. */
    HANDOVER,
    /** The ScaledObject is applied. */
    APPLIED
  }

  public static final KedaState NOT_USED = new KedaState(Phase.NOT_USED, null);

  public boolean used() {
    return phase != Phase.NOT_USED;
  }
}
