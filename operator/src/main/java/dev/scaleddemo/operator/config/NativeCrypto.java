package dev.scaleddemo.operator.config;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import io.fabric8.kubernetes.client.Config;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;
import jakarta.inject.Singleton;
import java.security.Provider;
import java.security.Security;
import org.jboss.logging.Logger;

/**
 * Puts AWS-LC (Amazon Corretto Crypto Provider) ahead of the JDK's providers, before the Kubernetes client is built.
 *
 * <p>Why: the image runs the C1 compiler only (Dockerfile.jvm), and C1 has no intrinsics for AES-GCM, so the JDK
 * encrypts and authenticates every TLS record in plain Java (34 MB/s here, against 1.6 GB/s in AWS-LC). All of the
 * operator's traffic is TLS to the API server: the JDK's AES-GCM was about 15 % of the operator's CPU in the scale
 * benchmark (README "Scale"). The JDK's TLS engine stays; it takes its ciphers, key agreement and hashes from the
 * first provider that has them.
 *
 * <p>ACCP ships a native library per platform; the image carries the x86_64 one. Where it does not load (arm64,
 * musl) the JDK's providers stay, and the log says why.
 */
@Singleton
public class NativeCrypto implements KubernetesConfigCustomizer {
  private static final Logger LOG = Logger.getLogger(NativeCrypto.class);
  /** What the log says when AWS-LC is in use (OperatorLifecycleIT looks for it in the packaged operator's). */
  public static final String IN_USE = "Crypto: AWS-LC ahead of the JDK's providers";
  /** What it says when the JDK's providers stay, followed by why. */
  public static final String JDK_ONLY = "Crypto: the JDK's providers";

  private final boolean enabled;

  NativeCrypto(OperatorConfig config) {
    this.enabled = config.nativeCrypto();
  }

  @Override
  public void customize(Config config) {
    install(enabled);
  }

  /**
   * Installs ACCP as the first provider if enabled and loadable; returns the first provider afterwards. Switched off,
   * ACCP's class is not even loaded (loading it extracts and loads the native library).
   */
  static synchronized Provider install(boolean enabled) {
    if (!enabled) {
      LOG.infof("%s (scaleddemo.native-crypto=false)", JDK_ONLY);
      return Security.getProviders()[0];
    }
    AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
    if (Security.getProvider(accp.getName()) != null) {
      return Security.getProviders()[0];
    }
    if (accp.getLoadingError() != null) {
      LOG.infof("%s; ACCP did not load on %s/%s: %s", JDK_ONLY, System.getProperty("os.name"),
          System.getProperty("os.arch"), accp.getLoadingError());
      return Security.getProviders()[0];
    }
    try {
      accp.assertHealthy();
      Security.insertProviderAt(accp, 1);
      LOG.infof("%s (%s)", IN_USE, accp.getInfo());
    } catch (RuntimeException unhealthy) {
      LOG.warnf("%s; ACCP failed its self-test: %s", JDK_ONLY, unhealthy);
    }
    return Security.getProviders()[0];
  }
}
