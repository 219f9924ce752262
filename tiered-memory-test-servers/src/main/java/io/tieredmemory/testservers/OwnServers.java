package io.tieredmemory.testservers;

import io.tieredmemory.testservers.LocalServers.Server;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Servers of the test class's own: before the class, starts {@link #value()} with {@link
 * LocalServers#start} (a fresh run directory, free loopback ports); gives them to every constructor
 * and method of the class that declares a {@link LocalServers} parameter; after the class (after
 * its {@code @AfterAll} methods), stops them by PID with {@link LocalServers#close()}, whether its
 * tests passed, failed, or its set-up failed.
 *
 * <pre>
 * &#64;OwnServers // Redis, PostgreSQL and Chroma
 * class RedisFaultIT {
 *   private final LocalServers servers; // the same for every test of the class
 *
 *   RedisFaultIT(LocalServers servers) {
 *     this.servers = servers;
 *   }
 * }
 * </pre>
 *
 * <p>The servers live as long as the class: a test that kills, stops or hangs one brings it back in
 * its class's {@code @AfterEach} so that the next test finds it running.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(OwnServers.Extension.class)
public @interface OwnServers {

  /** The servers to start; all three by default. */
  Server[] value() default {Server.REDIS, Server.POSTGRES, Server.CHROMA};

  /** What {@link OwnServers} does: start, resolve, stop. */
  final class Extension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(OwnServers.class);

    @Override
    public void beforeAll(ExtensionContext context) {
      Class<?> testClass = context.getRequiredTestClass();
      OwnServers own =
          AnnotationSupport.findAnnotation(testClass, OwnServers.class)
              .orElseThrow(() -> new IllegalStateException(testClass + " is not @OwnServers"));
      // start() stops whatever it did start if one server fails to.
      context.getStore(NAMESPACE).put(LocalServers.class, LocalServers.start(own.value()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
      LocalServers servers =
          context.getStore(NAMESPACE).remove(LocalServers.class, LocalServers.class);
      if (servers != null) {
        servers.close();
      }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == LocalServers.class;
    }

    @Override
    public LocalServers resolveParameter(ParameterContext parameter, ExtensionContext context) {
      // A test's context finds the class's servers in its parent's store.
      LocalServers servers =
          context.getStore(NAMESPACE).get(LocalServers.class, LocalServers.class);
      if (servers == null) {
        throw new ParameterResolutionException(
            "no servers for " + parameter.getDeclaringExecutable() + ": they did not start");
      }
      return servers;
    }
  }
}
