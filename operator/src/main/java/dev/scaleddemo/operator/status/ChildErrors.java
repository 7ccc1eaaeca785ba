package dev.scaleddemo.operator.status;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.util.stream.Collectors;

/** What a failed child or reconcile tells the user: the API server's own message where there is one. */
public final class ChildErrors {
  private ChildErrors() {}

  /**
   * The API server's message of the first {@link KubernetesClientException} in the cause chain (e.g. {@code Service
   * "x" is invalid: metadata.name: Invalid value: ...}), else the exception's message.
   */
  public static String message(Throwable error) {
    if (error instanceof AggregatedOperatorException aggregated) {
      return aggregated.getAggregatedExceptions().entrySet().stream()
          .map(e -> e.getKey() + ": " + message(e.getValue())).sorted().collect(Collectors.joining("; "));
    }
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null
          && !k.getStatus().getMessage().isBlank()) {
        return k.getStatus().getMessage();
      }
    }
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }
}
