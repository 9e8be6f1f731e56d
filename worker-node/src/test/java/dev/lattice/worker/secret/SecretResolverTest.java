package dev.lattice.worker.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.worker.action.ActionException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretResolverTest {
  private static final String TOKEN = "tok-5ecret-41a7";

  @TempDir Path directory;

  @Test
  void resolvesFromTheEnvironmentUnderItsPrefixedUpperCaseName() {
    SecretResolver resolver =
        new SecretResolver(Map.of("LATTICE_SECRET_CRM_TOKEN", TOKEN)::get, null);
    ResolvedSecrets used = new ResolvedSecrets();

    assertThat(resolver.resolve("Bearer ${secret:crm-token}", used)).isEqualTo("Bearer " + TOKEN);
    assertThat(used.isEmpty()).isFalse();
    assertThat(SecretResolver.variable("crm-token")).isEqualTo("LATTICE_SECRET_CRM_TOKEN");
  }

  @Test
  void resolvesFromAFileOfTheDirectoryTrimmedWhenTheEnvironmentHasNone() throws Exception {
    Files.writeString(directory.resolve("crm"), TOKEN + "\n");
    SecretResolver resolver = new SecretResolver(name -> null, directory);

    assertThat(resolver.resolve("${secret:crm}/${secret:crm}", new ResolvedSecrets()))
        .isEqualTo(TOKEN + "/" + TOKEN);
  }

  @Test
  void theEnvironmentComesBeforeTheDirectory() throws Exception {
    Files.writeString(directory.resolve("crm"), "from-file");
    SecretResolver resolver =
        new SecretResolver(Map.of("LATTICE_SECRET_CRM", TOKEN)::get, directory);

    assertThat(resolver.resolve("${secret:crm}", new ResolvedSecrets())).isEqualTo(TOKEN);
  }

  @Test
  void aSecretSetNowhereIsAuthNamingWhereItWasLookedFor() {
    SecretResolver resolver = new SecretResolver(name -> null, directory);

    ActionException e =
        catchThrowableOfType(
            ActionException.class, () -> resolver.resolve("${secret:crm}", new ResolvedSecrets()));

    assertThat(e.errorClass()).isEqualTo(ErrorClass.AUTH);
    assertThat(e.getMessage())
        .contains("LATTICE_SECRET_CRM")
        .contains(directory.resolve("crm").toString());
  }

  @Test
  void providersArePickedAndOrderedByConfiguration() throws Exception {
    Files.writeString(directory.resolve("crm"), "from-file");
    Map<String, String> environment = Map.of("APP_SECRET_CRM", TOKEN);
    SecretSettings fileFirst =
        SecretSettings.create(
            ConfigFactory.parseString(
                    "lattice.secrets { providers = [directory, environment],"
                        + " environment-prefix = APP_SECRET_, directory = \""
                        + directory.toString().replace("\\", "/")
                        + "\" }")
                .withFallback(ConfigFactory.defaultReference()));

    assertThat(new SecretResolver(fileFirst, environment::get).resolve("${secret:crm}", used()))
        .isEqualTo("from-file");
    SecretSettings environmentOnly =
        new SecretSettings(List.of("environment"), "APP_SECRET_", directory);
    assertThat(
            new SecretResolver(environmentOnly, environment::get).resolve("${secret:crm}", used()))
        .isEqualTo(TOKEN);
    ActionException e =
        catchThrowableOfType(
            ActionException.class,
            () -> new SecretResolver(environmentOnly, name -> null).resolve("${secret:x}", used()));
    assertThat(e.getMessage()).contains("APP_SECRET_X").doesNotContain(directory.toString());
  }

  @Test
  void anUnknownProviderIsRefusedAndNoProviderResolvesNothing() {
    assertThatThrownBy(() -> new SecretSettings(List.of("vault"), "P_", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vault");
    ActionException e =
        catchThrowableOfType(
            ActionException.class, () -> SecretResolver.NONE.resolve("${secret:x}", used()));
    assertThat(e.errorClass()).isEqualTo(ErrorClass.AUTH);
    assertThat(e.getMessage()).contains("lattice.secrets.providers");
  }

  private static ResolvedSecrets used() {
    return new ResolvedSecrets();
  }

  @Test
  void aNameThatIsAPathIsRefusedWithoutLookingItUp() throws Exception {
    Files.writeString(directory.resolve("inside"), TOKEN);
    SecretResolver resolver = new SecretResolver(name -> TOKEN, directory.resolve("sub"));

    for (String name : new String[] {"../inside", "a/b", "", "a b", "x.y"}) {
      ActionException e =
          catchThrowableOfType(
              ActionException.class,
              () -> resolver.resolve("${secret:" + name + "}", new ResolvedSecrets()));
      assertThat(e.errorClass()).as(name).isEqualTo(ErrorClass.INVALID_INPUT);
      assertThat(e.getMessage()).doesNotContain(TOKEN);
    }
  }

  @Test
  void textWithoutReferencesIsLeftAlone() {
    SecretResolver resolver = new SecretResolver(name -> TOKEN, null);
    ResolvedSecrets used = new ResolvedSecrets();

    assertThat(resolver.resolve("${payload.x} and $secret", used))
        .isEqualTo("${payload.x} and $secret");
    assertThat(used.isEmpty()).isTrue();
    assertThat(SecretResolver.mentions("a ${secret:x} b")).isTrue();
    assertThat(SecretResolver.mentions("a ${payload.x} b")).isFalse();
  }

  @Test
  void scrubsValuesAndTheirCommonEncodingsFromTextAndJson() throws Exception {
    String value = "p@ss word/" + TOKEN;
    SecretResolver resolver = new SecretResolver(Map.of("LATTICE_SECRET_PW", value)::get, null);
    ResolvedSecrets used = new ResolvedSecrets();
    resolver.resolve("${secret:pw}", used);
    String basic = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    JsonNode echoed =
        LatticeJson.mapper()
            .createObjectNode()
            .put("raw", "got " + value)
            .put("encoded", URLEncoder.encode(value, StandardCharsets.UTF_8))
            .put(value, "as a name")
            .set("nested", LatticeJson.mapper().createArrayNode().add("Basic " + basic));

    String scrubbed = used.scrub(echoed).toString();

    assertThat(scrubbed)
        .doesNotContain(TOKEN)
        .contains("got ${secret:pw}")
        .contains("Basic ${secret:pw}");
    assertThat(used.scrub("x" + value + "x")).isEqualTo("x${secret:pw}x");
    assertThat(used.toString()).contains("pw").doesNotContain(TOKEN);
  }
}
