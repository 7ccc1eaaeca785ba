package dev.scaleddemo.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RegenerationTest {
  private static final String FLAG = "regeneration-test.update";

  @AfterEach
  void clear() {
    System.clearProperty(FLAG);
  }

  @Test
  void offUnlessAFlagIsTrue() {
    assertThat(Regeneration.requested(Map.of("CI", "true"), FLAG)).isFalse();
    System.setProperty(FLAG, "false");
    assertThat(Regeneration.requested(Map.of(), FLAG)).isFalse();
  }

  @Test
  void onOutsideCi() {
    System.setProperty(FLAG, "true");
    assertThat(Regeneration.requested(Map.of(), "other.update", FLAG)).isTrue();
    assertThat(Regeneration.requested(Map.of("CI", "false"), FLAG)).isTrue();
  }

  @Test
  void refusedUnderCi() {
    System.setProperty(FLAG, "true");
    assertThatThrownBy(() -> Regeneration.requested(Map.of("CI", "true"), FLAG))
        .hasMessageContaining("-D" + FLAG + "=true").hasMessageContaining("refused under CI=true");
  }

  @Test
  void anUpdateRunFails() {
    assertThat(Regeneration.regenerated("crds/x.yml")).hasMessage(
        "regenerated crds/x.yml, review and commit, then run again");
  }
}
