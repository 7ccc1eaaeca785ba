package dev.scaleddemo.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KubectlTableTest {
  private static final String TABLE = """
      NAME          READY   REPLICAS   DESIRED   CLICKS/S   TARGET   MIN   MAX   AGE
      first-app     True    3          3         9m         10m      1     10    5m
      second-app    False                                   10m      1     10    1s
      """;

  @Test
  void cellsAreCutAtTheHeadersOffsetsSoABlankCellStaysBlank() {
    assertThat(KubectlTable.header(TABLE))
        .containsExactly("NAME", "READY", "REPLICAS", "DESIRED", "CLICKS/S", "TARGET", "MIN", "MAX", "AGE");
    assertThat(KubectlTable.row(TABLE, "second-app")).containsEntry("READY", "False").containsEntry("REPLICAS", "")
        .containsEntry("CLICKS/S", "").containsEntry("TARGET", "10m").containsEntry("AGE", "1s");
    assertThat(KubectlTable.firstRow(TABLE)).containsEntry("NAME", "first-app").containsEntry("CLICKS/S", "9m");
  }

  @Test
  void aMissingRowIsAnAssertionNamingTheTable() {
    assertThatThrownBy(() -> KubectlTable.row(TABLE, "first")).isInstanceOf(AssertionError.class)
        .hasMessageContaining("no row for first").hasMessageContaining("second-app");
    assertThatThrownBy(() -> KubectlTable.firstRow("NAME   AGE\n")).isInstanceOf(AssertionError.class);
  }
}
