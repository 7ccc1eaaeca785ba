package dev.scaleddemo.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The provider order is global to the JVM: each test starts from, and leaves, the JDK's own. */
class NativeCryptoTest {
  static final Provider ACCP = AmazonCorrettoCryptoProvider.INSTANCE;

  @BeforeEach
  @AfterEach
  void jdkProvidersOnly() {
    Security.removeProvider(ACCP.getName());
  }

  @Test
  void tlsRecordCipherComesFromAwsLcOnceInstalled() throws Exception {
    assertThat(ACCP.getProperty("Cipher.AES/GCM/NoPadding")).as("ACCP has the cipher of TLS_AES_128_GCM_SHA256")
        .isNotNull();
    assertThat(Cipher.getInstance("AES/GCM/NoPadding").getProvider()).isNotSameAs(ACCP);

    assertThat(NativeCrypto.install(true)).isSameAs(ACCP);

    // what the JDK's TLS engine asks for when it protects a record, and when it hashes the handshake
    assertThat(Cipher.getInstance("AES/GCM/NoPadding").getProvider()).isSameAs(ACCP);
    assertThat(MessageDigest.getInstance("SHA-256").getProvider()).isSameAs(ACCP);
    assertThat(SSLContext.getDefault().getProvider().getName()).as("the TLS engine stays the JDK's")
        .isEqualTo("SunJSSE");
  }

  @Test
  void installingTwiceKeepsOneEntry() {
    NativeCrypto.install(true);
    NativeCrypto.install(true);

    assertThat(Arrays.stream(Security.getProviders()).filter(p -> p == ACCP)).hasSize(1);
    assertThat(Security.getProviders()[0]).isSameAs(ACCP);
  }

  @Test
  void switchedOffTheJdkProvidersStay() throws Exception {
    Provider[] before = Security.getProviders();

    assertThat(NativeCrypto.install(false)).isSameAs(before[0]);

    assertThat(Security.getProviders()).containsExactly(before);
    assertThat(Cipher.getInstance("AES/GCM/NoPadding").getProvider()).isNotSameAs(ACCP);
  }
}
