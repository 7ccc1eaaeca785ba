package dev.scaleddemo.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixture's bookkeeping, with stand-in processes ({@code sleep}) instead of operators: no cluster needed. */
class OperatorUnderTestTest {
  @TempDir
  Path dir;
  OperatorProcess running;

  @AfterEach
  void kill() {
    if (running != null) {
      running.kill();
    }
  }

  OperatorProcess standIn(String name, int logLines) throws IOException {
    Path log = dir.resolve(name + ".log");
    Files.writeString(log, IntStream.rangeClosed(1, logLines).mapToObj(i -> name + " line " + i)
        .collect(Collectors.joining("\n")));
    running = new OperatorProcess(name, new ProcessBuilder("sleep", "60").start(), log);
    return running;
  }

  @Test
  void aFailedTestCarriesTheLogTailOfEachOperatorStarted() throws Exception {
    OperatorUnderTest sdo = OperatorUnderTest.startedByTests();
    OperatorProcess op = standIn("op-a", OperatorUnderTest.LOG_TAIL_LINES + 40);
    sdo.track(op);
    AssertionError failure = new AssertionError("the app never became Ready");

    assertThatThrownBy(() -> sdo.handleTestExecutionException(null, failure)).isSameAs(failure);
    assertThat(failure.getSuppressed()).singleElement().extracting(Throwable::getMessage).asString()
        .startsWith("operator op-a, last " + OperatorUnderTest.LOG_TAIL_LINES + " log lines:\nop-a line 41\n")
        .endsWith("op-a line 100");
  }

  @Test
  void aWaitEndsAtOnceWhenTheOperatorExits() throws Exception {
    OperatorUnderTest sdo = OperatorUnderTest.startedByTests();
    OperatorProcess op = standIn("op-c", 1);
    sdo.track(op);
    op.kill();

    assertThatThrownBy(() -> sdo.await("an app Ready").atMost(Duration.ofMinutes(5)).until(() -> false))
        .hasMessageContaining("operator op-c exited");
  }

  @Test
  void replicasLiveForTheTestThatStartedThem() throws Exception {
    OperatorUnderTest sdo = OperatorUnderTest.replicasPerTest();
    OperatorProcess replica = standIn("replica", 1);
    sdo.track(replica);

    sdo.afterEach(null);

    assertThat(replica.isAlive()).isFalse();
    assertThat(sdo.operator()).isSameAs(replica);
  }

  @Test
  void operatorsStartedByTestsLiveUntilTheClassEnds() throws Exception {
    OperatorUnderTest sdo = OperatorUnderTest.startedByTests();
    OperatorProcess op = standIn("op-b", 1);
    sdo.track(op);

    sdo.afterEach(null);
    assertThat(op.isAlive()).isTrue();
    sdo.afterAll(null);
    assertThat(op.isAlive()).isFalse();
  }
}
