package dev.scaleddemo.operator.it;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Where the integration tests get their Kubernetes cluster: the local control plane of {@code hack/cluster.sh}
 * (built from source, no Docker) or k3s in a container (Testcontainers, where Docker runs). Both give a real API
 * server, controller-manager and scheduler; they differ in what else the tests may lean on ({@link Capability}).
 * Chosen by {@value #PROPERTY} ({@code local}, {@code k3s} or {@code auto}: k3s when Docker answers, else local).
 */
public interface ClusterProvider {
  String PROPERTY = "sdo.it.cluster";
  String ENV = "SDO_IT_CLUSTER";

  /** What a test class may need beyond a conformant cluster. */
  enum Capability {
    /** kwok's fake nodes: pods of any image are scheduled and reported Running and Ready without running. */
    FAKE_NODES("kwok's fake nodes (pods of any image become Ready without running)"),
    /** The API server's audit log of write requests, as a file the tests read. */
    AUDIT_LOG("the API server's audit log file"),
    /** Pods run as processes on this machine (hack/e2e's PodRunner) next to a real Prometheus and adapter. */
    HOST_PROCESS_PODS("pods run as host processes with Prometheus and prometheus-adapter (hack/e2e)");

    private final String description;

    Capability(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  enum Kind {
    LOCAL(EnumSet.allOf(Capability.class)),
    K3S(EnumSet.noneOf(Capability.class));

    private final Set<Capability> capabilities;

    Kind(Set<Capability> capabilities) {
      this.capabilities = capabilities;
    }

    public Set<Capability> capabilities() {
      return capabilities;
    }
  }

  /** A started cluster: its admin kubeconfig and a directory of its own for logs and state. */
  record Started(Path kubeconfig, Path stateDir) {}

  Kind kind();

  /** Starts a cluster (replacing one left over by an aborted run) and waits until its API server is ready. */
  Started start(Path root);

  /** Stops what {@link #start} started; idempotent. */
  void stop();

  /**
   * The provider to use: {@code requested} is the value of {@value #PROPERTY} (or {@value #ENV}), null or blank
   * meaning {@code auto}; {@code dockerAvailable} is asked only for {@code auto}.
   */
  static Kind choose(String requested, java.util.function.BooleanSupplier dockerAvailable) {
    String value = requested == null || requested.isBlank() ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "local" -> Kind.LOCAL;
      case "k3s" -> Kind.K3S;
      case "auto" -> dockerAvailable.getAsBoolean() ? Kind.K3S : Kind.LOCAL;
      default -> throw new IllegalArgumentException(PROPERTY + "=" + requested + ": expected local, k3s or auto");
    };
  }

  /** The value of {@value #PROPERTY}, else of {@value #ENV}. */
  static String requested() {
    String p = System.getProperty(PROPERTY);
    return p != null ? p : System.getenv(ENV);
  }
}
