package dev.scaleddemo.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.it.ClusterProvider.Capability;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two replicas of the packaged operator with leader election (as deploy/install.yaml runs them): only the leader
 * reconciles; killed without a goodbye (SIGKILL, the lease is not released), the other replica takes over once the
 * lease expired (not before, and within a few seconds after) and reconciles a change made in between. Stopped
 * with SIGTERM (a rolling update, a drained node), the leader releases the lease after its controllers stopped, so
 * the other replica takes over at once instead of a lease duration later.
 */
@NeedsCluster(Capability.FAKE_NODES)
class LeaderElectionIT {
  static final String NS = "sdo-leader-" + UUID.randomUUID().toString().substring(0, 8);

  @RegisterExtension
  static final OperatorUnderTest sdo = OperatorUnderTest.replicasPerTest().namespaces(NS);

  @Test
  void theStandbyTakesOverWithinTheLeaseDurationWhenTheLeaderIsKilled() throws Exception {
    Replicas replicas = leaderAndStandby("replica-1", "replica-2", "led");
    OperatorProcess first = replicas.leader();
    OperatorProcess second = replicas.standby();
    assertThat(reconciles(first)).as("the leader reconciles").isPositive();
    assertThat(reconciles(second)).as("the standby does not").isZero();
    assertThat(holder()).isEqualTo("replica-1");

    LeaseWatch leaseWatch = LeaseWatch.start(sdo.client(), OperatorProcess.NAMESPACE, LeaseWatch.LEASE);
    first.kill();
    Instant killedAt = Instant.now();
    Lease before = lease(); // the leader's last renewal: it cannot renew any more
    // a change while nobody leads
    sdo.cluster().kubectl("-n", NS, "patch", "sda", "led", "--type=merge", "-p",
        "{\"spec\":{\"scaling\":{\"maxReplicas\":6}}}");

    Wait.await("replica-2 takes the lease").atMost(Duration.ofSeconds(60))
        .until(() -> "replica-2".equals(holder()));
    Lease after = lease();
    Instant lastRenewByLeader = before.getSpec().getRenewTime().toInstant();
    Instant acquired = after.getSpec().getAcquireTime().toInstant();
    Duration leaseDuration = Duration.ofSeconds(before.getSpec().getLeaseDurationSeconds());
    Duration takeover = Duration.between(killedAt, acquired);
    // the lease expires leaseDuration after the leader's last renewal; the standby retries every couple of seconds
    assertThat(Duration.between(lastRenewByLeader, acquired))
        .as("takeover after the leader's last renewal (lease duration %s)", leaseDuration)
        .isLessThanOrEqualTo(leaseDuration.plusSeconds(5));
    // and not before the lease expired: killed, the leader released nothing
    List<LeaseWatch.Version> takeoverVersions = leaseWatch.assertTakeoverNotBeforeExpiry("replica-2");
    leaseWatch.close();
    assertThat(takeoverVersions.get(0).holder()).as("the lease was not released").isEqualTo("replica-1");
    assertThat(Duration.between(lastRenewByLeader, acquired).plus(LeaseWatch.STAMP_SLACK))
        .as("no takeover before the lease expired").isGreaterThanOrEqualTo(leaseDuration);

    Wait.await("the new leader reconciles the change made in between").until(() -> sdo.client().autoscaling().v2()
        .horizontalPodAutoscalers().inNamespace(NS).withName("led").get().getSpec().getMaxReplicas() == 6);
    sdo.apps().awaitConverged("led");
    assertThat(sdo.apps().observedGeneration("led")).isEqualTo(2);
    assertThat(reconciles(second)).isPositive();
    System.out.printf("leader killed: replica-2 took over %d ms after the kill, %d ms after the last renewal"
        + " (lease duration %s)%n", takeover.toMillis(), Duration.between(lastRenewByLeader, acquired).toMillis(),
        leaseDuration);
  }

  @Test
  void aLeaderStoppedWithSigtermReleasesTheLeaseAfterItsControllersStopped() throws Exception {
    Replicas replicas = leaderAndStandby("replica-3", "replica-4", "handover");
    OperatorProcess first = replicas.leader();
    OperatorProcess second = replicas.standby();

    LeaseWatch leaseWatch = LeaseWatch.start(sdo.client(), OperatorProcess.NAMESPACE, LeaseWatch.LEASE);
    Lease before = lease();
    assertThat(first.terminate(Duration.ofSeconds(30))).as("the leader exits on SIGTERM").isTrue();
    Wait.await("replica-4 takes the lease").atMost(Duration.ofSeconds(60))
        .until(() -> "replica-4".equals(holder()));
    List<LeaseWatch.Version> takeover = leaseWatch.assertTakeoverNotBeforeExpiry("replica-4");
    leaseWatch.close();
    LeaseWatch.Version released = takeover.get(0);
    Instant acquired = takeover.get(1).acquired();
    Duration leaseDuration = Duration.ofSeconds(before.getSpec().getLeaseDurationSeconds());
    assertThat(released.holder()).as("the stopping leader released the lease; versions %s", leaseWatch.versions())
        .isEmpty();
    assertThat(Duration.between(before.getSpec().getRenewTime().toInstant(), acquired))
        .as("takeover well before the unreleased lease would have expired (%s)", leaseDuration)
        .isLessThan(leaseDuration);
    assertThat(first.log()).as("the release comes after the controllers stopped")
        .containsSubsequence("is shutting down", "Stopped leading", "Released the leader-election lease");

    sdo.cluster().kubectl("-n", NS, "patch", "sda", "handover", "--type=merge", "-p",
        "{\"spec\":{\"scaling\":{\"maxReplicas\":7}}}");
    Wait.await("the new leader reconciles").until(() -> sdo.client().autoscaling().v2()
        .horizontalPodAutoscalers().inNamespace(NS).withName("handover").get().getSpec().getMaxReplicas() == 7);
    assertThat(reconciles(second)).isPositive();
    System.out.printf("leader stopped: replica-4 took over %d ms after the release%n",
        Duration.between(released.renewed(), acquired).toMillis());
  }

  record Replicas(OperatorProcess leader, OperatorProcess standby) {}

  /** Starts {@code leader}, waits until it holds the lease, starts {@code standby}, and converges {@code app}. */
  static Replicas leaderAndStandby(String leader, String standby, String app) {
    OperatorProcess first = sdo.start(leader);
    Wait.await(leader + " holds the lease").until(() -> leader.equals(holder()));
    OperatorProcess second = sdo.start(standby);
    sdo.apps().create(app, "spec:\n  metric:\n    counter: " + app + "_clicks_total\n");
    sdo.apps().awaitConverged(app);
    return new Replicas(first, second);
  }

  static String holder() {
    return LeaseWatch.holder(sdo.client(), OperatorProcess.NAMESPACE);
  }

  static Lease lease() {
    return sdo.client().resources(Lease.class).inNamespace(OperatorProcess.NAMESPACE).withName(LeaseWatch.LEASE).get();
  }

  static long reconciles(OperatorProcess op) {
    return op.reconciles(NS + "/");
  }
}
