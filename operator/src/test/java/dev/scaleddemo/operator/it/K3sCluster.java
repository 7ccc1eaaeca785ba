package dev.scaleddemo.operator.it;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * Whether a Docker engine answers: {@code DOCKER_HOST} is set, or a Docker socket in one of the usual places
   * answers {@code GET /_ping}. Asked without Testcontainers, whose service loading clashes with Quarkus' test class
   * loaders when it runs before Quarkus starts.
   */
  static boolean dockerAvailable() {
    String host = System.getenv("DOCKER_HOST");
    if (host != null && !host.isBlank()) {
      return true;
    }
    String home = System.getProperty("user.home");
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    List<Path> sockets = new ArrayList<>(List.of(Path.of("/var/run/docker.sock"),
        Path.of(home, ".docker/run/docker.sock"), Path.of(home, ".colima/default/docker.sock")));
    if (runtime != null) {
      sockets.add(Path.of(runtime, "docker.sock"));
    }
    return sockets.stream().filter(Files::exists).anyMatch(K3sCluster::answersPing);
  }

  private static boolean answersPing(Path socket) {
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer response = ByteBuffer.allocate(64);
      channel.read(response);
      String status = new String(response.array(), 0, response.position(), StandardCharsets.US_ASCII);
      return status.startsWith("HTTP/1.1 200") || status.startsWith("HTTP/1.0 200");
    } catch (IOException | RuntimeException e) {
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
