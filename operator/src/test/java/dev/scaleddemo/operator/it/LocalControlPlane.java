package dev.scaleddemo.operator.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * {@code hack/cluster.sh}: etcd, kube-apiserver (with an audit log), controller-manager, scheduler and kwok's fake
 * nodes as processes of this machine, in {@code operator/target/sdo-cluster}. Offers every
 * {@link ClusterProvider.Capability capability}.
 */
final class LocalControlPlane implements ClusterProvider {
  private static final Logger LOG = Logger.getLogger(LocalControlPlane.class);
  private Path root;
  private Path state;

  @Override
  public Kind kind() {
    return Kind.LOCAL;
  }

  @Override
  public synchronized Started start(Path root) {
    this.root = root;
    this.state = root.resolve("operator/target/sdo-cluster");
    // a cluster left over by an aborted run of these tests: stop it (by its recorded PIDs) first
    clusterSh("down", Duration.ofSeconds(60));
    LOG.infof("Starting a local control plane in %s", state);
    LocalCluster.Result up = clusterSh("up", Duration.ofSeconds(240));
    if (up.code() != 0) {
      clusterSh("down", Duration.ofSeconds(60));
      throw new IllegalStateException("hack/cluster.sh up failed (exit " + up.code() + "):\n" + up.output());
    }
    return new Started(state.resolve("kubeconfig"), state);
  }

  @Override
  public synchronized void stop() {
    if (state == null) {
      return;
    }
    LocalCluster.Result down = clusterSh("down", Duration.ofSeconds(60));
    if (down.code() != 0) {
      System.err.println("hack/cluster.sh down failed:\n" + down.output());
    }
    state = null;
  }

  private LocalCluster.Result clusterSh(String command, Duration timeout) {
    return LocalCluster.run(root, Map.of("SDO_STATE", state.toString()), timeout, "bash", "hack/cluster.sh", command);
  }
}
