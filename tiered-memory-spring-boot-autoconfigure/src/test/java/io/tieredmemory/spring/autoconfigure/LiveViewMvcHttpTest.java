package io.tieredmemory.spring.autoconfigure;

import org.springframework.boot.WebApplicationType;

/** The live view and the endpoint on Tomcat, Spring MVC. */
class LiveViewMvcHttpTest extends LiveViewHttpTest {
  @Override
  WebApplicationType type() {
    return WebApplicationType.SERVLET;
  }

  @Override
  String serverClassName() {
    return "Tomcat";
  }
}
