package dev.scaleddemo.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleddemo.operator.it.ClusterProvider.Capability;
import dev.scaleddemo.operator.it.ClusterProvider.Kind;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class ClusterProviderTest {
  private static final BooleanSupplier DOCKER = () -> true;
  private static final BooleanSupplier NO_DOCKER = () -> false;

  @Test
  void autoTakesK3sOnlyWhereDockerAnswers() {
    assertThat(ClusterProvider.choose("auto", DOCKER)).isEqualTo(Kind.K3S);
    assertThat(ClusterProvider.choose("auto", NO_DOCKER)).isEqualTo(Kind.LOCAL);
    assertThat(ClusterProvider.choose(null, DOCKER)).as("unset means auto").isEqualTo(Kind.K3S);
    assertThat(ClusterProvider.choose(" ", NO_DOCKER)).as("blank means auto").isEqualTo(Kind.LOCAL);
  }

  @Test
  void anExplicitChoiceWinsAndDoesNotAskDocker() {
    AtomicInteger asked = new AtomicInteger();
    BooleanSupplier counting = () -> asked.incrementAndGet() > 0;
    assertThat(ClusterProvider.choose("local", counting)).isEqualTo(Kind.LOCAL);
    assertThat(ClusterProvider.choose("K3S", counting)).isEqualTo(Kind.K3S);
    assertThat(ClusterProvider.choose(" local ", counting)).isEqualTo(Kind.LOCAL);
    assertThat(asked).hasValue(0);
  }

  @Test
  void anUnknownValueIsAnErrorNamingTheChoices() {
    assertThatThrownBy(() -> ClusterProvider.choose("kind", DOCKER))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sdo.it.cluster=kind")
        .hasMessageContaining("local, k3s or auto");
  }

  @Test
  void onlyTheLocalControlPlaneHasFakeNodesAnAuditLogAndHostProcessPods() {
    assertThat(Kind.LOCAL.capabilities()).containsExactlyInAnyOrder(Capability.values());
    assertThat(Kind.K3S.capabilities()).isEmpty();
  }

  @Test
  void aTestNeedingFakeNodesIsSkippedOnK3sWithTheReasonAndRunsLocally() {
    var onK3s = NeedsCluster.Condition.evaluate(Kind.K3S, List.of(Capability.FAKE_NODES));
    assertThat(onK3s.isDisabled()).isTrue();
    assertThat(onK3s.getReason()).get().asString().contains("kwok's fake nodes").contains("-Dsdo.it.cluster=local");
    assertThat(NeedsCluster.Condition.evaluate(Kind.LOCAL, List.of(Capability.FAKE_NODES, Capability.AUDIT_LOG))
        .isDisabled()).isFalse();
    assertThat(NeedsCluster.Condition.evaluate(Kind.K3S, List.of()).isDisabled()).isFalse();
  }
}
