package dev.scaleddemo.operator.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CanonicalStringsTest {
  @Test
  void equalStringsGetOneCopy() {
    var strings = new CanonicalStrings();
    String first = strings.canonical(new String("app.kubernetes.io/instance"));

    assertThat(strings.canonical(new String("app.kubernetes.io/instance"))).isSameAs(first);
  }

  @Test
  void aFloodOfDistinctStringsOnlyReplacesSharedOnesAndStillShares() {
    var strings = new CanonicalStrings();
    String before = strings.canonical(new String("shop"));
    for (int i = 0; i < 10 * CanonicalStrings.SLOTS; i++) {
      strings.canonical("tenant-" + i);  // a hostile tenant's labels: the table stays SLOTS strings
    }

    String after = strings.canonical(new String("shop"));
    assertThat(after).isEqualTo(before);
    assertThat(strings.canonical(new String("shop"))).as("shared again from now on").isSameAs(after);
  }

  @Test
  void longStringsAreNeitherSharedNorHeld() {
    var strings = new CanonicalStrings();
    String annotation = "x".repeat(CanonicalStrings.MAX_LENGTH + 1);
    strings.canonical(annotation);

    assertThat(strings.canonical(new String(annotation))).isNotSameAs(annotation);
  }
}
