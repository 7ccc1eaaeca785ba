package dev.scaleddemo.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleddemo.operator.TestApps;
import dev.scaleddemo.operator.manifest.DeploymentManifest;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentChangedTest {
  private final DeploymentChanged filter = new DeploymentChanged();
  private final Deployment created = new DeploymentBuilder(
      DeploymentManifest.build(TestApps.sample("prometheus-demo-app.yaml"), TestApps.SETTINGS))
      .editMetadata().withGeneration(1L).withResourceVersion("100").endMetadata().build();

  /** The Deployment controller's status updates while a new Deployment's first pod starts, as it writes them. */
  private Deployment step(int ready, String availableStatus, String availableReason, String progressingReason,
      String progressingMessage, String updateTime) {
    return new DeploymentBuilder(created).withStatus(new DeploymentStatusBuilder()
        .withObservedGeneration(1L).withReplicas(1).withUpdatedReplicas(1)
        .withReadyReplicas(ready == 0 ? null : ready).withAvailableReplicas(ready == 0 ? null : ready)
        .withUnavailableReplicas(ready == 0 ? 1 : null)
        .withConditions(new DeploymentConditionBuilder().withType("Available").withStatus(availableStatus)
                .withReason(availableReason).withMessage("Deployment " + ("True".equals(availableStatus)
                    ? "has" : "does not have") + " minimum availability.")
                .withLastUpdateTime(updateTime).withLastTransitionTime(updateTime).build(),
            new DeploymentConditionBuilder().withType("Progressing").withStatus("True").withReason(progressingReason)
                .withMessage(progressingMessage).withLastUpdateTime(updateTime)
                .withLastTransitionTime("2026-12-03T07:00:00Z").build())
        .build()).build();
  }

  private final Deployment replicaSetCreated = step(0, "False", "MinimumReplicasUnavailable", "NewReplicaSetCreated",
      "Created new replica set \"app-7d4b9c\"", "2026-12-03T07:00:00Z");
  private final Deployment progressing = step(0, "False", "MinimumReplicasUnavailable", "ReplicaSetUpdated",
      "ReplicaSet \"app-7d4b9c\" is progressing.", "2026-12-03T07:00:01Z");
  private final Deployment firstPodReady = step(1, "True", "MinimumReplicasAvailable", "ReplicaSetUpdated",
      "ReplicaSet \"app-7d4b9c\" is progressing.", "2026-12-03T07:00:02Z");
  private final Deployment progressed = step(1, "True", "MinimumReplicasAvailable", "NewReplicaSetAvailable",
      "ReplicaSet \"app-7d4b9c\" has successfully progressed.", "2026-12-03T07:00:03Z");

  @Test
  void ofTheDeploymentControllersStepsOnlyThoseThatChangeWhatTheStatusShowsTriggerAReconcile() {
    assertThat(filter.accept(replicaSetCreated, created)).as("first status: no replica ready yet").isFalse();
    Deployment revision = new DeploymentBuilder(replicaSetCreated).editMetadata()
        .addToAnnotations("deployment.kubernetes.io/revision", "1").endMetadata().build();
    assertThat(filter.accept(revision, replicaSetCreated)).as("the Deployment controller's revision").isFalse();
    assertThat(filter.accept(progressing, replicaSetCreated)).as("Progressing's reason and message only").isFalse();
    assertThat(filter.accept(firstPodReady, progressing)).as("a ready replica, Available=True").isTrue();
    assertThat(filter.accept(progressed, firstPodReady)).as("Progressing's reason and message only").isFalse();
  }

  @Test
  void aRolloutThatStopsOrAPodTheApiServerRefusesTriggersAReconcile() {
    Deployment deadline = new DeploymentBuilder(progressing).editStatus().editMatchingCondition(
        c -> "Progressing".equals(c.getType())).withStatus("False").withReason("ProgressDeadlineExceeded")
        .withMessage("ReplicaSet \"app-7d4b9c\" has timed out progressing.").endCondition().endStatus().build();
    assertThat(filter.accept(deadline, progressing)).as("progress deadline exceeded").isTrue();

    Deployment refused = new DeploymentBuilder(progressing).editStatus().addNewCondition().withType("ReplicaFailure")
        .withStatus("True").withReason("FailedCreate").withMessage("pods \"app-7d4b9c-\" is forbidden: exceeded quota")
        .endCondition().endStatus().build();
    assertThat(filter.accept(refused, progressing)).as("ReplicaFailure=True").isTrue();
    assertThat(filter.accept(progressing, refused)).as("ReplicaFailure gone").isTrue();
  }

  @Test
  void aChangeOfSpecOrOfMetadataWeApplyTriggersAReconcile() {
    Deployment edited = new DeploymentBuilder(progressed).editMetadata().withGeneration(2L).endMetadata()
        .editSpec().withReplicas(5).endSpec().build();
    assertThat(filter.accept(edited, progressed)).as("spec edited: new generation").isTrue();

    Deployment relabelled = new DeploymentBuilder(progressed).editMetadata().addToLabels("app.kubernetes.io/name",
        "hijacked").endMetadata().build();
    assertThat(filter.accept(relabelled, progressed)).as("a label of ours edited").isTrue();

    Deployment annotated = new DeploymentBuilder(progressed).editMetadata()
        .withAnnotations(Map.of("example.org/touched", "1")).endMetadata().build();
    assertThat(filter.accept(annotated, progressed)).as("annotations").isTrue();

    Deployment orphaned = new DeploymentBuilder(progressed).editMetadata().withOwnerReferences().endMetadata().build();
    assertThat(filter.accept(orphaned, progressed)).as("owner reference removed").isTrue();

    Deployment deleting = new DeploymentBuilder(progressed).editMetadata()
        .withDeletionTimestamp("2026-12-03T07:05:00Z").endMetadata().build();
    assertThat(filter.accept(deleting, progressed)).as("being deleted").isTrue();
  }

  @Test
  void aReplicaLostOrAScaleUpTriggersAReconcile() {
    Deployment lost = new DeploymentBuilder(progressed).editStatus().withReadyReplicas(0).endStatus().build();
    assertThat(filter.accept(lost, progressed)).isTrue();
    Deployment scaledUp = new DeploymentBuilder(progressed).editStatus().withReplicas(3).withUpdatedReplicas(3)
        .endStatus().build();
    assertThat(filter.accept(scaledUp, progressed)).isTrue();
  }
}
