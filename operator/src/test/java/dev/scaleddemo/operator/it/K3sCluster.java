package dev.scaleddemo.operator.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * k3s in a container (Testcontainers' k3s module): a real API server, scheduler, controller-manager and kubelet in
 * seconds, without Go or a Kubernetes build. Its node runs real containers (no kwok), and its audit log is not
 * written to a file here, so it offers none of the {@link ClusterProvider.Capability capabilities}.
 */
final class K3sCluster implements ClusterProvider {
  /** Same Kubernetes minor as hack/build-k8s.sh's K8S_VERSION; override with -Dsdo.it.k3s-image. */
  static final String IMAGE = System.getProperty("sdo.it.k3s-image", "rancher/k3s:v1.36.3-k3s1");

  private K3sContainer container;

  /** Whether a Docker engine answers (Testcontainers' own check: socket, DOCKER_HOST, Testcontainers Desktop). */
  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  @Override
  public Kind kind() {
    return Kind.K3S;
  }

  @Override
  public synchronized Started start(Path root) {
    Path state = root.resolve("operator/target/sdo-k3s");
    container = new K3sContainer(DockerImageName.parse(IMAGE).asCompatibleSubstituteFor("rancher/k3s"));
    container.start();
    try {
      Files.createDirectories(state);
      Path kubeconfig = state.resolve("kubeconfig");
      Files.writeString(kubeconfig, container.getKubeConfigYaml());
      return new Started(kubeconfig, state);
    } catch (IOException e) {
      stop();
      throw new IllegalStateException("cannot write the k3s kubeconfig under " + state, e);
    }
  }

  @Override
  public synchronized void stop() {
    if (container != null) {
      container.stop();
      container = null;
    }
  }
}
