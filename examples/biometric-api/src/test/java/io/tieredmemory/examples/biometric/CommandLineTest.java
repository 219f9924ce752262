package io.tieredmemory.examples.biometric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {

  /** What one run of {@link BiometricApi#run} printed and returned. */
  private record Outcome(int status, String out, String err) {}

  private static Outcome run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        BiometricApi.run(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void parse_defaultsAndEveryOption() throws Exception {
    ApiOptions defaults = ApiOptions.parse();
    assertThat(defaults.duration()).isEmpty();
    assertThat(defaults.real()).isFalse();
    assertThat(defaults.simulator()).isTrue();
    assertThat(defaults.port()).isEmpty();
    assertThat(defaults.effectiveFaultRate()).isEqualTo(ApiOptions.DEFAULT_SIMULATOR_FAULT_RATE);

    ApiOptions given =
        ApiOptions.parse(
            "--duration", "20", "--real", "--port=9000", "--no-simulator", "--config", "a.props");
    assertThat(given.duration()).contains(Duration.ofSeconds(20));
    assertThat(given.real()).isTrue();
    assertThat(given.port()).hasValue(9000);
    assertThat(given.simulator()).isFalse();
    assertThat(given.effectiveFaultRate()).isZero();
    assertThat(given.config()).contains(Path.of("a.props"));
    assertThat(ApiOptions.parse("--fault-rate", "0.5").effectiveFaultRate()).isEqualTo(0.5);
    assertThat(ApiOptions.parse("-h").help()).isTrue();
  }

  @Test
  void parse_badArguments_namedInTheMessage() {
    assertUsageError("unknown argument '--fast'", "--fast");
    assertUsageError("--duration needs a value", "--duration");
    assertUsageError(
        "--duration must be a positive whole number of seconds, was '0'", "--duration", "0");
    assertUsageError(
        "--duration must be a positive whole number of seconds, was 'ten'", "--duration=ten");
    assertUsageError("--port must be a port number 0-65535, was '70000'", "--port", "70000");
    assertUsageError("--fault-rate must be a number from 0 to 1, was '2'", "--fault-rate", "2");
    assertUsageError("--real takes no value, was given 'yes'", "--real=yes");
  }

  private static void assertUsageError(String message, String... args) {
    assertThatThrownBy(() -> ApiOptions.parse(args))
        .isInstanceOf(ApiOptions.UsageException.class)
        .hasMessage(message);
  }

  @Test
  void run_help_printsUsageAndExitsZero() {
    Outcome o = run(Map.of(), "--help");
    assertThat(o.status()).isZero();
    assertThat(o.out()).contains("usage: biometric-api").contains("--real").contains("DEMO_PORT");
  }

  @Test
  void run_badArgument_messageThenUsageAndExit2() {
    Outcome o = run(Map.of(), "--duration", "-1");
    assertThat(o.status()).isEqualTo(2);
    assertThat(o.err()).startsWith("biometric-api: --duration must be").contains("usage:");
  }

  @Test
  void run_realWithoutServers_namesTheMissingVariables() {
    Outcome none = run(Map.of(), "--real");
    assertThat(none.status()).isEqualTo(2);
    assertThat(none.err())
        .contains(
            "--real needs TM_REDIS_URL, TM_PG_JDBC_URL, TM_PG_USER, TM_PG_PASSWORD, TM_CHROMA_URL");

    Outcome one =
        run(
            Map.of(
                "TM_REDIS_URL", "redis://127.0.0.1:6379",
                "TM_PG_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/db",
                "TM_PG_USER", "tiered",
                "TM_PG_PASSWORD", "s3cret"),
            "--real");
    assertThat(one.status()).isEqualTo(2);
    assertThat(one.err()).contains("--real needs TM_CHROMA_URL to be set").doesNotContain("s3cret");
  }

  @Test
  void run_badSetting_namedAndExit2() {
    Outcome o = run(Map.of("DEMO_PORT", "eighty"), "--duration", "1");
    assertThat(o.status()).isEqualTo(2);
    assertThat(o.err()).contains("DEMO_PORT must be a port number 0-65535, was 'eighty'");
  }

  @Test
  void run_portTaken_exit1NamingTheAddress() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Outcome o =
          run(Map.of(), "--duration", "1", "--no-simulator", "--port", "" + taken.getLocalPort());
      assertThat(o.status()).isEqualTo(1);
      assertThat(o.err()).contains("could not listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  @Timeout(20)
  void run_forADuration_printsTheLiveViewAndSummariesThenStops() {
    Outcome o = run(Map.of("DEMO_PORT", "0"), "--duration", "6", "--fault-rate", "0");
    assertThat(o.status()).as(o.err()).isZero();
    assertThat(o.out())
        .containsPattern("(?m)^live view: http://127\\.0\\.0\\.1:\\d+/memory/$")
        .containsPattern(
            "(?m)^history: type a key .* GET http://127\\.0\\.0\\.1:\\d+/memory/history\\?key=<key>$")
        // A summary every 5 s of the run; on a loaded machine it may print a second late.
        .containsPattern("(?m)^t=[5-7]s +tiers hot=\\d+ warm=\\d+ cold=\\d+ \\| moves promoted=")
        .containsPattern("(?m)^stopped: t=\\d+s .*webhooks 201=[1-9]");
  }

  @Test
  void config_fromFileAndEnvironment_environmentWins(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("demo.properties");
    Files.writeString(
        file, "DEMO_PORT=9001\nDEMO_BIND=0.0.0.0\nTM_CHROMA_URL=http://chroma:8000\n");
    Properties props = new Properties();
    try (var r = Files.newBufferedReader(file)) {
      props.load(r);
    }
    ServiceConfig c = ServiceConfig.load(Map.of("DEMO_PORT", "9002"), props);
    assertThat(c.port()).isEqualTo(9002);
    assertThat(c.bind()).isEqualTo("0.0.0.0");
    assertThat(c.chromaUrl()).contains("http://chroma:8000");
    assertThat(c.redisUrl()).isEmpty();
    assertThat(c.describeTiers())
        .isEqualTo("hot=in-process, warm=in-process, cold=chroma http://chroma:8000");
  }

  @Test
  void config_credentials_neverShown() throws Exception {
    ServiceConfig c =
        ServiceConfig.load(
            Map.of(
                "TM_REDIS_URL", "redis://default:hunter2@cache:6379/0",
                "TM_PG_JDBC_URL", "jdbc:postgresql://db:5432/app?password=hunter2&ssl=true",
                "TM_PG_USER", "app",
                "TM_PG_PASSWORD", "hunter2"),
            new Properties());
    assertThat(c.toString()).doesNotContain("hunter2").contains("pgPassword=***");
    assertThat(c.describeTiers())
        .doesNotContain("hunter2")
        .contains("redis redis://***@cache:6379/0")
        .contains("postgres jdbc:postgresql://db:5432/app?***");
  }

  @Test
  void config_badValues_namedWithTheValue() {
    assertConfigError(
        Map.of("TM_REDIS_URL", "localhost:6379"), "TM_REDIS_URL must be a redis or rediss URL");
    assertConfigError(
        Map.of("TM_CHROMA_URL", "ftp://x"),
        "TM_CHROMA_URL must be a http or https URL with a host, was 'ftp://x'");
    assertConfigError(
        Map.of("TM_PG_JDBC_URL", "jdbc:mysql://x/db"),
        "TM_PG_JDBC_URL must start with jdbc:postgresql:");
    assertConfigError(
        Map.of("DEMO_REVEAL_KEYS", "maybe"), "DEMO_REVEAL_KEYS must be true or false, was 'maybe'");
    assertConfigError(
        Map.of("DEMO_PORT", "-1"), "DEMO_PORT must be a port number 0-65535, was '-1'");
  }

  private static void assertConfigError(Map<String, String> env, String message) {
    assertThatThrownBy(() -> ServiceConfig.load(env, new Properties()))
        .isInstanceOf(ServiceConfig.ConfigException.class)
        .hasMessageContaining(message);
  }
}
