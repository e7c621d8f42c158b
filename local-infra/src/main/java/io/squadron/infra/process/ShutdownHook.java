package io.squadron.infra.process;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one JVM shutdown hook that closes every server still open when the JVM exits (normal exit,
 * System.exit, SIGINT, SIGTERM), newest first. Servers register when they start and deregister when
 * closed.
 */
public final class ShutdownHook {
  private static final Logger log = LoggerFactory.getLogger(ShutdownHook.class);
  private static final Set<AutoCloseable> OPEN = new LinkedHashSet<>();
  private static boolean installed;

  private ShutdownHook() {}

  /**
   * Closes {@code resource} when the JVM exits, unless it is {@linkplain #deregister deregistered}
   * before.
   */
  public static synchronized void register(AutoCloseable resource) {
    if (!installed) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(ShutdownHook::closeAll, "squadron-infra-shutdown"));
      installed = true;
    }
    OPEN.add(resource);
  }

  /** Forgets {@code resource} (it was closed by its owner). */
  public static synchronized void deregister(AutoCloseable resource) {
    OPEN.remove(resource);
  }

  private static void closeAll() {
    List<AutoCloseable> open;
    synchronized (ShutdownHook.class) {
      open = new ArrayList<>(OPEN);
    }
    Collections.reverse(open);
    for (AutoCloseable resource : open) {
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("Cannot close {} at JVM exit", resource, e);
      }
    }
  }
}
