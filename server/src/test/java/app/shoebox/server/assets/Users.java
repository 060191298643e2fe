package app.shoebox.server.assets;

import app.shoebox.server.ServerFixture;
import app.shoebox.server.auth.ApiKeyService;
import app.shoebox.server.auth.Permission;
import app.shoebox.server.users.User;
import app.shoebox.server.users.UserService;

import java.util.List;

/** A second user with an all-powerful API key, for ownership tests. */
public record Users(User user, String apiKey) {

    public static Users create(ServerFixture server, String email) {
        var jdbi = server.server().database().jdbi();
        User user = new UserService(jdbi).create(email, "Other", "another password", false);
        String key = new ApiKeyService(jdbi).create(user.id(), "test", List.of(Permission.ALL)).secret();
        return new Users(user, key);
    }
}
