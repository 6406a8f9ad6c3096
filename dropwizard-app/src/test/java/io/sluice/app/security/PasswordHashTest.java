package io.sluice.app.security;

import io.sluice.testkit.TestPasswords;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The api.auth.users hash: its self-describing string, its checks, and what it refuses to read. */
class PasswordHashTest {
    private static final int FAST = PasswordHash.MIN_ITERATIONS;

    @Test
    void aHashNamesItsSchemeIterationsSaltAndKeyAndVerifiesItsPasswordOnly() {
        String password = TestPasswords.fresh("hash");
        String text = PasswordHash.create(password.toCharArray(), FAST).toString();
        assertThat(text).matches("\\$pbkdf2-sha256\\$i=100000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}")
                .doesNotContain(password);
        PasswordHash parsed = PasswordHash.parse(text);
        assertThat(parsed.iterations()).isEqualTo(FAST);
        assertThat(parsed.toString()).isEqualTo(text);
        assertThat(parsed.verify(password.toCharArray())).isTrue();
        assertThat(parsed.verify((password + "x").toCharArray())).isFalse();
        assertThat(parsed.verify(password.substring(1).toCharArray())).isFalse();
        assertThat(parsed.verify(new char[0])).isFalse();
    }

    @Test
    void theKeyIsPbkdf2HmacSha256OfThePasswordWithTheSaltAndIterations() {
        String password = TestPasswords.fresh("derive");
        String[] parts = PasswordHash.create(password.toCharArray(), FAST).toString().split("\\$");
        byte[] salt = Base64.getDecoder().decode(parts[3]);
        assertThat(Base64.getDecoder().decode(parts[4]))
                .isEqualTo(PasswordHash.derive(password.toCharArray(), salt, FAST, 32))
                .isNotEqualTo(PasswordHash.derive(password.toCharArray(), salt, FAST + 1, 32));
    }

    @Test
    void theSamePasswordHashesDifferentlyEachTime() {
        String password = TestPasswords.fresh("salted");
        PasswordHash a = PasswordHash.create(password.toCharArray(), FAST);
        PasswordHash b = PasswordHash.create(password.toCharArray(), FAST);
        assertThat(a.toString()).isNotEqualTo(b.toString());
        assertThat(a.verify(password.toCharArray())).isTrue();
        assertThat(b.verify(password.toCharArray())).isTrue();
    }

    @Test
    void nonAsciiPasswordsWork() {
        String password = TestPasswords.fresh("mot-de-passe-été");
        PasswordHash hash = PasswordHash.parse(PasswordHash.create(password.toCharArray(), FAST).toString());
        assertThat(hash.verify(password.toCharArray())).isTrue();
        assertThat(hash.verify(password.replace('é', 'e').toCharArray())).isFalse();
    }

    @Test
    void weakAndAbsurdIterationCountsAreRefused() {
        char[] password = TestPasswords.fresh("iterations").toCharArray();
        assertThatThrownBy(() -> PasswordHash.create(password, PasswordHash.MIN_ITERATIONS - 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("100000 to 10000000");
        assertThatThrownBy(() -> PasswordHash.create(password, PasswordHash.MAX_ITERATIONS + 1))
                .isInstanceOf(IllegalArgumentException.class);
        String good = PasswordHash.create(password, FAST).toString();
        assertThatThrownBy(() -> PasswordHash.parse(good.replace("i=100000", "i=1000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("iteration count");
        assertThatThrownBy(() -> PasswordHash.create(new char[0], FAST)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedHashesAreRefusedWithoutRepeatingThem() {
        String password = TestPasswords.fresh("pasted");
        String good = PasswordHash.create(password.toCharArray(), FAST).toString();
        String[] parts = good.split("\\$");
        String[] bad = {
            password,                                                   // a password pasted into the hash key
            "",
            good.substring(1),                                          // no leading $
            good.replace("pbkdf2-sha256", "pbkdf2-sha1"),
            good.replace("i=", "rounds="),
            good.replace("i=100000", "i=many"),
            "$pbkdf2-sha256$i=100000$" + parts[3],                       // no key
            good + "$extra",
            "$pbkdf2-sha256$i=100000$" + parts[3] + "==$" + parts[4],    // padding
            "$pbkdf2-sha256$i=100000$" + parts[3] + "$" + parts[4].replace(parts[4].charAt(0), '!'),
            "$pbkdf2-sha256$i=100000$AAAA$" + parts[4],                  // 3-byte salt
            "$pbkdf2-sha256$i=100000$" + parts[3] + "$AAAA",             // 3-byte key
        };
        for (String text : bad) {
            assertThatThrownBy(() -> PasswordHash.parse(text)).as(text).isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(password).isNotBlank());
        }
        assertThatThrownBy(() -> PasswordHash.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(PasswordHash.parse("  " + good + "\n").verify(password.toCharArray())).isTrue();
    }
}
