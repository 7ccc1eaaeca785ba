package dev.scaleddemo.operator.api.v1alpha1;

/** Annotations a user puts on a ScaledDemoApp (KEDA users know them as autoscaling.keda.sh/paused[-replicas]). */
public final class Annotations {
  /** "true": pause autoscaling at the replicas the app has when the pause begins; "false" or absent: scale. */
  public static final String PAUSED = ScaledDemoApp.GROUP + "/paused";
  /** A replica count from 0 to {@link #MAX_PAUSED_REPLICAS}: pause at that count. Wins over {@link #PAUSED}. */
  public static final String PAUSED_REPLICAS = ScaledDemoApp.GROUP + "/paused-replicas";
  public static final int MAX_PAUSED_REPLICAS = 1000;

  private Annotations() {}
}
