package app.shoebox.client.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerAddressTest {

    @Test
    void theRootAndTheApiBaseGiveTheSameAddress() {
        assertThat(ServerAddress.parse("http://nas:2283").toString()).isEqualTo("http://nas:2283/api");
        assertThat(ServerAddress.parse("http://nas:2283/").toString()).isEqualTo("http://nas:2283/api");
        assertThat(ServerAddress.parse("http://nas:2283/api").toString()).isEqualTo("http://nas:2283/api");
        assertThat(ServerAddress.parse("https://photos.example.org/api/").toString()).isEqualTo("https://photos.example.org/api");
        assertThat(ServerAddress.parse("nas:2283").toString()).isEqualTo("http://nas:2283/api");
        assertThat(ServerAddress.parse("https://example.org/immich").toString()).isEqualTo("https://example.org/immich/api");
    }

    @Test
    void whatIsNotAServerUrlIsRefusedWithWhatToGive() {
        assertThatThrownBy(() -> ServerAddress.parse("")).hasMessageContaining("--server");
        assertThatThrownBy(() -> ServerAddress.parse("ftp://nas")).hasMessageContaining("http://host:2283");
        assertThatThrownBy(() -> ServerAddress.parse("http://bad host")).hasMessageContaining("not a URL");
    }

    @Test
    void segmentsAreEncoded() {
        assertThat(ServerAddress.segment("shoebox-upload@host 1")).isEqualTo("shoebox-upload%40host%201");
    }
}
