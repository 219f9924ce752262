package io.tieredmemory.spring.autoconfigure;

import org.springframework.boot.WebApplicationType;

/** The live view and the endpoint on Netty, WebFlux. */
class LiveViewWebFluxHttpTest extends LiveViewHttpTest {
  @Override
  WebApplicationType type() {
    return WebApplicationType.REACTIVE;
  }

  @Override
  String serverClassName() {
    return "Netty";
  }
}
