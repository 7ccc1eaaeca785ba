package dev.scaleddemo.operator.it;

import dev.scaleddemo.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Every version of a leader-election Lease from now on (a watch, so no renewal or release is missed between two
 * polls): the lower bound of a failover, i.e. no takeover while the old holder's lease was still valid.
 */
public final class LeaseWatch implements AutoCloseable {
  /** One stored version of the Lease; {@code holder} is empty after a release. */
  public record Version(String holder, Instant acquired, Instant renewed, Duration leaseDuration) {
    /** When another candidate may take it: at once after a release, otherwise when it expires. */
    Instant expires() {
      return holder.isEmpty() ? renewed : renewed.plus(leaseDuration);
    }
  }

  /**
   * How far a new holder's acquireTime may precede the moment the old lease allowed the takeover: fabric8's
   * elector stamps the new record with a time taken before it reads the old one and checks its expiry (a GET,
   * slow on a loaded machine), so the stamp can be a little earlier than the check that let it through.
   */
  public static final Duration STAMP_SLACK = Duration.ofSeconds(1);

  /** The operator's Lease (the default name; installs do not change it). */
  public static final String LEASE = OperatorConfig.DEFAULT_LEASE_NAME;

  /** How long the watch may lag behind a GET that already shows the new holder. */
  private static final Duration TAKEOVER_SEEN = Duration.ofSeconds(10);
  private final List<Version> versions = new CopyOnWriteArrayList<>();
  private final Watch watch;

  private LeaseWatch(KubernetesClient client, String namespace, String name) {
    watch = client.resources(Lease.class).inNamespace(namespace).withName(name).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Lease lease) {
        if (action == Action.ADDED || action == Action.MODIFIED) {
          var spec = lease.getSpec();
          versions.add(new Version(spec.getHolderIdentity() == null ? "" : spec.getHolderIdentity(),
              spec.getAcquireTime() == null ? null : spec.getAcquireTime().toInstant(),
              spec.getRenewTime() == null ? null : spec.getRenewTime().toInstant(),
              Duration.ofSeconds(spec.getLeaseDurationSeconds() == null ? 0 : spec.getLeaseDurationSeconds())));
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        versions.add(new Version("<watch closed: " + cause + ">", null, null, Duration.ZERO));
      }
    });
  }

  /** Who holds the operator's Lease in {@code namespace} now; null when there is none. */
  public static String holder(KubernetesClient client, String namespace) {
    Lease lease = client.resources(Lease.class).inNamespace(namespace).withName(LEASE).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  public static LeaseWatch start(KubernetesClient client, String namespace, String name) {
    return new LeaseWatch(client, namespace, name);
  }

  public List<Version> versions() {
    return List.copyOf(versions);
  }

  /**
   * The version in which {@code newHolder} took the Lease over and the one before it; fails when it took it before
   * that one allowed (an unexpired lease of another holder), or when the watch saw no takeover.
   */
  public List<Version> assertTakeoverNotBeforeExpiry(String newHolder) {
    try { // callers saw the new holder with a GET: the watch may deliver that version a moment later
      Wait.await("the Lease watch sees " + newHolder, TAKEOVER_SEEN)
          .until(() -> versions.stream().anyMatch(v -> newHolder.equals(v.holder())));
    } catch (ConditionTimeoutException e) {
      // reported below, with every version the watch saw
    }
    List<Version> seen = versions();
    for (int i = 1; i < seen.size(); i++) {
      Version before = seen.get(i - 1);
      Version took = seen.get(i);
      if (took.holder().equals(newHolder) && !before.holder().equals(newHolder)) {
        if (took.acquired() == null || before.renewed() == null || took.acquired().plus(STAMP_SLACK).isBefore(before.expires())) {
          throw new AssertionError(newHolder + " took the Lease at " + took.acquired() + ", before " + before
              + " allowed it (" + before.expires() + "); versions " + seen);
        }
        return List.of(before, took);
      }
    }
    throw new AssertionError("no takeover by " + newHolder + " in the Lease versions " + seen);
  }

  @Override
  public void close() {
    watch.close();
  }
}
