package io.sluice.model.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SHA-256-crypt against the test vectors of Drepper's specification (salts of 16 bytes or fewer, where MySQL's
 * whole-salt variant and the specification agree; the specification cuts longer salts to 16, so its long-salt
 * vectors are given here with the salt already cut; every expected value was checked with OpenSSL 3's
 * {@code openssl passwd -5 -salt 'rounds=N$salt'}), and MySQL's stored form. The comparison with a real MySQL's
 * {@code authentication_string} is in the facade's {@code CachingSha2MysqlGoldenIT}.
 */
class Sha256CryptTest {
    @ParameterizedTest(name = "{0} rounds, salt {1}")
    @CsvSource(delimiter = '|', value = {
        "5000|saltstring|Hello world!|5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5",
        "10000|saltstringsaltst|Hello world!|3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA",
        "5000|toolongsaltstrin|This is just a test|Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5",
        "1400|anotherlongsalts|a very much longer text to encrypt.  This one even stretches over morethan one line."
                + "|Rx.j8H.h8HjEDGomFU8bDkXm3XIUnzyxf12oP84Bnq1",
        "77777|short|we have a short salt string but not a short password"
                + "|JiO1O3ZpDAxGJeaDIuqCoEFysAe1mZNJRs3pw0KQRd/",
        "123456|asaltof16chars..|a short string|gP3VQ/6X7UUEW3HkBn2w1/Ptq2jxPyzV/cZKmF/wJvD",
        "1000|roundstoolow|the minimum number is still observed|yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC",
    })
    void specificationVectors(int rounds, String salt, String key, String expected) {
        assertThat(Sha256Crypt.digest(bytes(key), bytes(salt), rounds)).isEqualTo(expected);
    }

    @Test
    void aTwentyByteSaltIsUsedWhole() {
        byte[] salt = bytes("abcdefghijklmnopqrst");
        String whole = Sha256Crypt.digest(bytes("pw"), salt, 5000);
        assertThat(whole).hasSize(43)
                .isNotEqualTo(Sha256Crypt.digest(bytes("pw"), Arrays.copyOf(salt, 16), 5000));
    }

    @Test
    void storedFormRoundTripsAndMatchesOnlyItsPassword() {
        CachingSha2AuthString made = CachingSha2AuthString.of("correct horse");
        assertThat(made.rounds()).isEqualTo(5000);
        assertThat(made.hex()).startsWith("2441243030352").hasSize(140);
        CachingSha2AuthString read = CachingSha2AuthString.parseHex("0x" + made.hex().toLowerCase());
        assertThat(read).isEqualTo(made);
        assertThat(read.matches(bytes("correct horse"))).isTrue();
        assertThat(read.matches(bytes("correct horsE"))).isFalse();
        assertThat(read.matches(new byte[0])).isFalse();
        assertThat(read.toString()).doesNotContain(made.digest());
    }

    @Test
    void roundsAreHexadecimalThousands() {
        CachingSha2AuthString made = CachingSha2AuthString.of("x");
        byte[] stored = made.encode();
        stored[5] = 'A'; // "00A": 10,000 rounds, as caching_sha2_password_digest_rounds=10000 writes it
        assertThat(CachingSha2AuthString.parse(stored).rounds()).isEqualTo(10_000);
    }

    @Test
    void malformedFormsAreRefusedWithAReason() {
        String good = CachingSha2AuthString.of("x").hex();
        assertThatThrownBy(() -> CachingSha2AuthString.parseHex(good.substring(2)))
                .hasMessageContaining("140 hex digits");
        assertThatThrownBy(() -> CachingSha2AuthString.parseHex("ZZ" + good.substring(2)))
                .hasMessageContaining("not hexadecimal");
        assertThatThrownBy(() -> CachingSha2AuthString.parseHex("25" + good.substring(2)))
                .hasMessageContaining("$A$");
        assertThatThrownBy(() -> CachingSha2AuthString.parseHex(good.substring(0, 8) + "3030"
                + good.substring(12))).hasMessageContaining("rounds");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
