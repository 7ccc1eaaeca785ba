package dev.scaleddemo.operator.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourceVersionsTest {
  @Test
  void aLongerVersionIsNewerWhateverItsDigits() {
    assertThat(ResourceVersions.newer("10", "9")).isTrue();
    assertThat(ResourceVersions.newer("9", "10")).isFalse();
    assertThat(ResourceVersions.newer("100000", "99999")).isTrue();
  }

  @Test
  void ofEqualLengthTheOneThatSortsLaterIsNewer() {
    assertThat(ResourceVersions.newer("4712", "4711")).isTrue();
    assertThat(ResourceVersions.newer("4711", "4712")).isFalse();
  }

  @Test
  void aVersionIsNotNewerThanItself() {
    assertThat(ResourceVersions.newer("4711", "4711")).isFalse();
  }

  @Test
  void versionsThatAreNotDecimalIntegersWithoutLeadingZerosCompareToNothing() {
    for (String odd : new String[] {"", "0", "042", "12a", "-5", "1.5", " 7", "abc"}) {
      assertThat(ResourceVersions.newer(odd, "1")).as("'%s' newer than 1", odd).isFalse();
      assertThat(ResourceVersions.newer("99999", odd)).as("99999 newer than '%s'", odd).isFalse();
    }
    assertThat(ResourceVersions.newer(null, "1")).isFalse();
    assertThat(ResourceVersions.newer("1", null)).isFalse();
  }
}
