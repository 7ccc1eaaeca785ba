package dev.scaleddemo.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The test cluster itself: started here by default, and a reused cluster is refused when it has our objects. */
class LocalClusterIT {
  @Test
  void startsItsOwnControlPlaneUnlessReuseIsOptedIn() {
    LocalCluster cluster = LocalCluster.get();
    assertThat(LocalCluster.reuseRequested()).as("this run opted in to reuse").isFalse();
    assertThat(cluster.startedHere()).isTrue();
    assertThat(cluster.kubeconfig()).startsWith(cluster.root().resolve(
        LocalCluster.selectedKind() == ClusterProvider.Kind.K3S ? "operator/target/sdo-k3s" : "operator/target/sdo-cluster"));
  }

  /** Control: the check that guards a reused cluster fails on one that has what the tests install (this one). */
  @Test
  void aClusterWithTheTestsObjectsIsRefused() {
    LocalCluster cluster = LocalCluster.get();
    cluster.kubectlStdin(LocalCluster.namespaceYaml(OperatorProcess.NAMESPACE), "apply", "-f", "-");
    assertThatThrownBy(cluster::refuseToOverwrite).hasMessageContaining("crd/" + LocalCluster.CRD_NAME)
        .hasMessageContaining("crd/" + LocalCluster.SERVICE_MONITOR_CRD)
        .hasMessageContaining("namespace/" + LocalCluster.ADAPTER_NAMESPACE)
        .hasMessageContaining("namespace/" + OperatorProcess.NAMESPACE)
        .hasMessageContaining(LocalCluster.REUSE_PROPERTY);
    cluster.kubectl("delete", "namespace", OperatorProcess.NAMESPACE, LocalCluster.ADAPTER_NAMESPACE, "--wait=true");
    cluster.kubectl("delete", "crd", LocalCluster.CRD_NAME, LocalCluster.SERVICE_MONITOR_CRD, "--wait=true");
    cluster.refuseToOverwrite();
  }
}
