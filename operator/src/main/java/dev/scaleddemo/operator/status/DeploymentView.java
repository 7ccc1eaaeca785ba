package dev.scaleddemo.operator.status;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import java.util.List;

/**
 * All the status calculator reads of an app's Deployment status, and nothing more: the calculator reads it only
 * through this view, and a Deployment update that leaves the view, the spec and the metadata as they were triggers no
 * reconcile ({@code dependent/DeploymentChanged}). While no replica is ready the status says only that, and why when
 * the Deployment controller says so (a refused pod, a stopped rollout): the counts and the Available condition are
 * left out then. The Deployment controller updates a new Deployment's status three or four times while its first pod
 * starts (counts, then its Progressing reason and message at each step); only the one with the first ready replica
 * changes the view.
 *
 * @param readyReplicas status.readyReplicas (0 when unset)
 * @param replicas status.replicas: pods of every revision (0 when unset, or no replica is ready)
 * @param updatedReplicas status.updatedReplicas: pods of the current template (0 when unset, or no replica is ready)
 * @param available the Available condition: status and reason, and its message while it is not True (null when
 *     no replica is ready)
 * @param replicaFailure the ReplicaFailure condition while it is True (a pod the API server refused), else null
 * @param progressStopped the Progressing condition while it is False (the progress deadline exceeded), else null
 */
public record DeploymentView(int readyReplicas, int replicas, int updatedReplicas, Fact available,
    Fact replicaFailure, Fact progressStopped) {

  /** A condition's status, reason and message, as far as the view keeps them. */
  public record Fact(String status, String reason, String message) {}

  /** The view of a Deployment; null when there is none. */
  public static DeploymentView of(Deployment d) {
    if (d == null) return null;
    var st = d.getStatus();
    List<DeploymentCondition> conditions = st == null || st.getConditions() == null ? List.of() : st.getConditions();
    DeploymentCondition available = find(conditions, "Available");
    DeploymentCondition failure = find(conditions, "ReplicaFailure");
    DeploymentCondition progressing = find(conditions, "Progressing");
    Fact refused = failure != null && Conditions.TRUE.equals(failure.getStatus()) ? fact(failure) : null;
    Fact stopped = progressing != null && Conditions.FALSE.equals(progressing.getStatus()) ? fact(progressing) : null;
    int ready = orZero(st == null ? null : st.getReadyReplicas());
    if (ready == 0) {
      return new DeploymentView(0, 0, 0, null, refused, stopped);
    }
    return new DeploymentView(ready, orZero(st.getReplicas()), orZero(st.getUpdatedReplicas()),
        available == null ? null : new Fact(available.getStatus(), available.getReason(),
            Conditions.TRUE.equals(available.getStatus()) ? null : available.getMessage()),
        refused, stopped);
  }

  public boolean availableTrue() {
    return available != null && Conditions.TRUE.equals(available.status());
  }

  private static Fact fact(DeploymentCondition c) {
    return new Fact(c.getStatus(), c.getReason(), c.getMessage());
  }

  private static DeploymentCondition find(List<DeploymentCondition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private static int orZero(Integer i) {
    return i == null ? 0 : i;
  }
}
