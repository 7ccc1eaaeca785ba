package dev.scaleddemo.operator.config;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Leader election, so that more than one replica of the operator can run: only the replica holding the Lease
 * reconciles, the others keep their informers warm and take over when the leader stops renewing. The Lease is
 * {@code scaleddemo.leader-election.lease-name} ({@link OperatorConfig#DEFAULT_LEASE_NAME}).
 *
 * <p>QOSDK looks this bean up when it builds JOSDK's configuration and uses it in the profiles listed in
 * {@code quarkus.operator-sdk.activate-leader-election-for-profiles} (default {@code prod}; tests run the
 * operator in the {@code test} profile without it). The Lease lives in {@code
 * scaleddemo.leader-election.lease-namespace} if set, else in the Kubernetes client's namespace: the operator's
 * own, which the Deployment passes as {@code KUBERNETES_NAMESPACE} (downward API; fabric8 reads that variable; not
 * referenced from application.properties, or the Kubernetes extension would generate a literal value for it).
 * The identity is JOSDK's default, the pod's {@code HOSTNAME}. The RBAC for it is the {@code scaled-demo-operator-leader-election} Role (leases:
 * get/create/update/patch in that namespace), configured in application.properties.
 *
 * <p>Losing the lease: JOSDK's default ({@code exitOnStopLeading}) calls {@code System.exit} from the callback,
 * which deadlocks when the callback runs because the JVM is already shutting down (SIGTERM -> Quarkus stops the
 * operator -> the elector stops leading -> {@code System.exit} waits for the shutdown in progress, forever; the
 * pod then only goes away when the kubelet kills it). So: no exit from JOSDK, and our callback exits, from its
 * own thread, only when leadership is lost while the JVM is not shutting down.
 *
 * <p>Stopping: JOSDK never releases the Lease (fabric8's {@code releaseOnCancel} is off in JOSDK), so a replaced
 * leader would leave the operator without a leader for a lease duration. Once QOSDK has stopped the operator (its
 * controllers and their executors), {@link #releaseOnShutdown} releases the Lease as client-go does (empty holder,
 * one-second duration), if this replica still holds it; the client stays open for that
 * ({@code quarkus.operator-sdk.close-client-on-stop=false}, Quarkus closes it afterwards).
 */
@ApplicationScoped
public class LeaderElection {
  private static final Logger LOG = Logger.getLogger(LeaderElection.class);
  /** After QOSDK's own ShutdownEvent observer, which stops the operator (AppEventListener, priority 3123). */
  static final int AFTER_OPERATOR_STOPPED = 3200;

  private volatile boolean leading;

  @Produces
  @Singleton
  LeaderElectionConfiguration leaderElectionConfiguration(OperatorConfig config) {
    var lease = config.leaderElection();
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(lease.leaseName())
        .withLeaseNamespace(lease.leaseNamespace().filter(s -> !s.isBlank()).orElse(null))
        .withIdentity(identity(config))
        .withExitOnStopLeading(false)
        .withLeaderCallbacks(new LeaderCallbacks(() -> leading = true, LeaderElection::stoppedLeading, leader -> { }))
        .build();
  }

  void releaseOnShutdown(@Observes @Priority(AFTER_OPERATOR_STOPPED) ShutdownEvent event,
      LeaderElectionConfiguration election, KubernetesClient client) {
    if (!leading) {
      return;
    }
    String namespace = election.getLeaseNamespace().orElseGet(client::getNamespace);
    String identity = election.getIdentity().orElseThrow();
    var lock = new LeaseLock(namespace, election.getLeaseName(), identity);
    var config = new LeaderElectionConfig(lock, election.getLeaseDuration(), election.getRenewDeadline(),
        election.getRetryPeriod(), new LeaderCallbacks(() -> { }, () -> { }, leader -> { }), false,
        election.getLeaseName());
    try {
      if (new LeaderElectorBuilder(client, Runnable::run).withConfig(config).build().release()) {
        LOG.infof("Released the leader-election lease %s/%s", namespace, election.getLeaseName());
      }
    } catch (RuntimeException e) {
      // another replica took it meanwhile, or the API server is gone: the lease expires on its own
      LOG.warnf("Could not release the leader-election lease %s/%s: %s", namespace, election.getLeaseName(),
          e.getMessage());
    }
  }

  /** The pod name (Kubernetes sets HOSTNAME to it), as JOSDK's default, and a random one without it. */
  static String identity(OperatorConfig config) {
    return config.leaderElection().identity().filter(s -> !s.isBlank())
        .orElseGet(() -> UUID.randomUUID().toString());
  }

  static void stoppedLeading() {
    if (shuttingDown()) {
      LOG.info("Stopped leading: shutting down");
      return;
    }
    // Another replica may be reconciling already: stop at once; the Deployment restarts us as a follower.
    LOG.error("Lost the leader election lease while running: exiting");
    new Thread(() -> System.exit(1), "leader-election-lost").start();
  }

  /** True once the JVM's shutdown hooks run (adding a hook is refused then). */
  static boolean shuttingDown() {
    Thread probe = new Thread(() -> { });
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }
}
