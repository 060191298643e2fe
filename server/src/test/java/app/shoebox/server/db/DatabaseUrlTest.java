package app.shoebox.server.db;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseUrlTest {

    @Test
    void libpqUrlsBecomeJdbcUrlsWithTheirCredentials() {
        DatabaseUrl u = DatabaseUrl.parse("postgres://shoebox:s%40cret@db.example:6543/photos?sslmode=require");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/photos?sslmode=require");
        assertThat(u.user()).contains("shoebox");
        assertThat(u.password()).contains("s@cret");
        assertThat(DatabaseUrl.parse("postgresql://localhost").jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/postgres");
    }

    @Test
    void jdbcUrlsAreTakenAsTheyAre() {
        DatabaseUrl u = DatabaseUrl.parse(" jdbc:postgresql://h/db?user=a&password=b ");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://h/db?user=a&password=b");
        assertThat(u.user()).isEqualTo(Optional.empty());
    }

    @Test
    void badUrlsAreRefusedWithoutShowingThePassword() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:hunter2@h/db"))
                .hasMessageContaining("postgres://").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgres://u:hunter2@/db"))
                .hasMessageContaining("no host").hasMessageNotContaining("hunter2");
        assertThat(DatabaseUrl.redact("jdbc:postgresql://h/db?user=a&password=hunter2")).doesNotContain("hunter2");
    }
}
